//! Conformance tests for the Mach IPC rules of MACH.md, one per edge-case
//! seed of §8 (`eNN_…`), plus out-of-line memory, send-possible, task death
//! and bootstrap tests.
//!
//! Written against `machproto_runtime::mach_sys` only, so the same tests
//! can run against the real kernel; tests that need a second task (or that
//! would crash a real process with a guard exception) use the simulator's
//! task API and run on the simulator only. Every test runs in a fresh
//! simulated task and ends by checking that the task holds exactly the
//! names it started with.
#![allow(clippy::undocumented_unsafe_blocks)]

mod harness;
mod messages;
mod more;
mod notifications;
mod rights;
mod sets;
mod stress;
mod tasks;
