//! Generates Rust from the canonical protocols and the valid test inputs,
//! so that `src/generated.rs` compiles (and clippy lints) every output.

use std::path::Path;

/// `deep_nesting` (99 nested `vec`s, the language's limit) compiles with
/// rustc in a moment but sends clippy into minutes of work, so CI's clippy
/// run would not finish; its output is still snapshotted. Every other file
/// is compiled, with the app types their `using`s name defined in
/// `src/lib.rs`.
fn skipped(path: &Path) -> bool {
    path.ends_with("deep_nesting.mproto")
}

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut roots = Vec::new();
    for dir in ["../protocols", "../protocols/gfx", "inputs/ok"] {
        println!("cargo:rerun-if-changed={dir}");
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("the directory exists")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "mproto"))
            .filter(|path| !skipped(path))
            .collect();
        entries.sort();
        roots.extend(entries);
    }
    machproto_codegen::Builder::new()
        .include("../protocols")
        .include("inputs")
        .out_dir(&out)
        .compile(&roots)
        .unwrap_or_else(|error| panic!("{error}"));
    // One module per generated file, named after it.
    let mut modules = String::new();
    for root in &roots {
        let stem = root.file_stem().unwrap_or_default().to_string_lossy();
        modules.push_str(&format!(
            "pub mod {stem} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{stem}.rs\")); }}\n"
        ));
    }
    std::fs::write(out.join("generated_modules.rs"), modules).expect("OUT_DIR is writable");
}
