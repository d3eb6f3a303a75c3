//! Mirror of `mach2::mach_port` (`mach/mach_port.h`): port management
//! (MACH.md §4, §6).
//!
//! # Safety
//!
//! Every function is `unsafe` because, as in C, output arguments are raw
//! pointers that must be valid for a write of their type (input arrays for
//! reads of the given count). A null output pointer is refused with
//! `KERN_INVALID_ADDRESS` before anything happens.
#![allow(non_snake_case, clippy::missing_safety_doc)]

use super::kern_return::{KERN_INVALID_ADDRESS, KERN_SUCCESS, kern_return_t};
use super::kernel as k;
use super::mach_types::ipc_space_t;
use super::message::{mach_msg_id_t, mach_msg_type_name_t, mach_msg_type_number_t};
use super::port::{
    mach_port_delta_t, mach_port_flavor_t, mach_port_info_t, mach_port_mscount_t, mach_port_name_t,
    mach_port_options_t, mach_port_right_t, mach_port_t,
};
use super::vm_types::mach_port_context_t;

/// Writes `value` through `ptr` and returns `KERN_SUCCESS`.
///
/// # Safety
///
/// `ptr` must be non-null and valid for a write of `T`.
pub(crate) unsafe fn put<T>(ptr: *mut T, value: T) -> kern_return_t {
    // SAFETY: guaranteed by the caller (callers check for null first).
    unsafe { ptr.write_unaligned(value) };
    KERN_SUCCESS
}

pub unsafe extern "C" fn mach_port_allocate(
    task: ipc_space_t,
    right: mach_port_right_t,
    name: *mut mach_port_name_t,
) -> kern_return_t {
    if name.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match k::port_allocate(task, right, None) {
        // SAFETY: `name` is non-null and, by the caller's contract, writable.
        Ok(n) => unsafe { put(name, n) },
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_destroy(
    task: ipc_space_t,
    name: mach_port_name_t,
) -> kern_return_t {
    k::port_destroy(task, name)
}

pub unsafe extern "C" fn mach_port_deallocate(
    task: ipc_space_t,
    name: mach_port_name_t,
) -> kern_return_t {
    k::port_deallocate(task, name)
}

pub unsafe extern "C" fn mach_port_insert_right(
    task: ipc_space_t,
    name: mach_port_name_t,
    poly: mach_port_t,
    polyPoly: mach_msg_type_name_t,
) -> kern_return_t {
    k::port_insert_right(task, name, poly, polyPoly)
}

pub unsafe extern "C" fn mach_port_extract_right(
    task: ipc_space_t,
    name: mach_port_name_t,
    msgt_name: mach_msg_type_name_t,
    poly: *mut mach_port_t,
    polyPoly: *mut mach_msg_type_name_t,
) -> kern_return_t {
    if poly.is_null() || polyPoly.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match k::port_extract_right(task, name, msgt_name) {
        Ok((n, t)) => {
            // SAFETY: both pointers are non-null and writable by contract.
            unsafe {
                put(poly, n);
                put(polyPoly, t)
            }
        }
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_mod_refs(
    task: ipc_space_t,
    name: mach_port_name_t,
    right: mach_port_right_t,
    delta: mach_port_delta_t,
) -> kern_return_t {
    k::port_mod_refs(task, name, right, delta)
}

pub unsafe extern "C" fn mach_port_get_attributes(
    task: ipc_space_t,
    name: mach_port_name_t,
    flavor: mach_port_flavor_t,
    port_info_out: mach_port_info_t,
    port_info_outCnt: *mut mach_msg_type_number_t,
) -> kern_return_t {
    if port_info_outCnt.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    // SAFETY: non-null and readable by contract.
    let capacity = unsafe { port_info_outCnt.read_unaligned() };
    if capacity > 0 && port_info_out.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match k::port_get_attributes(task, name, flavor, capacity) {
        Ok(words) => {
            for (i, word) in words.iter().enumerate() {
                // SAFETY: `words.len() <= capacity`, and the caller provides
                // `capacity` writable integers at `port_info_out`.
                unsafe { put(port_info_out.add(i), *word) };
            }
            // SAFETY: checked non-null above.
            unsafe { put(port_info_outCnt, words.len() as mach_msg_type_number_t) }
        }
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_set_attributes(
    task: ipc_space_t,
    name: mach_port_name_t,
    flavor: mach_port_flavor_t,
    port_info: mach_port_info_t,
    port_infoCnt: mach_msg_type_number_t,
) -> kern_return_t {
    if port_infoCnt > 0 && port_info.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    let count = port_infoCnt.min(32) as usize;
    let words: Vec<i32> = (0..count)
        // SAFETY: the caller provides `port_infoCnt` readable integers.
        .map(|i| unsafe { port_info.add(i).read_unaligned() })
        .collect();
    k::port_set_attributes(task, name, flavor, &words, port_infoCnt)
}

pub unsafe extern "C" fn mach_port_request_notification(
    task: ipc_space_t,
    name: mach_port_name_t,
    msgid: mach_msg_id_t,
    sync: mach_port_mscount_t,
    notify: mach_port_t,
    notifyPoly: mach_msg_type_name_t,
    previous: *mut mach_port_t,
) -> kern_return_t {
    if previous.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match k::port_request_notification(task, name, msgid, sync, notify, notifyPoly) {
        // SAFETY: non-null and writable by contract.
        Ok(prev) => unsafe { put(previous, prev) },
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_construct(
    task: ipc_space_t,
    options: *mut mach_port_options_t,
    context: mach_port_context_t,
    name: *mut mach_port_name_t,
) -> kern_return_t {
    if options.is_null() || name.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    // SAFETY: non-null and readable by contract.
    let opts = unsafe { options.read_unaligned() };
    match k::port_construct(task, &opts, context) {
        // SAFETY: non-null and writable by contract.
        Ok(n) => unsafe { put(name, n) },
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_destruct(
    task: ipc_space_t,
    name: mach_port_name_t,
    srdelta: mach_port_delta_t,
    guard: mach_port_context_t,
) -> kern_return_t {
    k::port_destruct(task, name, srdelta, guard)
}
