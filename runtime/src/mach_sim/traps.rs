//! Mirror of `mach2::traps` (`mach/mach_traps.h`).
#![allow(clippy::missing_safety_doc)]

use super::kern_return::{KERN_FAILURE, KERN_INVALID_ARGUMENT, kern_return_t};
use super::port::{mach_port_name_t, mach_port_t};
use core::ffi::c_int;

/// The calling task's name for its own task control port.
///
/// Every simulated task holds that right under the same name (MACH.md
/// M63), so this is a constant, like libSystem's `mach_task_self_`. It adds
/// no user reference; never deallocate it.
pub unsafe fn mach_task_self() -> mach_port_t {
    super::kernel::TASK_SELF_NAME
}

/// Same as [`mach_task_self`].
pub unsafe fn current_task() -> mach_port_t {
    super::kernel::TASK_SELF_NAME
}

/// Always `KERN_FAILURE`: the simulator behaves as for an unprivileged
/// caller. `t` is not written.
pub unsafe extern "C" fn task_for_pid(
    target_tport: mach_port_name_t,
    pid: c_int,
    t: *mut mach_port_name_t,
) -> kern_return_t {
    let _ = (target_tport, pid);
    if t.is_null() {
        return KERN_INVALID_ARGUMENT;
    }
    KERN_FAILURE
}

/// Always `KERN_FAILURE` (see [`task_for_pid`]).
pub unsafe extern "C" fn task_name_for_pid(
    target_tport: mach_port_name_t,
    pid: c_int,
    tn: *mut mach_port_name_t,
) -> kern_return_t {
    let _ = (target_tport, pid);
    if tn.is_null() {
        return KERN_INVALID_ARGUMENT;
    }
    KERN_FAILURE
}
