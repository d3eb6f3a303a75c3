//! Mirror of the `mach2::vm_statistics` flags the simulator understands.
#![allow(missing_docs)]

use core::ffi::c_int;

pub const VM_FLAGS_FIXED: c_int = 0x0;
pub const VM_FLAGS_ANYWHERE: c_int = 0x1;
pub const VM_FLAGS_PURGABLE: c_int = 0x2;
pub const VM_FLAGS_NO_CACHE: c_int = 0x10;
pub const VM_FLAGS_OVERWRITE: c_int = 0x4000;
