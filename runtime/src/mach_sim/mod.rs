//! An in-process Mach kernel simulator with `mach2`'s API.
//!
//! The submodules mirror `mach2` 0.7's module paths, item names, types and
//! signatures (MACH.md §9), so that code written against
//! [`crate::mach_sys`] runs unchanged on Linux. Behind them one simulated
//! kernel implements the rules of MACH.md: per-task name spaces, user
//! references, dispositions, dead names, notifications, queue limits,
//! timeouts, out-of-line memory and error codes.
//!
//! Several simulated tasks live in one process ([`Task`]); a thread acts in
//! the task it entered, else in the main task. [`rights_held`] lists every
//! right every task holds, for leak checks. Where the simulator differs
//! from XNU is listed in `docs/mach-sim.md`.

pub mod boolean;
pub mod bootstrap;
pub mod extra;
pub mod kern_return;
pub mod mach_port;
pub mod mach_types;
pub mod memory_object_types;
pub mod message;
pub mod ndr;
pub mod notify;
pub mod port;
pub mod task;
pub mod task_special_ports;
pub mod traps;
pub mod vm;
pub mod vm_inherit;
pub mod vm_prot;
pub mod vm_statistics;
pub mod vm_types;

mod kernel;
mod sim;

#[cfg(feature = "mach-sim")]
pub(crate) use sim::bind_thread_to;
#[cfg(feature = "mach-sim")]
pub use sim::debug_name;
pub use sim::{
    GuardViolation, HeldRight, Task, TaskGuard, TaskId, audit, current_task, current_task_rights,
    guard_violations, move_right, rights_held,
};
