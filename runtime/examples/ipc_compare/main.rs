//! Compares three ways of doing IPC between two processes on Linux: the
//! machproto platform layer ("ours"), a `SOCK_SEQPACKET` socket pair driven
//! directly with `libc` ("raw"), and the `ipc-channel` crate.
//!
//! ```text
//! cargo run --release -p machproto-runtime --example ipc_compare
//! ```
//!
//! The example re-executes itself as the child of each implementation
//! (`IPC_COMPARE_ROLE` selects the role). Every row is measured with both
//! processes pinned to CPU 0 and unpinned; each figure is the median of 7
//! timed repetitions after a calibrating warm-up. The table goes to stdout
//! and to `target/ipc_compare.json`.

#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod actors;
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod bench;
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod common;
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod ipc;
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod ours;
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod raw;

#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
fn main() {
    if let Err(error) = bench::main() {
        eprintln!("ipc_compare: {error}");
        std::process::exit(1);
    }
}

#[cfg(not(all(target_os = "linux", not(feature = "mach-sim"))))]
fn main() {
    eprintln!("ipc_compare needs Linux: it compares the Linux platform layer with raw sockets");
}
