//! The calls mach2 lacks (MACH.md §9.3), with libSystem's signatures; the
//! facade `crate::mach_sys::extra` re-exports them on non-Apple targets.
//!
//! # Safety
//!
//! As in [`super::mach_port`]: output pointers must be valid for writes;
//! null ones are refused with `KERN_INVALID_ADDRESS`.
#![allow(non_snake_case, clippy::missing_safety_doc)]

use super::kern_return::{KERN_INVALID_ADDRESS, KERN_SUCCESS, kern_return_t};
use super::kernel as k;
use super::mach_port::put;
use super::mach_types::{ipc_space_read_t, ipc_space_t};
use super::message::mach_msg_type_number_t;
use super::port::{
    mach_port_mscount_t, mach_port_name_t, mach_port_right_t, mach_port_seqno_t, mach_port_t,
    mach_port_type_t, mach_port_urefs_t,
};
use super::vm_types::mach_port_context_t;
use crate::mach_sys::extra::{mach_port_name_array_t, mach_port_type_array_t};

pub unsafe extern "C" fn mach_port_type(
    task: ipc_space_t,
    name: mach_port_name_t,
    ptype: *mut mach_port_type_t,
) -> kern_return_t {
    if ptype.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match k::port_type(task, name) {
        // SAFETY: non-null and writable by contract.
        Ok(t) => unsafe { put(ptype, t) },
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_get_refs(
    task: ipc_space_t,
    name: mach_port_name_t,
    right: mach_port_right_t,
    refs: *mut mach_port_urefs_t,
) -> kern_return_t {
    if refs.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match k::port_get_refs(task, name, right) {
        // SAFETY: non-null and writable by contract.
        Ok(r) => unsafe { put(refs, r) },
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_allocate_name(
    task: ipc_space_t,
    right: mach_port_right_t,
    name: mach_port_name_t,
) -> kern_return_t {
    match k::port_allocate(task, right, Some(name)) {
        Ok(_) => KERN_SUCCESS,
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_move_member(
    task: ipc_space_t,
    member: mach_port_name_t,
    after: mach_port_name_t,
) -> kern_return_t {
    k::port_move_member(task, member, after)
}

pub unsafe extern "C" fn mach_port_insert_member(
    task: ipc_space_t,
    name: mach_port_name_t,
    pset: mach_port_name_t,
) -> kern_return_t {
    k::port_insert_member(task, name, pset)
}

pub unsafe extern "C" fn mach_port_extract_member(
    task: ipc_space_t,
    name: mach_port_name_t,
    pset: mach_port_name_t,
) -> kern_return_t {
    k::port_extract_member(task, name, pset)
}

/// Every name of the space and its type; both arrays are allocated in the
/// caller's task and must be freed with `mach_vm_deallocate`.
pub unsafe extern "C" fn mach_port_names(
    task: ipc_space_t,
    names: *mut mach_port_name_array_t,
    names_count: *mut mach_msg_type_number_t,
    types: *mut mach_port_type_array_t,
    types_count: *mut mach_msg_type_number_t,
) -> kern_return_t {
    if names.is_null() || names_count.is_null() || types.is_null() || types_count.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    let list = match k::port_names(task) {
        Ok(list) => list,
        Err(kr) => return kr,
    };
    let name_words: Vec<u32> = list.iter().map(|&(n, _)| n).collect();
    let type_words: Vec<u32> = list.iter().map(|&(_, t)| t).collect();
    let (name_ptr, type_ptr) = match (k::vm_copy_out(&name_words), k::vm_copy_out(&type_words)) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return super::kern_return::KERN_RESOURCE_SHORTAGE,
    };
    let count = list.len() as mach_msg_type_number_t;
    // SAFETY: all four pointers were checked non-null and are writable by
    // the caller's contract.
    unsafe {
        put(names, name_ptr.cast());
        put(names_count, count);
        put(types, type_ptr.cast());
        put(types_count, count)
    }
}

/// The members of port set `name`; the array is allocated in the caller's
/// task (free it with `mach_vm_deallocate`).
pub unsafe extern "C" fn mach_port_get_set_status(
    task: ipc_space_read_t,
    name: mach_port_name_t,
    members: *mut mach_port_name_array_t,
    membersCnt: *mut mach_msg_type_number_t,
) -> kern_return_t {
    if members.is_null() || membersCnt.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    let list = match k::port_get_set_status(task, name) {
        Ok(list) => list,
        Err(kr) => return kr,
    };
    let Ok(ptr) = k::vm_copy_out(&list) else {
        return super::kern_return::KERN_RESOURCE_SHORTAGE;
    };
    // SAFETY: both pointers were checked non-null and are writable.
    unsafe {
        put(members, ptr.cast());
        put(membersCnt, list.len() as mach_msg_type_number_t)
    }
}

pub unsafe extern "C" fn mach_port_get_context(
    task: ipc_space_t,
    name: mach_port_name_t,
    context: *mut mach_port_context_t,
) -> kern_return_t {
    if context.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match k::port_get_context(task, name) {
        // SAFETY: non-null and writable by contract.
        Ok(c) => unsafe { put(context, c) },
        Err(kr) => kr,
    }
}

pub unsafe extern "C" fn mach_port_set_context(
    task: ipc_space_t,
    name: mach_port_name_t,
    context: mach_port_context_t,
) -> kern_return_t {
    k::port_set_context(task, name, context)
}

pub unsafe extern "C" fn mach_port_set_mscount(
    task: ipc_space_t,
    name: mach_port_name_t,
    mscount: mach_port_mscount_t,
) -> kern_return_t {
    k::port_set_counter(task, name, k::Counter::Mscount, mscount)
}

pub unsafe extern "C" fn mach_port_set_seqno(
    task: ipc_space_t,
    name: mach_port_name_t,
    seqno: mach_port_seqno_t,
) -> kern_return_t {
    k::port_set_counter(task, name, k::Counter::Seqno, seqno)
}

/// A send right standing for descriptor `fd` (which stays the caller's).
/// Returns 0, or -1 when `fd` is not an open descriptor.
pub unsafe extern "C" fn fileport_makeport(fd: i32, port: *mut mach_port_t) -> i32 {
    use std::os::fd::BorrowedFd;
    if port.is_null() || fd < 0 {
        return -1;
    }
    // SAFETY: the caller passes a descriptor it owns and keeps open for
    // the call; a closed one only makes the duplication fail.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    let Ok(file) = rustix::io::fcntl_dupfd_cloexec(borrowed, 0) else {
        return -1;
    };
    match k::fileport_makeport(file) {
        // SAFETY: non-null and writable by contract.
        Ok(name) if unsafe { put(port, name) } == KERN_SUCCESS => 0,
        Ok(_) => -1,
        Err(_) => -1,
    }
}

/// A new descriptor (the caller's to close) for the file fileport `port`
/// stands for, or -1.
pub unsafe extern "C" fn fileport_makefd(port: mach_port_t) -> i32 {
    use std::os::fd::IntoRawFd;
    let Ok(file) = k::fileport_file(port) else {
        return -1;
    };
    match rustix::io::fcntl_dupfd_cloexec(&*file, 0) {
        Ok(fd) => fd.into_raw_fd(),
        Err(_) => -1,
    }
}
