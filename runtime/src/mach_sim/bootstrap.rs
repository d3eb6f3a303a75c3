//! Mirror of `mach2::bootstrap` over a simulated launchd: one name registry
//! shared by every simulated task (MACH.md M67).
//!
//! - `bootstrap_check_in` hands out the receive right of a service. A name
//!   nobody registered is created on the spot (dynamic check-in); a name
//!   already checked in is `BOOTSTRAP_SERVICE_ACTIVE`.
//! - `bootstrap_look_up` gives a send right (COPY_SEND of the registry's).
//! - `bootstrap_register` stores a copy of the caller's send right;
//!   `BOOTSTRAP_NAME_IN_USE` if the name is taken.
//!
//! A registration disappears when its port dies.
#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    missing_docs,
    clippy::missing_safety_doc
)]

use super::boolean::boolean_t;
use super::kern_return::{KERN_INVALID_ADDRESS, kern_return_t};
use super::mach_port::put;
use super::port::mach_port_t;
use core::ffi::{CStr, c_char, c_int, c_uint};

pub const BOOTSTRAP_MAX_NAME_LEN: c_uint = 128;
pub const BOOTSTRAP_MAX_CMD_LEN: c_uint = 512;
pub const BOOTSTRAP_MAX_LOOKUP_COUNT: c_uint = 20;

pub const BOOTSTRAP_SUCCESS: kern_return_t = 0;
pub const BOOTSTRAP_NOT_PRIVILEGED: kern_return_t = 1100;
pub const BOOTSTRAP_NAME_IN_USE: kern_return_t = 1101;
pub const BOOTSTRAP_UNKNOWN_SERVICE: kern_return_t = 1102;
pub const BOOTSTRAP_SERVICE_ACTIVE: kern_return_t = 1103;
pub const BOOTSTRAP_BAD_COUNT: kern_return_t = 1104;
pub const BOOTSTRAP_NO_MEMORY: kern_return_t = 1105;
pub const BOOTSTRAP_NO_CHILDREN: kern_return_t = 1106;

pub const BOOTSTRAP_STATUS_INACTIVE: bootstrap_status_t = 0;
pub const BOOTSTRAP_STATUS_ACTIVE: bootstrap_status_t = 1;
pub const BOOTSTRAP_STATUS_ON_DEMAND: bootstrap_status_t = 2;

pub type name_t = [c_char; 128];
pub type cmd_t = [c_char; 512];
pub type name_array_t = *mut name_t;
pub type bootstrap_status_t = c_int;
pub type bootstrap_status_array_t = *mut bootstrap_status_t;
pub type bootstrap_property_t = c_uint;
pub type bootstrap_property_array_t = *mut bootstrap_property_t;
pub type bool_array_t = *mut boolean_t;

/// The bootstrap send right. Every simulated task holds it under this same
/// name. A `static mut` that is never written, so reading it needs `unsafe`
/// as mach2's `extern` static does.
pub static mut bootstrap_port: mach_port_t = super::kernel::BOOTSTRAP_NAME;

/// Reads a service name: at most 127 bytes plus NUL.
///
/// # Safety
///
/// `name` must be null or point to a NUL-terminated string.
unsafe fn service_name(name: *const c_char) -> Option<Vec<u8>> {
    if name.is_null() {
        return None;
    }
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { CStr::from_ptr(name) }.to_bytes();
    (bytes.len() < BOOTSTRAP_MAX_NAME_LEN as usize).then(|| bytes.to_vec())
}

pub unsafe extern "C" fn bootstrap_register(
    bp: mach_port_t,
    service_name: *mut c_char,
    sp: mach_port_t,
) -> kern_return_t {
    // SAFETY: the caller passes a C string.
    let Some(name) = (unsafe { self::service_name(service_name) }) else {
        return BOOTSTRAP_BAD_COUNT;
    };
    super::kernel::bootstrap_register(bp, &name, sp)
}

pub unsafe extern "C" fn bootstrap_check_in(
    bp: mach_port_t,
    service_name: *const c_char,
    sp: *mut mach_port_t,
) -> kern_return_t {
    if sp.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    // SAFETY: the caller passes a C string.
    let Some(name) = (unsafe { self::service_name(service_name) }) else {
        return BOOTSTRAP_BAD_COUNT;
    };
    match super::kernel::bootstrap_check_in(bp, &name) {
        // SAFETY: non-null and writable by contract.
        Ok(n) => unsafe { put(sp, n) },
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn bootstrap_look_up(
    bp: mach_port_t,
    service_name: *const c_char,
    sp: *mut mach_port_t,
) -> kern_return_t {
    if sp.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    // SAFETY: the caller passes a C string.
    let Some(name) = (unsafe { self::service_name(service_name) }) else {
        return BOOTSTRAP_BAD_COUNT;
    };
    match super::kernel::bootstrap_look_up(bp, &name) {
        // SAFETY: non-null and writable by contract.
        Ok(n) => unsafe { put(sp, n) },
        Err(kr) => kr,
    }
}

/// A static description of a bootstrap or kernel return code.
pub unsafe extern "C" fn bootstrap_strerror(r: kern_return_t) -> *const c_char {
    let text: &'static CStr = match r {
        BOOTSTRAP_SUCCESS => c"Success",
        BOOTSTRAP_NOT_PRIVILEGED => c"Permission denied",
        BOOTSTRAP_NAME_IN_USE => c"Service name already exists",
        BOOTSTRAP_UNKNOWN_SERVICE => c"Unknown service name",
        BOOTSTRAP_SERVICE_ACTIVE => c"Service already active",
        BOOTSTRAP_BAD_COUNT => c"Too many lookups were requested in one request",
        BOOTSTRAP_NO_MEMORY => c"Out of memory",
        BOOTSTRAP_NO_CHILDREN => c"No children",
        _ => c"Unknown error",
    };
    text.as_ptr()
}
