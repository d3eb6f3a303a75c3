//! Shared memory on Mach: a named memory entry (a send right to a memory
//! object), mapped with `mach_vm_map`. Its size comes from the kernel when
//! it is received, so a receiver can trust it.

use std::io;

use super::{PortName, PortRight, check, port_name};
use crate::mach_sys::memory_object_types::memory_object_size_t;
use crate::mach_sys::port::{MACH_PORT_NULL, mach_port_name_t, mach_port_t};
use crate::mach_sys::traps::mach_task_self;
use crate::mach_sys::vm::{
    mach_make_memory_entry_64, mach_vm_allocate, mach_vm_deallocate, mach_vm_map,
};
use crate::mach_sys::vm_inherit::VM_INHERIT_NONE;
use crate::mach_sys::vm_prot::{VM_PROT_READ, VM_PROT_WRITE, vm_prot_t};
use crate::mach_sys::vm_statistics::VM_FLAGS_ANYWHERE;
use crate::mach_sys::vm_types::mach_vm_address_t;
use crate::right::{Handle, SharedMemory};

impl SharedMemory {
    /// A new zero-filled region of `len` bytes.
    pub fn new(len: u64) -> io::Result<SharedMemory> {
        let mut address: mach_vm_address_t = 0;
        // SAFETY: allocates fresh zero-filled memory in this task, makes a
        // memory entry for it, then drops our own mapping: the entry keeps
        // the memory alive. Out-pointers are valid for writes.
        unsafe {
            let task = mach_task_self();
            check(
                mach_vm_allocate(task, &mut address, len.max(1), VM_FLAGS_ANYWHERE),
                "mach_vm_allocate",
            )?;
            let mut size: memory_object_size_t = len.max(1);
            let mut entry: mach_port_t = MACH_PORT_NULL;
            let made = mach_make_memory_entry_64(
                task,
                &mut size,
                address,
                VM_PROT_READ | VM_PROT_WRITE,
                &mut entry,
                MACH_PORT_NULL,
            );
            mach_vm_deallocate(task, address, len.max(1));
            check(made, "mach_make_memory_entry_64")?;
            Ok(SharedMemory {
                handle: Handle::Port(PortName::new(entry, PortRight::Send)),
                len,
            })
        }
    }

    /// Forbidding writes in place is not possible on Mach (a read-only
    /// entry is a new object); this reports `Unsupported`.
    pub fn seal_read_only(&self) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "Mach memory entries cannot be sealed in place",
        ))
    }

    /// Maps the region for reading and writing.
    pub fn map(&self) -> io::Result<Mapping> {
        self.map_with(VM_PROT_READ | VM_PROT_WRITE)
    }

    /// Maps the region for reading only.
    pub fn map_read_only(&self) -> io::Result<Mapping> {
        self.map_with(VM_PROT_READ)
    }

    fn map_with(&self, protection: vm_prot_t) -> io::Result<Mapping> {
        let entry = port_name(&self.handle)?;
        let len = usize::try_from(self.len)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "region too large"))?;
        if len == 0 {
            return Ok(Mapping {
                address: 0,
                len: 0,
                writable: protection & VM_PROT_WRITE != 0,
            });
        }
        let mut address: mach_vm_address_t = 0;
        // SAFETY: maps the memory object named by a send right we hold
        // anywhere in this task's address space; `address` is writable.
        let result = unsafe {
            mach_vm_map(
                mach_task_self(),
                &mut address,
                self.len,
                0,
                VM_FLAGS_ANYWHERE,
                entry,
                0,
                0,
                protection,
                protection,
                VM_INHERIT_NONE,
            )
        };
        check(result, "mach_vm_map")?;
        Ok(Mapping {
            address,
            len,
            writable: protection & VM_PROT_WRITE != 0,
        })
    }
}

/// The size of the memory object named by `entry`, as the kernel knows it;
/// `None` if `entry` does not name a memory entry.
pub(crate) fn entry_size(entry: mach_port_name_t) -> Option<u64> {
    let mut size: memory_object_size_t = 0;
    let mut probe: mach_port_t = MACH_PORT_NULL;
    // SAFETY: asks the kernel for a sub-entry of the whole object (size 0
    // means "all of it"), which reports the object's size; the sub-entry is
    // released right away.
    unsafe {
        let result = mach_make_memory_entry_64(
            mach_task_self(),
            &mut size,
            0,
            VM_PROT_READ,
            &mut probe,
            entry,
        );
        if result != crate::mach_sys::kern_return::KERN_SUCCESS {
            return None;
        }
        crate::mach_sys::mach_port::mach_port_deallocate(mach_task_self(), probe);
    }
    Some(size)
}

/// A mapping of a [`SharedMemory`] region into this task.
///
/// Other processes may write to the region at any time: read what you need
/// once, and validate it like any other input from a peer.
#[derive(Debug)]
pub struct Mapping {
    address: mach_vm_address_t,
    len: usize,
    writable: bool,
}

// SAFETY: the mapping is plain memory owned by this value; moving it to
// another thread moves that ownership with it.
unsafe impl Send for Mapping {}

impl Mapping {
    /// The mapped bytes.
    pub fn as_slice(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: `address` is the start of `len` mapped, readable bytes,
        // valid while `self` lives.
        unsafe { std::slice::from_raw_parts(self.address as usize as *const u8, self.len) }
    }

    /// The mapped bytes for writing; `None` for a read-only mapping.
    pub fn as_mut_slice(&mut self) -> Option<&mut [u8]> {
        if !self.writable {
            return None;
        }
        if self.len == 0 {
            return Some(&mut []);
        }
        // SAFETY: as in `as_slice`, mapped writable; `&mut self` makes this
        // the only slice of it in this task.
        Some(unsafe { std::slice::from_raw_parts_mut(self.address as usize as *mut u8, self.len) })
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        if self.len == 0 {
            return;
        }
        // SAFETY: unmaps exactly what `mach_vm_map` mapped; no slice of it
        // outlives `self`.
        unsafe { mach_vm_deallocate(mach_task_self(), self.address, self.len as u64) };
    }
}
