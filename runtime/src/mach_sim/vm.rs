//! Mirror of the `mach2::vm` calls the backend needs: real, zero-filled,
//! page-aligned memory of this process, recorded per simulated task.
#![allow(clippy::missing_safety_doc)]

use super::boolean::boolean_t;
use super::kern_return::{KERN_INVALID_ADDRESS, kern_return_t};
use super::mach_port::put;
use super::mach_types::{mem_entry_name_port_t, vm_task_entry_t};
use super::memory_object_types::{memory_object_offset_t, memory_object_size_t};
use super::port::mach_port_t;
use super::vm_inherit::vm_inherit_t;
use super::vm_prot::vm_prot_t;
use super::vm_types::{mach_vm_address_t, mach_vm_offset_t, mach_vm_size_t, vm_map_t};
use core::ffi::c_int;

/// Allocates `size` bytes (rounded up to pages) of zeroed memory owned by
/// `target`. Only `VM_FLAGS_ANYWHERE` placement is supported; a fixed
/// address is `KERN_NO_SPACE`.
pub unsafe extern "C" fn mach_vm_allocate(
    target: vm_task_entry_t,
    address: *mut mach_vm_address_t,
    size: mach_vm_size_t,
    flags: c_int,
) -> kern_return_t {
    if address.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    match super::kernel::vm_allocate(target, size, flags) {
        // SAFETY: non-null and writable by the caller's contract.
        Ok(addr) => unsafe { put(address, addr) },
        Err(kr) => kr,
    }
}

/// Frees memory from `mach_vm_allocate` or received out of line. The range
/// must cover whole allocations (page-rounded); other ranges are
/// `KERN_INVALID_ADDRESS` (see docs/mach-sim.md). `size == 0` does nothing.
pub unsafe extern "C" fn mach_vm_deallocate(
    target: vm_task_entry_t,
    address: mach_vm_address_t,
    size: mach_vm_size_t,
) -> kern_return_t {
    super::kernel::vm_deallocate(target, address, size)
}

/// A memory entry (a send right to a memory object) for `*size` bytes at
/// `offset` of `target_task`'s memory, or, with `parent_entry`, for part of
/// that entry's object (`*size == 0`: all of it from `offset`; the size is
/// written back).
///
/// A new object made from ordinary memory starts as a copy of it: later
/// writes through the original allocation are not shared (XNU shares
/// them); writes through mappings of the entry are (see docs/mach-sim.md).
pub unsafe extern "C" fn mach_make_memory_entry_64(
    target_task: vm_map_t,
    size: *mut memory_object_size_t,
    offset: memory_object_offset_t,
    permission: vm_prot_t,
    object_handle: *mut mach_port_t,
    parent_entry: mem_entry_name_port_t,
) -> kern_return_t {
    if size.is_null() || object_handle.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    // SAFETY: non-null and readable by the caller's contract.
    let requested = unsafe { size.read_unaligned() };
    match super::kernel::make_memory_entry(target_task, requested, offset, permission, parent_entry)
    {
        Ok((name, actual)) => {
            // SAFETY: both pointers are non-null and writable by contract.
            unsafe {
                put(size, actual);
                put(object_handle, name)
            }
        }
        Err(kr) => kr,
    }
}

/// Maps (part of) a memory entry's object into `target_task`. Only
/// `VM_FLAGS_ANYWHERE` placement is supported; `copy` maps privately.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mach_vm_map(
    target_task: vm_task_entry_t,
    inout: *mut mach_vm_address_t,
    size: mach_vm_size_t,
    mask: mach_vm_offset_t,
    flags: c_int,
    object: mem_entry_name_port_t,
    offset: memory_object_offset_t,
    copy: boolean_t,
    cur_protection: vm_prot_t,
    max_protection: vm_prot_t,
    inheritance: vm_inherit_t,
) -> kern_return_t {
    let _ = (mask, max_protection, inheritance);
    if inout.is_null() {
        return KERN_INVALID_ADDRESS;
    }
    let request = super::kernel::MapRequest {
        size,
        flags,
        object,
        offset,
        copy: copy != 0,
        protection: cur_protection,
    };
    match super::kernel::vm_map(target_task, &request) {
        // SAFETY: non-null and writable by the caller's contract.
        Ok(addr) => unsafe { put(inout, addr) },
        Err(kr) => kr,
    }
}
