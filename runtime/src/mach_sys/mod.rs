//! The one place the Mach backend takes Mach items from.
//!
//! On Apple targets the submodules are `mach2`'s own (`port`, `message`,
//! `mach_port`, `traps`, `kern_return`, `notify`, `vm`, …), and [`extra`]
//! declares, from libSystem, the calls `mach2` lacks. Everywhere else the
//! same paths lead to the in-process Mach simulator (`crate::mach_sim`),
//! which mirrors `mach2`'s names, types and signatures. The backend's source
//! is therefore the same on macOS and on Linux.

#[cfg(target_vendor = "apple")]
pub use mach2::{
    boolean, bootstrap, kern_return, mach_port, mach_types, memory_object_types, message, ndr,
    notify, port, task, task_special_ports, traps, vm, vm_inherit, vm_prot, vm_statistics,
    vm_types,
};

#[cfg(not(target_vendor = "apple"))]
pub use crate::mach_sim::{
    boolean, bootstrap, kern_return, mach_port, mach_types, memory_object_types, message, ndr,
    notify, port, task, task_special_ports, traps, vm, vm_inherit, vm_prot, vm_statistics,
    vm_types,
};

pub mod extra;
