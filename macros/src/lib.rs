//! Procedural macros of machproto.
//!
//! This crate will provide `#[derive(MachMessage)]` and
//! `include_protocol!("protocols/x.mproto")`, both thin layers over
//! `machproto-idl` and `machproto-codegen`. Neither exists yet: the crate is
//! an empty placeholder in the workspace so the dependency graph
//! (`macros → codegen → idl`) is fixed from the start.
