//! Memory entries: send rights to memory objects, mapped with
//! `mach_vm_map` (simulated with memfds on Linux).

use super::object::{KRight, Kobj, PortId, TaskId};
use super::vm::round_page;
use super::{State, current, with};
use crate::mach_sim::kern_return::{
    KERN_INVALID_ARGUMENT, KERN_NO_SPACE, KERN_PROTECTION_FAILURE, kern_return_t,
};
use crate::mach_sim::port::MACH_PORT_NULL;
use crate::mach_sim::vm_prot::{VM_PROT_EXECUTE, VM_PROT_READ, VM_PROT_WRITE};
use crate::mach_sim::vm_statistics::VM_FLAGS_ANYWHERE;
use crate::mach_sys::extra::MACH_PORT_TYPE_SEND;

/// A memory object as a memory entry names it.
#[derive(Debug)]
pub(crate) struct MemObject {
    #[cfg(target_os = "linux")]
    fd: std::sync::Arc<std::os::fd::OwnedFd>,
    offset: u64,
    size: u64,
    permission: i32,
}

/// The arguments of `mach_vm_map` the simulator uses.
#[derive(Debug)]
pub(crate) struct MapRequest {
    pub(crate) size: u64,
    pub(crate) flags: i32,
    pub(crate) object: u32,
    pub(crate) offset: u64,
    pub(crate) copy: bool,
    pub(crate) protection: i32,
}

const PROT_MASK: i32 = VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE;

impl State {
    /// The memory object behind `task`'s send right `name`.
    fn memory_of(&self, task: TaskId, name: u32) -> Option<&MemObject> {
        let entry = self.space(task)?.get(name)?;
        if entry.bits & MACH_PORT_TYPE_SEND == 0 {
            return None;
        }
        self.memory.get(&entry.port()?)
    }

    /// A memory entry port for `object`, as a send right of `task`.
    fn new_entry(&mut self, task: TaskId, object: MemObject) -> Result<u32, kern_return_t> {
        let port = self.new_port(Kobj::Memory);
        self.memory.insert(port, object);
        if let Some(p) = self.port_mut(port) {
            p.srights = 1;
        }
        self.copyout(task, KRight::Send(port))
    }

    /// A memory object dies with its last send right.
    pub(crate) fn drop_memory(&mut self, port: PortId) {
        self.memory.remove(&port);
        self.kill_port(port);
    }
}

#[cfg(target_os = "linux")]
fn memfd(bytes: &[u8], size: u64) -> Result<std::os::fd::OwnedFd, kern_return_t> {
    use crate::mach_sim::kern_return::KERN_RESOURCE_SHORTAGE;
    let fd = rustix::fs::memfd_create("mach-sim", rustix::fs::MemfdFlags::CLOEXEC)
        .map_err(|_| KERN_RESOURCE_SHORTAGE)?;
    rustix::fs::ftruncate(&fd, size).map_err(|_| KERN_RESOURCE_SHORTAGE)?;
    let mut written = 0;
    while written < bytes.len() {
        written += rustix::io::pwrite(&fd, &bytes[written..], written as u64)
            .map_err(|_| KERN_RESOURCE_SHORTAGE)?;
    }
    Ok(fd)
}

#[cfg(target_os = "linux")]
fn object_for_region(
    state: &State,
    task: TaskId,
    addr: u64,
    size: u64,
    permission: i32,
) -> Result<MemObject, kern_return_t> {
    use super::vm::Backing;
    let (start, _, backing) = state
        .vm
        .find(task, addr, size)
        .ok_or(KERN_INVALID_ARGUMENT)?;
    let size = round_page(size).ok_or(KERN_INVALID_ARGUMENT)?;
    match backing {
        Backing::Heap => {
            // The region may be shorter than the page-rounded size.
            let len = (start + state_region_len(state, task, start) - addr).min(size);
            // SAFETY: `[addr, addr + len)` lies inside a live region.
            let bytes = unsafe { super::layout::read_user(addr, len as usize) };
            Ok(MemObject {
                fd: std::sync::Arc::new(memfd(&bytes, size)?),
                offset: 0,
                size,
                permission,
            })
        }
        Backing::Mapped { fd, offset } => Ok(MemObject {
            fd: fd.clone(),
            offset: offset + (addr - start),
            size,
            permission,
        }),
    }
}

#[cfg(target_os = "linux")]
fn state_region_len(state: &State, task: TaskId, start: u64) -> u64 {
    state
        .vm
        .find(task, start, 0)
        .map_or(0, |(_, len, _)| len as u64)
}

/// `mach_make_memory_entry_64`.
pub(crate) fn make_memory_entry(
    task: u32,
    size: u64,
    offset: u64,
    permission: i32,
    parent: u32,
) -> Result<(u32, u64), kern_return_t> {
    with(|s| {
        let caller = current();
        let target = s.target(caller, task)?;
        let permission = permission & PROT_MASK;
        let object = if parent != MACH_PORT_NULL {
            let p = s.memory_of(caller, parent).ok_or(KERN_INVALID_ARGUMENT)?;
            let available = p.size.checked_sub(offset).ok_or(KERN_INVALID_ARGUMENT)?;
            let size = if size == 0 { available } else { size };
            if size > available {
                return Err(KERN_INVALID_ARGUMENT);
            }
            if permission & !p.permission != 0 {
                return Err(KERN_PROTECTION_FAILURE);
            }
            MemObject {
                #[cfg(target_os = "linux")]
                fd: p.fd.clone(),
                offset: p.offset + offset,
                size,
                permission,
            }
        } else {
            if size == 0 {
                return Err(KERN_INVALID_ARGUMENT);
            }
            #[cfg(target_os = "linux")]
            {
                object_for_region(s, target, offset, size, permission)?
            }
            #[cfg(not(target_os = "linux"))]
            {
                let _ = target;
                return Err(crate::mach_sim::kern_return::KERN_NOT_SUPPORTED);
            }
        };
        let size = object.size;
        let name = s.new_entry(caller, object)?;
        Ok((name, size))
    })
}

/// `mach_vm_map` of a memory entry.
pub(crate) fn vm_map(task: u32, request: &MapRequest) -> Result<u64, kern_return_t> {
    with(|s| {
        let caller = current();
        let target = s.target(caller, task)?;
        if request.flags & VM_FLAGS_ANYWHERE == 0 {
            return Err(KERN_NO_SPACE);
        }
        let object = s
            .memory_of(caller, request.object)
            .ok_or(KERN_INVALID_ARGUMENT)?;
        let end = request.offset.checked_add(request.size);
        if request.size == 0 || end.is_none_or(|e| e > object.size) {
            return Err(KERN_INVALID_ARGUMENT);
        }
        let protection = request.protection & PROT_MASK;
        if !request.copy && protection & !object.permission != 0 {
            return Err(KERN_PROTECTION_FAILURE);
        }
        #[cfg(target_os = "linux")]
        {
            map_object(s, target, object_view(object), request, protection)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (target, protection);
            Err(crate::mach_sim::kern_return::KERN_NOT_SUPPORTED)
        }
    })
}

#[cfg(target_os = "linux")]
fn object_view(object: &MemObject) -> (std::sync::Arc<std::os::fd::OwnedFd>, u64) {
    (object.fd.clone(), object.offset)
}

#[cfg(target_os = "linux")]
fn map_object(
    state: &mut State,
    task: TaskId,
    (fd, base): (std::sync::Arc<std::os::fd::OwnedFd>, u64),
    request: &MapRequest,
    protection: i32,
) -> Result<u64, kern_return_t> {
    use rustix::mm::{MapFlags, ProtFlags, mmap};
    let offset = base + request.offset;
    if offset % super::vm::PAGE_SIZE != 0 {
        return Err(KERN_INVALID_ARGUMENT);
    }
    let len = round_page(request.size).ok_or(KERN_INVALID_ARGUMENT)? as usize;
    let mut prot = ProtFlags::empty();
    if protection & VM_PROT_READ != 0 {
        prot |= ProtFlags::READ;
    }
    if protection & VM_PROT_WRITE != 0 {
        prot |= ProtFlags::WRITE;
    }
    let flags = if request.copy {
        MapFlags::PRIVATE
    } else {
        MapFlags::SHARED
    };
    // SAFETY: maps a fresh range chosen by the kernel (null hint, no
    // MAP_FIXED), so no existing memory is affected.
    let ptr = unsafe { mmap(std::ptr::null_mut(), len, prot, flags, &*fd, offset) }
        .map_err(|_| KERN_NO_SPACE)?;
    let addr = ptr as u64;
    state
        .vm
        .insert(task, addr, len, super::vm::Backing::Mapped { fd, offset });
    Ok(addr)
}
