//! Multi-process example programs of machproto.
//!
//! The examples (a compositor with content processes, a bridge between two
//! children, a file server passing descriptors, a crashing child) need the
//! runtime and the code generator, which do not exist yet. This crate is an
//! empty placeholder until then.
