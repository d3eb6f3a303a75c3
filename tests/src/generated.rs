//! The generated code of every canonical protocol and valid test input,
//! one module per root file (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/generated_modules.rs"));
