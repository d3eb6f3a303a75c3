//! The machproto runtime.
//!
//! This crate will hold what generated code runs on: rights (send,
//! send-once and receive rights, shared memory, file descriptors), the
//! `MachMessage` wire format, the Linux and Mach platform layers, channels,
//! endpoints, the I/O loop and actors. None of it exists yet; the crate is an
//! empty placeholder so the workspace layout is fixed from the start.
