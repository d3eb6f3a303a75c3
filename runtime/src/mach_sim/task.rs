//! Mirror of the `mach2::task` calls on special ports.
#![allow(clippy::missing_safety_doc)]

use super::kern_return::{KERN_INVALID_ADDRESS, kern_return_t};
use super::mach_port::put;
use super::mach_types::task_t;
use super::port::mach_port_t;
use super::task_special_ports::task_special_port_t;

/// A send right to special port `which_port` of `task`, in the caller's
/// space (`MACH_PORT_NULL` if unset).
pub unsafe extern "C" fn task_get_special_port(
    task: task_t,
    which_port: task_special_port_t,
    special_port: *mut mach_port_t,
) -> kern_return_t {
    if special_port.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match super::kernel::task_get_special_port(task, which_port) {
        // SAFETY: non-null and writable by contract.
        Ok(n) => unsafe { put(special_port, n) },
        Err(kr) => kr,
    }
}

/// Sets special port `which_port` of `task` to a copy of the caller's send
/// right `special_port` (or clears it with `MACH_PORT_NULL`).
pub unsafe extern "C" fn task_set_special_port(
    task: task_t,
    which_port: task_special_port_t,
    special_port: mach_port_t,
) -> kern_return_t {
    super::kernel::task_set_special_port(task, which_port, special_port)
}
