//! A hostile peer on the Linux backend: it writes raw packets and
//! descriptors straight into one of our ports. Each bad message gets a
//! typed error, the port keeps working, and no descriptor leaks (counted in
//! `/proc/self/fd`). One test (plus the peer entry) in its own binary, so
//! nothing else opens descriptors while it counts.
#![cfg(all(target_os = "linux", not(feature = "mach-sim")))]

use std::io::{IoSlice, Write};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use machproto_runtime::platform::{Malformed, RecvError};
use machproto_runtime::testing::{PeerRoles, Role};
use machproto_runtime::{ReceiveRight, Right};
use rustix::fs::{MemfdFlags, SealFlags};
use rustix::net::{
    AddressFamily, SendAncillaryBuffer, SendAncillaryMessage, SendFlags, SocketFlags, SocketType,
};

const MAGIC: u32 = 0x5452_504d;
const OUT_OF_LINE: u32 = 1;
const OVERFLOW: u32 = 2;
const SEND: u8 = 0;
const SHARED_MEMORY: u8 = 3;

static PEERS: PeerRoles = PeerRoles::new(
    "peer_entry",
    &[(
        "receive_at_descriptor_limit",
        receive_at_descriptor_limit as Role,
    )],
);

#[test]
fn peer_entry() {
    PEERS.serve();
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("procfs").count()
}

/// One of our ports, and the raw send end a hostile peer writes to.
fn raw_port() -> (ReceiveRight, OwnedFd) {
    let (receive, send) = rustix::net::socketpair(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC,
        None,
    )
    .unwrap();
    rustix::net::sockopt::set_socket_passcred(&receive, true).unwrap();
    (ReceiveRight::from_fd(receive), send)
}

fn frame(flags: u32, kinds: &[u8], bytes: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for word in [MAGIC, flags, kinds.len() as u32, bytes] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out.extend_from_slice(kinds);
    out.extend_from_slice(payload);
    out
}

fn send_raw(to: BorrowedFd<'_>, bytes: &[u8], fds: &[BorrowedFd<'_>]) {
    let mut space =
        vec![MaybeUninit::<u8>::uninit(); rustix::cmsg_space!(ScmRights(fds.len().max(1)))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !fds.is_empty() {
        assert!(control.push(SendAncillaryMessage::ScmRights(fds)));
    }
    rustix::net::sendmsg(to, &[IoSlice::new(bytes)], &mut control, SendFlags::empty()).unwrap();
}

fn memfd(contents: &[u8], seals: SealFlags) -> OwnedFd {
    let fd = rustix::fs::memfd_create("hostile", MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING)
        .unwrap();
    let mut file = std::fs::File::from(fd);
    file.write_all(contents).unwrap();
    let fd = OwnedFd::from(file);
    if !seals.is_empty() {
        rustix::fs::fcntl_add_seals(&fd, seals).unwrap();
    }
    fd
}

fn file() -> OwnedFd {
    std::fs::File::open("/proc/self/stat").unwrap().into()
}

fn expect(receive: &ReceiveRight, want: Malformed) {
    match receive.recv(Some(Duration::from_secs(10))) {
        Err(RecvError::Malformed(reason)) => assert_eq!(reason, want),
        other => panic!("expected {want:?}, got {other:?}"),
    }
}

fn still_works(receive: &ReceiveRight, peer: &OwnedFd) {
    send_raw(peer.as_fd(), &frame(0, &[], 2, b"ok"), &[]);
    let received = receive
        .recv(Some(Duration::from_secs(10)))
        .expect("a good message after a bad one");
    assert_eq!(received.message.bytes, b"ok");
}

#[test]
fn hostile_peers_get_typed_errors_and_leak_nothing() {
    let before = open_descriptors();
    {
        let (receive, peer) = raw_port();
        let p = peer.as_fd();

        send_raw(p, b"\x01\x02garbage that is no frame at all", &[]);
        expect(&receive, Malformed::BadHeader);
        send_raw(p, &MAGIC.to_le_bytes()[..3], &[]);
        expect(&receive, Malformed::BadHeader);
        send_raw(p, &[], &[]);
        expect(&receive, Malformed::BadHeader);
        let mut long = frame(0, &[], 2, b"ok");
        long.push(0);
        send_raw(p, &long, &[]);
        expect(&receive, Malformed::BadLength);
        still_works(&receive, &peer);

        // More descriptors than declared, then fewer.
        let (a, b, c) = (file(), file(), file());
        send_raw(
            p,
            &frame(0, &[4], 0, &[]),
            &[a.as_fd(), b.as_fd(), c.as_fd()],
        );
        expect(
            &receive,
            Malformed::DescriptorCount {
                declared: 1,
                received: 3,
            },
        );
        send_raw(p, &frame(0, &[4, 4, 4], 0, &[]), &[a.as_fd()]);
        expect(
            &receive,
            Malformed::DescriptorCount {
                declared: 3,
                received: 1,
            },
        );
        drop((a, b, c));

        // A regular file declared as a send right; an unknown kind byte.
        let f = file();
        send_raw(p, &frame(0, &[SEND], 0, &[]), &[f.as_fd()]);
        expect(&receive, Malformed::WrongObject { index: 0 });
        send_raw(p, &frame(0, &[9], 0, &[]), &[f.as_fd()]);
        expect(&receive, Malformed::BadRightKind(9));
        drop(f);

        // Shared memory whose size is not sealed.
        let unsealed = memfd(&[0; 64], SealFlags::empty());
        send_raw(p, &frame(0, &[SHARED_MEMORY], 0, &[]), &[unsealed.as_fd()]);
        expect(&receive, Malformed::UnsealedMemory);

        // An out-of-line payload: unsealed, then sealed but shorter than declared.
        send_raw(p, &frame(OUT_OF_LINE, &[], 64, &[]), &[unsealed.as_fd()]);
        expect(&receive, Malformed::UnsealedMemory);
        let short = memfd(
            &[1; 10],
            SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE,
        );
        send_raw(p, &frame(OUT_OF_LINE, &[], 64, &[]), &[short.as_fd()]);
        expect(&receive, Malformed::BadLength);
        drop((unsealed, short));

        // An overflow port that carries fewer descriptors than declared.
        let (overflow_receive, overflow_send) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let f = file();
        send_raw(overflow_send.as_fd(), &[0], &[f.as_fd()]);
        drop(overflow_send);
        send_raw(
            p,
            &frame(OVERFLOW, &[4, 4], 0, &[]),
            &[overflow_receive.as_fd()],
        );
        drop((overflow_receive, f));
        expect(
            &receive,
            Malformed::DescriptorCount {
                declared: 2,
                received: 1,
            },
        );

        still_works(&receive, &peer);
        drop(peer);
        assert!(matches!(
            receive.recv(Some(Duration::from_secs(10))),
            Err(RecvError::PeerGone)
        ));
    }
    assert_eq!(open_descriptors(), before, "no descriptor leaked");

    // Truncated control data: a receiver out of descriptors.
    let (receive, peer) = raw_port();
    let child = PEERS
        .spawn("receive_at_descriptor_limit", Right::Receive(receive))
        .unwrap();
    let files: Vec<OwnedFd> = (0..40).map(|_| file()).collect();
    let borrowed: Vec<BorrowedFd<'_>> = files.iter().map(|f| f.as_fd()).collect();
    send_raw(peer.as_fd(), &frame(0, &[4; 40], 0, &[]), &borrowed);
    drop(files);
    let status = child.wait(Duration::from_secs(20)).unwrap();
    assert!(
        status.success(),
        "the peer saw ControlTruncated and leaked nothing"
    );
    drop(peer);
    assert_eq!(open_descriptors(), before, "no descriptor leaked");
}

/// Lowers this process's descriptor limit so that a 40-descriptor message
/// cannot be delivered whole, then checks that the loss is reported.
fn receive_at_descriptor_limit(right: Right) -> Result<(), String> {
    let Right::Receive(receive) = right else {
        return Err("expected a receive right".into());
    };
    let open = open_descriptors();
    let limit = (open + 5) as u64;
    rustix::process::setrlimit(
        rustix::process::Resource::Nofile,
        rustix::process::Rlimit {
            current: Some(limit),
            maximum: Some(limit),
        },
    )
    .map_err(|e| e.to_string())?;
    match receive.recv(Some(Duration::from_secs(10))) {
        Err(RecvError::Malformed(Malformed::ControlTruncated)) => {}
        other => return Err(format!("expected ControlTruncated, got {other:?}")),
    }
    if open_descriptors() != open {
        return Err(format!(
            "{} descriptors open, {open} before",
            open_descriptors()
        ));
    }
    Ok(())
}
