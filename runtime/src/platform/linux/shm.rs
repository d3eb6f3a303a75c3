//! Shared memory on Linux: a sealed memfd, mapped with `mmap`.

use std::io;
use std::os::fd::AsFd;
use std::ptr::NonNull;

use rustix::fs::{MemfdFlags, SealFlags};
use rustix::mm::{MapFlags, ProtFlags};

use super::objects::SIZE_SEALS;
use crate::right::{Handle, SharedMemory};

impl SharedMemory {
    /// A new zero-filled region of `len` bytes. Its size is sealed, so a
    /// process that receives it can trust [`SharedMemory::len`].
    pub fn new(len: u64) -> io::Result<SharedMemory> {
        let memfd = rustix::fs::memfd_create(
            "machproto-shm",
            MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
        )?;
        rustix::fs::ftruncate(&memfd, len)?;
        rustix::fs::fcntl_add_seals(&memfd, SIZE_SEALS)?;
        Ok(SharedMemory {
            handle: Handle::Os(memfd),
            len,
        })
    }

    /// Forbids writing to the region from now on, in every process: later
    /// writable mappings fail (mappings that already exist stay writable).
    pub fn seal_read_only(&self) -> io::Result<()> {
        let fd = self.fd()?;
        rustix::fs::fcntl_add_seals(fd, SealFlags::FUTURE_WRITE)?;
        Ok(())
    }

    /// Maps the region for reading and writing.
    pub fn map(&self) -> io::Result<Mapping> {
        self.map_with(true)
    }

    /// Maps the region for reading only.
    pub fn map_read_only(&self) -> io::Result<Mapping> {
        self.map_with(false)
    }

    fn fd(&self) -> io::Result<std::os::fd::BorrowedFd<'_>> {
        match &self.handle {
            Handle::Os(fd) => Ok(fd.as_fd()),
            #[cfg(feature = "test-util")]
            Handle::Counted(_) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a counting test double has no memory",
            )),
        }
    }

    fn map_with(&self, writable: bool) -> io::Result<Mapping> {
        let len = usize::try_from(self.len)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "region too large to map"))?;
        let fd = self.fd()?;
        if len == 0 {
            return Ok(Mapping {
                ptr: NonNull::dangling(),
                len: 0,
                writable,
            });
        }
        let protection = if writable {
            ProtFlags::READ | ProtFlags::WRITE
        } else {
            ProtFlags::READ
        };
        // SAFETY: a fresh shared mapping of the whole memfd, whose size is
        // sealed so it cannot shrink under the mapping (no SIGBUS); the
        // kernel picks the address, so no existing memory is replaced.
        let ptr = unsafe {
            rustix::mm::mmap(
                std::ptr::null_mut(),
                len,
                protection,
                MapFlags::SHARED,
                fd,
                0,
            )?
        };
        let ptr =
            NonNull::new(ptr.cast::<u8>()).ok_or_else(|| io::Error::other("mmap returned null"))?;
        Ok(Mapping { ptr, len, writable })
    }
}

/// A mapping of a [`SharedMemory`] region into this process.
///
/// Other processes may write to the region at any time: read what you need
/// once, and validate it like any other input from a peer.
#[derive(Debug)]
pub struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
    writable: bool,
}

// SAFETY: the mapping is plain memory owned by this value; moving it to
// another thread moves that ownership with it.
unsafe impl Send for Mapping {}

impl Mapping {
    /// The mapped bytes.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` points at `len` mapped bytes (or is dangling with
        // `len` 0), valid for as long as `self` is.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The mapped bytes for writing; `None` for a read-only mapping.
    pub fn as_mut_slice(&mut self) -> Option<&mut [u8]> {
        if !self.writable {
            return None;
        }
        // SAFETY: as in `as_slice`, and the mapping is writable; `&mut self`
        // makes this the only slice of it in this process.
        Some(unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) })
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
        // SAFETY: `ptr` and `len` are exactly what `mmap` returned, and no
        // slice of the mapping outlives `self`.
        let _ = unsafe { rustix::mm::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}
