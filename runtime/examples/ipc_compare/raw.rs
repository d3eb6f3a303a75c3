//! The baseline: one bidirectional `SOCK_SEQPACKET` socket pair driven with
//! `libc`, descriptors in `SCM_RIGHTS`, shared memory as a plain memfd. No
//! framing beyond what each row needs.

use std::hint::black_box;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::Child;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use machproto_runtime::platform::{pass_descriptor, take_inherited};

use crate::common::{
    CHILD_FD, CONTROL_LEN, Control, MANY_RIGHTS, Parent, Row, SHM_LEN, SMALL, acks_after,
    child_command, pattern, touch_pages,
};

/// Room for the control messages of up to `MANY_RIGHTS` descriptors:
/// `CMSG_SPACE(16 * 4)` is 80 bytes on 64-bit Linux.
const CONTROL_SPACE: usize = 128;

/// A control buffer aligned for `cmsghdr`.
#[repr(C, align(8))]
struct ControlBuffer([u8; CONTROL_SPACE]);

fn check(rc: libc::ssize_t) -> io::Result<usize> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

/// A `SOCK_SEQPACKET` socket pair, close-on-exec.
pub(crate) fn socketpair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `fds` has room for the two descriptors the kernel writes.
    let rc = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn send_bytes(fd: &OwnedFd, bytes: &[u8]) -> io::Result<()> {
    loop {
        // SAFETY: the kernel reads `bytes.len()` bytes from `bytes`.
        let rc = unsafe {
            libc::send(
                fd.as_raw_fd(),
                bytes.as_ptr().cast(),
                bytes.len(),
                libc::MSG_NOSIGNAL,
            )
        };
        match check(rc) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other.map(drop),
        }
    }
}

fn recv_bytes(fd: &OwnedFd, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: the kernel writes at most `buffer.len()` bytes into `buffer`.
        let rc = unsafe { libc::recv(fd.as_raw_fd(), buffer.as_mut_ptr().cast(), buffer.len(), 0) };
        match check(rc) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Ok(0) => return Err(io::Error::other("peer gone")),
            other => return other,
        }
    }
}

/// Sends `bytes` with the descriptors `fds` (at most `MANY_RIGHTS`).
fn send_fds(fd: &OwnedFd, bytes: &[u8], fds: &[RawFd]) -> io::Result<()> {
    assert!(fds.len() <= MANY_RIGHTS);
    let mut control = ControlBuffer([0; CONTROL_SPACE]);
    let data_len = std::mem::size_of_val(fds) as libc::c_uint;
    let mut iov = libc::iovec {
        iov_base: bytes.as_ptr().cast_mut().cast(),
        iov_len: bytes.len(),
    };
    // SAFETY: `msghdr` is plain data; all zeroes is a valid empty header.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut iov;
    header.msg_iovlen = 1;
    header.msg_control = control.0.as_mut_ptr().cast();
    // SAFETY: `CMSG_SPACE` is arithmetic on its argument.
    header.msg_controllen = unsafe { libc::CMSG_SPACE(data_len) } as usize;
    // SAFETY: the control buffer is aligned, and `CMSG_SPACE(data_len)` (at
    // most 80) fits in it, so the first header and its data lie within it;
    // the descriptors are copied into that data, which has room for them.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&header);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(data_len) as usize;
        std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(cmsg).cast(), fds.len());
    }
    // SAFETY: `header` points at the live `iov`, `bytes` and `control`.
    let rc = unsafe { libc::sendmsg(fd.as_raw_fd(), &header, libc::MSG_NOSIGNAL) };
    check(rc).map(drop)
}

/// Receives a message into `buffer` and its descriptors into `fds`.
fn recv_fds(fd: &OwnedFd, buffer: &mut [u8], fds: &mut Vec<OwnedFd>) -> io::Result<usize> {
    let mut control = ControlBuffer([0; CONTROL_SPACE]);
    let mut iov = libc::iovec {
        iov_base: buffer.as_mut_ptr().cast(),
        iov_len: buffer.len(),
    };
    // SAFETY: as in `send_fds`.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut iov;
    header.msg_iovlen = 1;
    header.msg_control = control.0.as_mut_ptr().cast();
    header.msg_controllen = CONTROL_SPACE;
    let received = loop {
        // SAFETY: `header` points at the live `iov` (into `buffer`) and
        // `control`, whose lengths it states.
        let rc = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut header, libc::MSG_CMSG_CLOEXEC) };
        match check(rc) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => break other?,
        }
    };
    // SAFETY: the kernel filled `control` with well-formed control messages
    // up to `msg_controllen`; the CMSG macros stay within it, and each
    // `SCM_RIGHTS` message holds `(cmsg_len - CMSG_LEN(0)) / 4` descriptors
    // that are now ours.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&header);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg).cast::<RawFd>();
                let count =
                    ((*cmsg).cmsg_len - libc::CMSG_LEN(0) as usize) / std::mem::size_of::<RawFd>();
                for i in 0..count {
                    fds.push(OwnedFd::from_raw_fd(data.add(i).read_unaligned()));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&header, cmsg);
        }
    }
    if header.msg_flags & (libc::MSG_CTRUNC | libc::MSG_TRUNC) != 0 {
        return Err(io::Error::other("truncated message"));
    }
    if received == 0 && fds.is_empty() {
        return Err(io::Error::other("peer gone"));
    }
    Ok(received)
}

/// A shared mapping of `SHM_LEN` bytes of a memfd.
#[derive(Debug)]
struct Region {
    ptr: NonNull<u8>,
    writable: bool,
}

impl Region {
    /// A new memfd of `SHM_LEN` bytes, and its descriptor.
    fn memfd() -> io::Result<OwnedFd> {
        // SAFETY: the name is a NUL-terminated string.
        let fd = unsafe { libc::memfd_create(c"ipc-compare".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the descriptor was just created and is owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: `ftruncate` on a descriptor we own.
        if unsafe { libc::ftruncate(fd.as_raw_fd(), SHM_LEN as libc::off_t) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(fd)
    }

    fn map(fd: &OwnedFd, writable: bool) -> io::Result<Region> {
        let protection = if writable {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        // SAFETY: a new shared mapping at an address the kernel picks, so
        // no existing memory is affected.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                SHM_LEN,
                protection,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(ptr.cast()).ok_or_else(|| io::Error::other("mmap gave null"))?;
        Ok(Region { ptr, writable })
    }

    fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` maps `SHM_LEN` readable bytes for the life of `self`.
        // (The peer may write them concurrently; the benchmark only copies.)
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), SHM_LEN) }
    }

    fn as_mut_slice(&mut self) -> &mut [u8] {
        assert!(self.writable);
        // SAFETY: as in `as_slice`, the mapping is writable, and `&mut self`
        // makes this the only slice of it in this process.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), SHM_LEN) }
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: exactly the mapping `mmap` returned; no slice outlives `self`.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), SHM_LEN) };
    }
}

/// The parent's side.
#[derive(Debug)]
pub(crate) struct Raw {
    child: Child,
    socket: OwnedFd,
    /// Socket ends sent with every rights round trip (the same kind of
    /// object the other two send); `_peers` are their other ends.
    pool: Vec<OwnedFd>,
    _peers: Vec<OwnedFd>,
    shared: Region,
    source: Vec<u8>,
}

pub(crate) fn spawn(pinned: bool) -> io::Result<Box<dyn Parent>> {
    let (socket, child_end) = socketpair()?;
    let mut command = child_command("raw", pinned)?;
    pass_descriptor(&mut command, &child_end, CHILD_FD);
    let child = command.spawn()?;
    drop(child_end);

    let memfd = Region::memfd()?;
    let shared = Region::map(&memfd, true)?;
    send_fds(&socket, b"setup", &[memfd.as_raw_fd()])?;
    drop(memfd);
    let mut pool = Vec::new();
    let mut peers = Vec::new();
    for _ in 0..MANY_RIGHTS {
        let (a, b) = socketpair()?;
        pool.push(a);
        peers.push(b);
    }
    Ok(Box::new(Raw {
        child,
        socket,
        pool,
        _peers: peers,
        shared,
        source: pattern(),
    }))
}

impl Parent for Raw {
    fn run(&mut self, row: Row, iters: u64) -> io::Result<Duration> {
        let socket = &self.socket;
        let mut buffer = [0u8; CONTROL_LEN];
        send_bytes(socket, &Control::Run(row, iters).encode())?;
        recv_bytes(socket, &mut buffer)?;
        let payload = [7u8; SMALL];
        let mut reply = [0u8; SMALL];
        let start = Instant::now();
        match row {
            Row::Rtt64
            | Row::CallReply64
            | Row::SyncCall64
            | Row::ActorCallReply64
            | Row::ActorCallWait64
            | Row::ActorSyncCall64 => {
                for _ in 0..iters {
                    send_bytes(socket, &payload)?;
                    recv_bytes(socket, &mut reply)?;
                }
            }
            Row::Oneway64 => {
                for i in 0..iters {
                    send_bytes(socket, &payload)?;
                    if acks_after(i, iters) {
                        recv_bytes(socket, &mut reply)?;
                    }
                }
            }
            Row::Rtt1Right | Row::Rtt16Rights => {
                let fds: Vec<RawFd> = self.pool[..row.rights()]
                    .iter()
                    .map(AsRawFd::as_raw_fd)
                    .collect();
                let mut received = Vec::with_capacity(MANY_RIGHTS);
                for _ in 0..iters {
                    send_fds(socket, &payload, &fds)?;
                    recv_fds(socket, &mut reply, &mut received)?;
                    received.clear();
                }
            }
            Row::ShmReused => {
                for _ in 0..iters {
                    self.shared.as_mut_slice().copy_from_slice(&self.source);
                    send_bytes(socket, b"N")?;
                    recv_bytes(socket, &mut reply)?;
                }
            }
            Row::ShmNew => {
                for _ in 0..iters {
                    let memfd = Region::memfd()?;
                    let mut region = Region::map(&memfd, true)?;
                    region.as_mut_slice().copy_from_slice(&self.source);
                    drop(region);
                    send_fds(socket, b"N", &[memfd.as_raw_fd()])?;
                    drop(memfd);
                    recv_bytes(socket, &mut reply)?;
                }
            }
        }
        Ok(start.elapsed())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        send_bytes(&self.socket, &Control::Exit.encode())?;
        let status = self.child.wait()?;
        if !status.success() {
            return Err(io::Error::other(format!("raw child: {status}")));
        }
        Ok(())
    }
}

/// The child's side.
pub(crate) fn child() -> io::Result<()> {
    let socket = take_inherited(CHILD_FD)?;
    let mut buffer = [0u8; SMALL];
    let mut fds = Vec::with_capacity(MANY_RIGHTS);
    recv_fds(&socket, &mut buffer, &mut fds)?;
    let memfd = fds.pop().ok_or_else(|| io::Error::other("no region"))?;
    let shared = Region::map(&memfd, false)?;
    drop(memfd);

    let mut out = vec![0u8; SHM_LEN];
    loop {
        let len = recv_bytes(&socket, &mut buffer)?;
        let (row, iters) = match Control::decode(&buffer[..len])? {
            Control::Exit => return Ok(()),
            Control::Run(row, iters) => (row, iters),
        };
        send_bytes(&socket, b"A")?;
        match row {
            Row::Rtt64
            | Row::CallReply64
            | Row::SyncCall64
            | Row::ActorCallReply64
            | Row::ActorCallWait64
            | Row::ActorSyncCall64 => {
                for _ in 0..iters {
                    let len = recv_bytes(&socket, &mut buffer)?;
                    send_bytes(&socket, &buffer[..len])?;
                }
            }
            Row::Oneway64 => {
                for i in 0..iters {
                    recv_bytes(&socket, &mut buffer)?;
                    if acks_after(i, iters) {
                        send_bytes(&socket, b"A")?;
                    }
                }
            }
            Row::Rtt1Right | Row::Rtt16Rights => {
                let mut raw = [0 as RawFd; MANY_RIGHTS];
                for _ in 0..iters {
                    let len = recv_fds(&socket, &mut buffer, &mut fds)?;
                    for (slot, fd) in raw.iter_mut().zip(&fds) {
                        *slot = fd.as_raw_fd();
                    }
                    send_fds(&socket, &buffer[..len], &raw[..fds.len()])?;
                    fds.clear();
                }
            }
            Row::ShmReused => {
                for _ in 0..iters {
                    recv_bytes(&socket, &mut buffer)?;
                    out.copy_from_slice(shared.as_slice());
                    black_box(&mut out);
                    send_bytes(&socket, b"A")?;
                }
            }
            Row::ShmNew => {
                for _ in 0..iters {
                    recv_fds(&socket, &mut buffer, &mut fds)?;
                    let memfd = fds.pop().ok_or_else(|| io::Error::other("no region"))?;
                    let region = Region::map(&memfd, false)?;
                    black_box(touch_pages(region.as_slice()));
                    drop(region);
                    drop(memfd);
                    send_bytes(&socket, b"A")?;
                }
            }
        }
    }
}

/// `port_create`: a socket pair, then both ends closed.
pub(crate) fn port_create(iters: u64) -> io::Result<Duration> {
    let start = Instant::now();
    for _ in 0..iters {
        drop(black_box(socketpair()?));
    }
    Ok(start.elapsed())
}
