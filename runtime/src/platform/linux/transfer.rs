//! Moving one frame and its descriptors through a socket.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, IoSlice, Write};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::FileExt;

use rustix::fs::{MemfdFlags, SealFlags};
use rustix::io::Errno;
use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags, sendmsg};

use super::frame::{
    HEADER_LEN, Header, INLINE_MAX, KERNEL_MAX_FDS, MAX_RIGHTS, OUT_OF_LINE, OVERFLOW,
};
use super::objects;
use crate::platform::{Credentials, Malformed, Received, RecvError, kind_byte, kind_of};
use crate::right::{Handle, Right};
use crate::wire::Message;

/// Out-of-line payloads larger than this are refused: the receiver would
/// have to copy an attacker-chosen amount of memory.
pub(crate) const MAX_PAYLOAD: usize = 1 << 30;

/// Why a frame was not sent.
#[derive(Debug)]
pub(crate) enum SendFailure {
    QueueFull,
    PeerGone,
    TooManyRights,
    Io(io::Error),
}

impl From<io::Error> for SendFailure {
    fn from(error: io::Error) -> SendFailure {
        SendFailure::Io(error)
    }
}

fn fd_of(right: &Right) -> io::Result<BorrowedFd<'_>> {
    let handle = match right {
        Right::Send(r) => &r.handle,
        Right::SendOnce(r) => &r.handle,
        Right::Receive(r) => &r.handle,
        Right::SharedMemory(r) => &r.handle,
        Right::Fd(fd) => return Ok(fd.as_fd()),
    };
    match handle {
        Handle::Os(fd) => Ok(fd.as_fd()),
        #[cfg(feature = "test-util")]
        Handle::Counted(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a counting test double has no kernel object to send",
        )),
    }
}

/// Sends `message` as one frame on the socket `fd` without blocking. The
/// message's rights stay owned by the caller; on success the caller drops
/// them (the kernel holds its own references while they are in flight).
pub(crate) fn send_frame(fd: BorrowedFd<'_>, message: &Message) -> Result<(), SendFailure> {
    let count = message.rights.len();
    if count > MAX_RIGHTS {
        return Err(SendFailure::TooManyRights);
    }
    if count == 0 && message.bytes.len() <= SMALL_PLAIN {
        return send_small_plain(fd, &message.bytes);
    }
    // Plain messages allocate nothing here: empty vectors do not allocate.
    let mut fds: Vec<BorrowedFd<'_>> = Vec::new();
    let mut flags = 0;
    let inline = HEADER_LEN + count + message.bytes.len() <= INLINE_MAX;
    let payload_fd = if inline {
        None
    } else {
        flags |= OUT_OF_LINE;
        Some(sealed_payload(&message.bytes)?)
    };
    if let Some(payload) = &payload_fd {
        fds.push(payload.as_fd());
    }
    let rights: Vec<BorrowedFd<'_>> = message
        .rights
        .iter()
        .map(fd_of)
        .collect::<io::Result<_>>()?;
    let overflow = if rights.len() + fds.len() > KERNEL_MAX_FDS {
        flags |= OVERFLOW;
        Some(send_overflow(&rights)?)
    } else {
        None
    };
    match &overflow {
        Some(receive_end) => fds.push(receive_end.as_fd()),
        None => fds.extend_from_slice(&rights),
    }
    let header = Header {
        flags,
        rights: count as u32,
        bytes: u32::try_from(message.bytes.len()).map_err(|_| SendFailure::TooManyRights)?,
    }
    .encode();
    let kinds: Vec<u8> = message.rights.iter().map(|r| kind_byte(r.kind())).collect();
    let payload: &[u8] = if inline { &message.bytes } else { &[] };
    let iov = [
        IoSlice::new(&header),
        IoSlice::new(&kinds),
        IoSlice::new(payload),
    ];
    let mut space = if fds.is_empty() {
        Vec::new()
    } else {
        vec![MaybeUninit::<u8>::uninit(); rustix::cmsg_space!(ScmRights(fds.len()))]
    };
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !fds.is_empty() && !control.push(SendAncillaryMessage::ScmRights(&fds)) {
        return Err(SendFailure::Io(io::Error::other(
            "control buffer too small",
        )));
    }
    match sendmsg(
        fd,
        &iov,
        &mut control,
        SendFlags::DONTWAIT | SendFlags::NOSIGNAL,
    ) {
        Ok(_) => Ok(()),
        Err(Errno::AGAIN) => Err(SendFailure::QueueFull),
        Err(Errno::PIPE | Errno::CONNRESET | Errno::NOTCONN) => Err(SendFailure::PeerGone),
        Err(errno) => Err(SendFailure::Io(errno.into())),
    }
}

/// Plain messages up to this size are copied behind their header and sent
/// with `send`, which costs less than a `sendmsg` with three buffers.
const SMALL_PLAIN: usize = 512;

fn send_small_plain(fd: BorrowedFd<'_>, bytes: &[u8]) -> Result<(), SendFailure> {
    let header = Header {
        flags: 0,
        rights: 0,
        bytes: bytes.len() as u32,
    }
    .encode();
    let mut frame = [0u8; HEADER_LEN + SMALL_PLAIN];
    frame[..HEADER_LEN].copy_from_slice(&header);
    frame[HEADER_LEN..HEADER_LEN + bytes.len()].copy_from_slice(bytes);
    let len = HEADER_LEN + bytes.len();
    match rustix::net::send(fd, &frame[..len], SendFlags::DONTWAIT | SendFlags::NOSIGNAL) {
        Ok(_) => Ok(()),
        Err(Errno::AGAIN) => Err(SendFailure::QueueFull),
        Err(Errno::PIPE | Errno::CONNRESET | Errno::NOTCONN) => Err(SendFailure::PeerGone),
        Err(errno) => Err(SendFailure::Io(errno.into())),
    }
}

/// Writes `bytes` to a new memfd and seals it against any change.
fn sealed_payload(bytes: &[u8]) -> io::Result<OwnedFd> {
    let memfd = rustix::fs::memfd_create(
        "machproto-payload",
        MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
    )?;
    let mut file = File::from(memfd);
    file.write_all(bytes)?;
    let memfd = OwnedFd::from(file);
    rustix::fs::fcntl_add_seals(
        &memfd,
        SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE | SealFlags::SEAL,
    )?;
    Ok(memfd)
}

/// Sends `rights` through a fresh private port, at most the kernel's limit
/// per packet, and returns that port's receive end to travel in the frame.
fn send_overflow(rights: &[BorrowedFd<'_>]) -> Result<OwnedFd, SendFailure> {
    let (receive_end, send_end) = super::raw_pair()?;
    for chunk in rights.chunks(KERNEL_MAX_FDS) {
        let mut space =
            vec![MaybeUninit::<u8>::uninit(); rustix::cmsg_space!(ScmRights(chunk.len()))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        control.push(SendAncillaryMessage::ScmRights(chunk));
        sendmsg(
            &send_end,
            &[IoSlice::new(&[0])],
            &mut control,
            SendFlags::DONTWAIT | SendFlags::NOSIGNAL,
        )
        .map_err(io::Error::from)?;
    }
    Ok(receive_end)
}

/// The largest frame: header, a kind byte per right, an inline payload.
const RECV_BUFFER: usize = HEADER_LEN + MAX_RIGHTS + INLINE_MAX;

thread_local! {
    /// One receive buffer per thread, so a receive allocates only the
    /// payload it returns.
    static BUFFER: RefCell<Vec<u8>> = RefCell::new(vec![0; RECV_BUFFER]);
}

/// What one `recvmsg` produced: the frame already split, so that only the
/// kinds and the inline payload are copied out of the receive buffer.
struct Packet {
    header: Result<Header, Malformed>,
    kinds: Vec<u8>,
    payload: Vec<u8>,
    fds: Vec<OwnedFd>,
    sender: Option<Credentials>,
}

/// Receives one frame from `fd`. `wait` decides whether `recvmsg` blocks.
pub(crate) fn recv_frame(fd: BorrowedFd<'_>, wait: bool) -> Result<Received, RecvError> {
    let packet = recv_packet(fd, wait)?;
    let header = packet.header.map_err(RecvError::Malformed)?;
    if packet.fds.len() != header.descriptors() {
        return Err(RecvError::Malformed(Malformed::DescriptorCount {
            declared: header.descriptors(),
            received: packet.fds.len(),
        }));
    }
    let sender = packet
        .sender
        .ok_or(RecvError::Malformed(Malformed::NoCredentials))?;
    let mut fds = packet.fds.into_iter();
    let bytes = if header.flags & OUT_OF_LINE != 0 {
        let memfd = fds
            .next()
            .ok_or(RecvError::Malformed(Malformed::BadLength))?;
        read_payload(memfd, header.bytes as usize)?
    } else {
        packet.payload
    };
    let right_fds: Vec<OwnedFd> = if header.flags & OVERFLOW != 0 {
        let port = fds
            .next()
            .ok_or(RecvError::Malformed(Malformed::BadLength))?;
        drain_overflow(port, header.rights as usize)?
    } else {
        fds.collect()
    };
    let mut rights = Vec::with_capacity(right_fds.len());
    for (index, (fd, &kind)) in right_fds.into_iter().zip(&packet.kinds).enumerate() {
        let kind = kind_of(kind).map_err(RecvError::Malformed)?;
        rights.push(objects::adopt(index, kind, fd).map_err(RecvError::Malformed)?);
    }
    Ok(Received {
        message: Message { bytes, rights },
        sender,
    })
}

fn recv_packet(fd: BorrowedFd<'_>, wait: bool) -> Result<Packet, RecvError> {
    match recv_packet_once(fd, wait) {
        // The kernel checks the queue, then the peer's shutdown: a sender
        // that queues its last message and closes in between makes the
        // read report the end although the message is there. Once the end
        // is seen, a second look finds anything sent before it.
        Err(RecvError::PeerGone) => recv_packet_once(fd, false).map_err(|error| match error {
            RecvError::Timeout => RecvError::PeerGone,
            other => other,
        }),
        other => other,
    }
}

fn recv_packet_once(fd: BorrowedFd<'_>, wait: bool) -> Result<Packet, RecvError> {
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        let received = loop {
            match recvmsg_raw(fd, &mut buffer[..], wait) {
                Ok(received) => break received,
                Err(Errno::INTR) => continue,
                Err(Errno::AGAIN) => return Err(RecvError::Timeout),
                Err(errno) => return Err(RecvError::Io(errno.into())),
            }
        };
        let RawReceived {
            bytes,
            fds,
            sender,
            control_truncated,
            truncated,
        } = received;
        if control_truncated {
            return Err(RecvError::Malformed(Malformed::ControlTruncated));
        }
        if truncated {
            return Err(RecvError::Malformed(Malformed::Oversized));
        }
        if bytes == 0 && fds.is_empty() && peer_closed(fd) {
            return Err(RecvError::PeerGone);
        }
        let frame = &buffer[..bytes];
        let header = Header::decode(frame);
        let (kinds, payload) = match header {
            Ok(header) => {
                let kinds_end = HEADER_LEN + header.rights as usize;
                (
                    frame[HEADER_LEN..kinds_end].to_vec(),
                    frame[kinds_end..].to_vec(),
                )
            }
            Err(_) => (Vec::new(), Vec::new()),
        };
        Ok(Packet {
            header,
            kinds,
            payload,
            fds,
            sender,
        })
    })
}

/// What one `recvmsg` gave.
struct RawReceived {
    bytes: usize,
    fds: Vec<OwnedFd>,
    sender: Option<Credentials>,
    control_truncated: bool,
    truncated: bool,
}

/// Room for the most descriptors one message carries, and credentials.
const CONTROL_LEN: usize = rustix::cmsg_space!(ScmRights(KERNEL_MAX_FDS), ScmCredentials(1));

/// One `recvmsg` into `buffer`, its control messages parsed here rather
/// than by rustix: rustix reads `SCM_CREDENTIALS` into a type whose pid may
/// not be 0, and the kernel reports 0 for a sender outside our pid
/// namespace (the parent of a sandboxed child in a namespace of its own).
/// Received descriptors are close-on-exec and owned at once.
fn recvmsg_raw(fd: BorrowedFd<'_>, buffer: &mut [u8], wait: bool) -> Result<RawReceived, Errno> {
    use std::os::fd::{AsRawFd, FromRawFd};
    // u64 words: the control buffer must be aligned for `cmsghdr`. Left
    // uninitialised (a hot path): only what the kernel writes is read.
    let mut control = [MaybeUninit::<u64>::uninit(); CONTROL_LEN.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: buffer.as_mut_ptr().cast(),
        iov_len: buffer.len(),
    };
    // SAFETY: `msghdr` is plain data; all-zero is a valid empty header.
    let mut header: libc::msghdr = unsafe { std::mem::zeroed() };
    header.msg_iov = &mut iov;
    header.msg_iovlen = 1;
    header.msg_control = control.as_mut_ptr().cast();
    header.msg_controllen = std::mem::size_of_val(&control) as _;
    let mut flags = libc::MSG_CMSG_CLOEXEC;
    if !wait {
        flags |= libc::MSG_DONTWAIT;
    }
    // SAFETY: `header` points at `iov` (our buffer, with its length) and at
    // `control` (with its length), all alive across the call.
    let read = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut header, flags) };
    if read < 0 {
        return Err(Errno::from_io_error(&io::Error::last_os_error()).unwrap_or(Errno::IO));
    }
    let mut fds = Vec::new();
    let mut sender = None;
    // SAFETY: `header` was filled by the kernel: its control pointer and
    // length describe the messages it wrote into `control`.
    let mut message = unsafe { libc::CMSG_FIRSTHDR(&header) };
    while !message.is_null() {
        // SAFETY: `message` is non-null and points at a complete `cmsghdr`
        // inside `control` (the CMSG macros check the bounds).
        let (level, kind, len) = unsafe {
            (
                (*message).cmsg_level,
                (*message).cmsg_type,
                (*message).cmsg_len,
            )
        };
        // SAFETY: as above; the data follows the header.
        let data = unsafe { libc::CMSG_DATA(message) };
        // SAFETY: as above; the header's own size, for the data's length.
        // `cmsg_len` is a `size_t` here and a `socklen_t` on other libcs.
        #[allow(clippy::unnecessary_cast)]
        let data_len = (len as usize).saturating_sub(unsafe { libc::CMSG_LEN(0) } as usize);
        match (level, kind) {
            (libc::SOL_SOCKET, libc::SCM_RIGHTS) => {
                for index in 0..data_len / std::mem::size_of::<libc::c_int>() {
                    // SAFETY: `index` stays inside the data the kernel wrote;
                    // each entry is a descriptor it just installed for us.
                    let raw =
                        unsafe { std::ptr::read_unaligned(data.cast::<libc::c_int>().add(index)) };
                    // SAFETY: a new descriptor that nothing else owns.
                    fds.push(unsafe { OwnedFd::from_raw_fd(raw) });
                }
            }
            (libc::SOL_SOCKET, libc::SCM_CREDENTIALS)
                if data_len >= std::mem::size_of::<libc::ucred>() =>
            {
                // SAFETY: the data holds a whole `ucred` (checked), plain
                // integers whatever their values.
                let credentials = unsafe { std::ptr::read_unaligned(data.cast::<libc::ucred>()) };
                sender = Some(Credentials {
                    pid: credentials.pid as u32,
                    uid: credentials.uid,
                });
            }
            _ => {}
        }
        // SAFETY: `message` is a header of `header`'s control buffer.
        message = unsafe { libc::CMSG_NXTHDR(&header, message) };
    }
    Ok(RawReceived {
        bytes: read as usize,
        fds,
        sender,
        control_truncated: header.msg_flags & libc::MSG_CTRUNC != 0,
        truncated: header.msg_flags & libc::MSG_TRUNC != 0,
    })
}

/// Whether every send end of the socket `fd` is closed: a zero-length read
/// is either that or an empty packet, which no sender of ours writes.
fn peer_closed(fd: BorrowedFd<'_>) -> bool {
    use rustix::event::{PollFd, PollFlags, poll};
    let mut fds = [PollFd::new(&fd, PollFlags::IN | PollFlags::RDHUP)];
    let zero = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&zero)) {
        Ok(_) => fds[0].revents().contains(PollFlags::HUP),
        Err(_) => false,
    }
}

fn read_payload(memfd: OwnedFd, len: usize) -> Result<Vec<u8>, RecvError> {
    let seals = rustix::fs::fcntl_get_seals(&memfd)
        .map_err(|_| RecvError::Malformed(Malformed::UnsealedMemory))?;
    let required = SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE;
    if !seals.contains(required) {
        return Err(RecvError::Malformed(Malformed::UnsealedMemory));
    }
    let file = File::from(memfd);
    let size = file.metadata()?.len();
    if size != len as u64 || len > MAX_PAYLOAD {
        return Err(RecvError::Malformed(Malformed::BadLength));
    }
    let mut bytes = vec![0; len];
    file.read_exact_at(&mut bytes, 0)?;
    Ok(bytes)
}

/// Collects exactly `count` descriptors from an overflow port, then checks
/// that nothing more was queued there.
fn drain_overflow(port: OwnedFd, count: usize) -> Result<Vec<OwnedFd>, RecvError> {
    let mut fds = Vec::with_capacity(count);
    loop {
        let packet = match recv_packet(port.as_fd(), false) {
            Ok(packet) => packet,
            Err(RecvError::PeerGone) => break,
            Err(RecvError::Timeout) => break,
            Err(other) => return Err(other),
        };
        fds.extend(packet.fds);
        if fds.len() > count {
            break;
        }
    }
    if fds.len() != count {
        return Err(RecvError::Malformed(Malformed::DescriptorCount {
            declared: count,
            received: fds.len(),
        }));
    }
    Ok(fds)
}
