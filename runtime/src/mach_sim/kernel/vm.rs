//! Simulated virtual memory: real allocations of this process, recorded
//! per task so that out-of-line regions and MIG arrays can be freed with
//! `mach_vm_deallocate` and reclaimed when a task dies.

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::collections::BTreeMap;

use super::object::TaskId;
use super::{State, current, with};
use crate::mach_sim::kern_return::{
    KERN_INVALID_ADDRESS, KERN_INVALID_ARGUMENT, KERN_NO_SPACE, KERN_RESOURCE_SHORTAGE,
    KERN_SUCCESS, kern_return_t,
};
use crate::mach_sim::vm_statistics::VM_FLAGS_ANYWHERE;

/// The simulated page size.
pub(crate) const PAGE_SIZE: u64 = 4096;

/// What backs a region.
#[derive(Debug)]
pub(crate) enum Backing {
    /// Memory from the Rust allocator (page-aligned layout of `len`).
    Heap,
    /// A shared (or private, for copies) mapping of a memory object.
    #[cfg(target_os = "linux")]
    Mapped {
        fd: std::sync::Arc<std::os::fd::OwnedFd>,
        offset: u64,
    },
}

/// One allocation.
#[derive(Debug)]
struct Region {
    len: usize,
    task: TaskId,
    backing: Backing,
}

/// Every live allocation, by address.
#[derive(Debug, Default)]
pub(crate) struct VmTable {
    regions: BTreeMap<u64, Region>,
}

pub(crate) fn round_page(size: u64) -> Option<u64> {
    size.checked_add(PAGE_SIZE - 1)
        .map(|s| s & !(PAGE_SIZE - 1))
}

impl VmTable {
    /// Allocates zeroed, page-aligned memory for `task`.
    pub(crate) fn allocate(&mut self, task: TaskId, size: u64) -> Result<u64, kern_return_t> {
        let len = round_page(size).ok_or(KERN_INVALID_ARGUMENT)?;
        let len = usize::try_from(len).map_err(|_| KERN_NO_SPACE)?;
        let layout = Layout::from_size_align(len, PAGE_SIZE as usize).map_err(|_| KERN_NO_SPACE)?;
        // SAFETY: `len` is non-zero (callers pass `size > 0`) and the layout
        // is valid.
        let ptr = unsafe { alloc_zeroed(layout) };
        if ptr.is_null() {
            return Err(KERN_RESOURCE_SHORTAGE);
        }
        let addr = ptr as u64;
        self.regions.insert(
            addr,
            Region {
                len,
                task,
                backing: Backing::Heap,
            },
        );
        Ok(addr)
    }

    /// Records a mapping made elsewhere (`len` already page-rounded).
    pub(crate) fn insert(&mut self, task: TaskId, addr: u64, len: usize, backing: Backing) {
        self.regions.insert(addr, Region { len, task, backing });
    }

    /// The region of `task` holding all of `[addr, addr + size)`: its
    /// start, length and backing.
    pub(crate) fn find(
        &self,
        task: TaskId,
        addr: u64,
        size: u64,
    ) -> Option<(u64, usize, &Backing)> {
        let (start, region) = self.regions.range(..=addr).next_back()?;
        let end = addr.checked_add(size)?;
        (region.task == task && end <= *start + region.len as u64).then_some((
            *start,
            region.len,
            &region.backing,
        ))
    }

    /// Frees every allocation of `task` inside `[addr, addr + size)`, which
    /// must cover them whole.
    pub(crate) fn deallocate(&mut self, task: TaskId, addr: u64, size: u64) -> kern_return_t {
        let Some(end) = round_page(size).and_then(|s| addr.checked_add(s)) else {
            return KERN_INVALID_ARGUMENT;
        };
        let inside: Vec<u64> = self
            .regions
            .range(..end)
            .filter(|(start, r)| **start + r.len as u64 > addr)
            .map(|(start, _)| *start)
            .collect();
        if inside.is_empty() {
            return KERN_INVALID_ADDRESS;
        }
        let whole = inside.iter().all(|start| {
            let r = &self.regions[start];
            *start >= addr && *start + r.len as u64 <= end && r.task == task
        });
        if !whole {
            return KERN_INVALID_ADDRESS;
        }
        for start in inside {
            self.free(start);
        }
        KERN_SUCCESS
    }

    /// Frees the allocation at `start`.
    fn free(&mut self, start: u64) {
        let Some(region) = self.regions.remove(&start) else {
            return;
        };
        match region.backing {
            // SAFETY: `start` came from `alloc_zeroed` with exactly this
            // layout and is freed once (it was just removed from the table).
            Backing::Heap => unsafe {
                dealloc(
                    start as *mut u8,
                    Layout::from_size_align_unchecked(region.len, PAGE_SIZE as usize),
                );
            },
            #[cfg(target_os = "linux")]
            // SAFETY: `start` is a mapping of `len` bytes made by `mmap` and
            // unmapped once (it was just removed from the table).
            Backing::Mapped { .. } => unsafe {
                let _ = rustix::mm::munmap(start as *mut std::ffi::c_void, region.len);
            },
        }
    }

    /// Frees what a dying task owned.
    pub(crate) fn reclaim(&mut self, task: TaskId) {
        let owned: Vec<u64> = self
            .regions
            .iter()
            .filter(|(_, r)| r.task == task)
            .map(|(start, _)| *start)
            .collect();
        for start in owned {
            self.free(start);
        }
    }

    /// How many allocations `task` owns.
    pub(crate) fn count(&self, task: TaskId) -> usize {
        self.regions.values().filter(|r| r.task == task).count()
    }
}

impl State {
    /// Copies `bytes` into a new region of `task` (received out-of-line
    /// data). Empty data is address 0.
    pub(crate) fn vm_copy_in_task(
        &mut self,
        task: TaskId,
        bytes: &[u8],
    ) -> Result<u64, kern_return_t> {
        if bytes.is_empty() {
            return Ok(0);
        }
        let addr = self.vm.allocate(task, bytes.len() as u64)?;
        // SAFETY: the region was just allocated with at least `bytes.len()`
        // bytes and does not overlap `bytes`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as *mut u8, bytes.len()) };
        Ok(addr)
    }
}

pub(crate) fn vm_allocate(task: u32, size: u64, flags: i32) -> Result<u64, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        if flags & VM_FLAGS_ANYWHERE == 0 {
            return Err(KERN_NO_SPACE);
        }
        if size == 0 {
            return Ok(0);
        }
        s.vm.allocate(t, size)
    })
}

pub(crate) fn vm_deallocate(task: u32, addr: u64, size: u64) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(_) if size == 0 => KERN_SUCCESS,
        Ok(t) => s.vm.deallocate(t, addr, size),
        Err(kr) => kr,
    })
}

/// Copies 32-bit words into a new region of the calling task (the MIG
/// arrays of `mach_port_names`); null for an empty list.
pub(crate) fn vm_copy_out(words: &[u32]) -> Result<*mut u8, kern_return_t> {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
    with(|s| s.vm_copy_in_task(current(), &bytes).map(|a| a as *mut u8))
}

/// How many regions `task` owns (leak checks).
pub(crate) fn vm_region_count(task: TaskId) -> usize {
    with(|s| s.vm.count(task))
}
