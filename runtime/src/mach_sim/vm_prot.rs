//! Mirror of `mach2::vm_prot` (`mach/vm_prot.h`).
#![allow(non_camel_case_types, missing_docs)]

use core::ffi::c_int;

pub type vm_prot_t = c_int;

pub const VM_PROT_NONE: vm_prot_t = 0;
pub const VM_PROT_READ: vm_prot_t = 1;
pub const VM_PROT_WRITE: vm_prot_t = 1 << 1;
pub const VM_PROT_EXECUTE: vm_prot_t = 1 << 2;
pub const VM_PROT_NO_CHANGE_LEGACY: vm_prot_t = 0x08;
pub const VM_PROT_NO_CHANGE: vm_prot_t = 0x0100_0000;
pub const VM_PROT_COPY: vm_prot_t = 0x10;
pub const VM_PROT_WANTS_COPY: vm_prot_t = VM_PROT_COPY;
pub const VM_PROT_DEFAULT: vm_prot_t = VM_PROT_READ | VM_PROT_WRITE;
pub const VM_PROT_ALL: vm_prot_t = VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE;
pub const VM_PROT_IS_MASK: vm_prot_t = 0x40;
