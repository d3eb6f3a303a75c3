//! Mirror of `mach2::task_special_ports` (`mach/task_special_ports.h`).
#![allow(non_camel_case_types, missing_docs, clippy::missing_safety_doc)]

use super::kern_return::kern_return_t;
use super::mach_types::task_t;
use super::port::mach_port_t;
use core::ffi::c_int;

pub type task_special_port_t = c_int;

pub const TASK_KERNEL_PORT: task_special_port_t = 1;
pub const TASK_HOST_PORT: task_special_port_t = 2;
pub const TASK_NAME_PORT: task_special_port_t = 3;
pub const TASK_BOOTSTRAP_PORT: task_special_port_t = 4;
pub const TASK_INSPECT_PORT: task_special_port_t = 5;
pub const TASK_READ_PORT: task_special_port_t = 6;
pub const TASK_ACCESS_PORT: task_special_port_t = 9;
pub const TASK_DEBUG_CONTROL_PORT: task_special_port_t = 10;
pub const TASK_RESOURCE_NOTIFY_PORT: task_special_port_t = 11;

pub const TASK_MAX_SPECIAL_PORT: task_special_port_t = TASK_RESOURCE_NOTIFY_PORT;

#[inline]
pub unsafe fn task_get_bootstrap_port(task: task_t, port: *mut mach_port_t) -> kern_return_t {
    // SAFETY: the caller's pointer contract is passed on unchanged.
    unsafe { super::task::task_get_special_port(task, TASK_BOOTSTRAP_PORT, port) }
}

#[inline]
pub unsafe fn task_set_bootstrap_port(task: task_t, port: mach_port_t) -> kern_return_t {
    // SAFETY: no pointer is involved.
    unsafe { super::task::task_set_special_port(task, TASK_BOOTSTRAP_PORT, port) }
}

#[inline]
pub unsafe fn task_get_kernel_port(task: task_t, port: *mut mach_port_t) -> kern_return_t {
    // SAFETY: the caller's pointer contract is passed on unchanged.
    unsafe { super::task::task_get_special_port(task, TASK_KERNEL_PORT, port) }
}
