//! The machproto code generator and command-line tool.
//!
//! Today this crate ships the `machproto` command-line tool, which checks
//! protocol files with [`machproto_idl`] (`machproto check`) and prints their
//! checked model as JSON (`machproto ir`):
//!
//! ```text
//! $ machproto check -I protocols protocols/gfx/compositor.mproto
//! $ machproto ir protocols/fileserver.mproto > fileserver.json
//! ```
//!
//! Generating Rust from the checked model (`machproto gen`, the build.rs
//! `Builder` and `include_protocol!`) is not implemented yet.

pub use machproto_idl as idl;
