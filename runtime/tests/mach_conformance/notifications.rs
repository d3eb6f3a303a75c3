//! Notifications (M54–M62).

use crate::harness::*;
use machproto_runtime::mach_sys::extra::*;
use machproto_runtime::mach_sys::kern_return::*;
use machproto_runtime::mach_sys::mach_port::mach_port_destroy;
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::notify::*;
use machproto_runtime::mach_sys::port::*;

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e04_dead_name_notification_adds_a_reference() {
    let env = env();
    let peer = Task::new();
    let p = peer.run(port);
    let a = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    let n = port();
    assert_eq!(request(a, MACH_NOTIFY_DEAD_NAME, 0, n), (KERN_SUCCESS, 0));
    peer.run(|| kill(p));
    let buf = notification(n);
    assert_eq!(buf.id(), MACH_NOTIFY_DEAD_NAME);
    assert_eq!(buf.size(), 36);
    assert_eq!(buf.body_u32(8), a);
    assert_eq!(ty(a), Ok(MACH_PORT_TYPE_DEAD_NAME));
    assert_eq!(refs(a, MACH_PORT_RIGHT_DEAD_NAME), Ok(2));
    assert_eq!(mod_refs(a, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
    kill(n);
    env.finish();
}

#[test]
fn e06_no_senders_fires_at_once_or_when_armed() {
    let env = env();
    let n = port();
    let r = port();
    assert_eq!(request(r, MACH_NOTIFY_NO_SENDERS, 0, n), (KERN_SUCCESS, 0));
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8), buf.size()), (70, 0, 36));
    assert_eq!(status(r).mps_nsrequest, 0);
    let r2 = port();
    assert_eq!(request(r2, MACH_NOTIFY_NO_SENDERS, 1, n), (KERN_SUCCESS, 0));
    assert!(empty(n));
    assert_eq!(status(r2).mps_nsrequest, 1);
    make_send(r2);
    assert!(empty(n));
    assert_eq!(dealloc(r2), KERN_SUCCESS);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (70, 1));
    kill(r);
    kill(r2);
    kill(n);
    env.finish();
}

#[test]
fn e07_an_in_flight_destination_keeps_no_senders_armed() {
    let env = env();
    let r = port();
    let n = port();
    make_send(r);
    assert_eq!(request(r, MACH_NOTIFY_NO_SENDERS, 1, n), (KERN_SUCCESS, 0));
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_MOVE_SEND).send(), MACH_MSG_SUCCESS);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    assert!(empty(n));
    recv_ok(r);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (70, 1));
    kill(r);
    kill(n);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e08_the_receivers_own_send_right_counts() {
    let env = env();
    let peer = Task::new();
    let r = port();
    let n = port();
    make_send(r);
    let b = move_right(env.task(), r, MACH_MSG_TYPE_MAKE_SEND, &peer).unwrap();
    assert_eq!(request(r, MACH_NOTIFY_NO_SENDERS, 0, n), (KERN_SUCCESS, 0));
    peer.run(|| assert_eq!(dealloc(b), KERN_SUCCESS));
    assert!(empty(n));
    assert_eq!(dealloc(r), KERN_SUCCESS);
    assert_eq!(notification(n).id(), 70);
    kill(r);
    kill(n);
    env.finish();
}

#[test]
fn e09_destroying_a_port_with_no_senders_armed_sends_send_once() {
    let env = env();
    let r = port();
    let n = port();
    assert_eq!(request(r, MACH_NOTIFY_NO_SENDERS, 1, n), (KERN_SUCCESS, 0));
    kill(r);
    assert_eq!(notification(n).id(), MACH_NOTIFY_SEND_ONCE);
    assert!(empty(n));
    kill(n);
    env.finish();
}

#[test]
fn e10_mach_port_destroy_on_send_receive() {
    let env = env();
    let n = port();
    let r = port();
    make_send(r);
    assert_eq!(request(r, MACH_NOTIFY_NO_SENDERS, 1, n), (KERN_SUCCESS, 0));
    assert_eq!(unsafe { mach_port_destroy(me(), r) }, KERN_SUCCESS);
    assert_eq!(ty(r), Err(KERN_INVALID_NAME));
    assert_eq!(notification(n).id(), MACH_NOTIFY_NO_SENDERS);
    let r = port();
    make_send(r);
    assert_eq!(request(r, MACH_NOTIFY_NO_SENDERS, 1, n), (KERN_SUCCESS, 0));
    kill(r);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_DEAD_NAME));
    assert_eq!(notification(n).id(), MACH_NOTIFY_SEND_ONCE);
    assert_eq!(dealloc(r), KERN_SUCCESS);
    kill(n);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e11_port_destroyed_hands_the_receive_right_back() {
    let env = env();
    let peer = Task::new();
    let r = port();
    let n = port();
    let b = move_right(env.task(), r, MACH_MSG_TYPE_MAKE_SEND, &peer).unwrap();
    for _ in 0..2 {
        assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    }
    assert_eq!(
        request(r, MACH_NOTIFY_PORT_DESTROYED, 0, n),
        (KERN_SUCCESS, 0)
    );
    assert_eq!(request(r, MACH_NOTIFY_PORT_DESTROYED, 0, n).0, KERN_FAILURE);
    assert_eq!(
        notification(n).id(),
        71,
        "the failed request destroyed its right"
    );
    assert_eq!(status(r).mps_pdrequest, 1);
    kill(r);
    let buf = notification(n);
    assert_eq!(buf.id(), MACH_NOTIFY_PORT_DESTROYED);
    assert_eq!(buf.size(), 40);
    assert_ne!(buf.bits() & MACH_MSGH_BITS_COMPLEX, 0);
    assert_eq!(u32::from(buf.u8_at(38)), MACH_MSG_TYPE_PORT_RECEIVE);
    let r2 = buf.u32_at(28);
    assert_eq!(ty(r2), Ok(MACH_PORT_TYPE_RECEIVE));
    let s = status(r2);
    assert_eq!(
        (s.mps_msgcount, s.mps_mscount, s.mps_seqno, s.mps_pdrequest),
        (2, 0, 0, 0)
    );
    let sent = peer.run(|| Msg::to(b, MACH_MSG_TYPE_COPY_SEND).send());
    assert_eq!(sent, MACH_MSG_SUCCESS);
    assert_eq!(
        request(r2, MACH_NOTIFY_PORT_DESTROYED, 0, n),
        (KERN_SUCCESS, 0)
    );
    assert_eq!(
        request(r2, MACH_NOTIFY_PORT_DESTROYED, 0, n).0,
        KERN_FAILURE
    );
    assert_eq!(drain(n), vec![71]);
    kill(r2);
    let r3 = notification(n).u32_at(28);
    kill(r3);
    peer.run(|| {
        assert_eq!(ty(b), Ok(MACH_PORT_TYPE_DEAD_NAME));
        assert_eq!(dealloc(b), KERN_SUCCESS);
    });
    kill(n);
    env.finish();
}

#[test]
fn e27_dead_name_requests_on_the_wrong_names() {
    let env = env();
    let n = port();
    let d = alloc(MACH_PORT_RIGHT_DEAD_NAME);
    let s = alloc(MACH_PORT_RIGHT_PORT_SET);
    assert_eq!(
        request(d, MACH_NOTIFY_DEAD_NAME, 1, n).0,
        KERN_INVALID_ARGUMENT
    );
    assert_eq!(
        request(MACH_PORT_NULL, MACH_NOTIFY_DEAD_NAME, 1, n).0,
        KERN_INVALID_ARGUMENT
    );
    assert_eq!(
        request(s, MACH_NOTIFY_DEAD_NAME, 0, n).0,
        KERN_INVALID_RIGHT
    );
    assert_eq!(request(n, 12345, 0, n).0, KERN_INVALID_VALUE);
    assert_eq!(
        drain(n),
        vec![71; 4],
        "each failed request destroyed its right"
    );
    assert_eq!(refs(d, MACH_PORT_RIGHT_DEAD_NAME), Ok(1));
    assert_eq!(dealloc(d), KERN_SUCCESS);
    assert_eq!(dealloc(s), KERN_SUCCESS);
    kill(n);
    env.finish();
}

#[test]
fn e36_a_replaced_registration_is_returned() {
    let env = env();
    let r = port();
    let n = port();
    assert_eq!(request(r, MACH_NOTIFY_DEAD_NAME, 0, n), (KERN_SUCCESS, 0));
    let (kr, previous) = request(r, MACH_NOTIFY_DEAD_NAME, 0, n);
    assert_eq!(kr, KERN_SUCCESS);
    assert_ne!(previous, MACH_PORT_NULL);
    assert_eq!(dealloc(previous), KERN_SUCCESS);
    assert_eq!(notification(n).id(), MACH_NOTIFY_SEND_ONCE);
    let (kr, previous) = request(r, MACH_NOTIFY_DEAD_NAME, 0, MACH_PORT_NULL);
    assert_eq!(kr, KERN_SUCCESS);
    assert_eq!(dealloc(previous), KERN_SUCCESS);
    assert_eq!(notification(n).id(), MACH_NOTIFY_SEND_ONCE);
    kill(r);
    assert!(empty(n));
    kill(n);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e40_port_deleted_when_the_last_reference_goes() {
    let env = env();
    let peer = Task::new();
    let p = peer.run(port);
    let n = port();
    let a = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    assert_eq!(request(a, MACH_NOTIFY_DEAD_NAME, 0, n), (KERN_SUCCESS, 0));
    assert_eq!(dealloc(a), KERN_SUCCESS);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (MACH_NOTIFY_PORT_DELETED, a));
    let a = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    assert_eq!(request(a, MACH_NOTIFY_DEAD_NAME, 0, n), (KERN_SUCCESS, 0));
    assert_eq!(Msg::to(a, MACH_MSG_TYPE_MOVE_SEND).send(), MACH_MSG_SUCCESS);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (MACH_NOTIFY_PORT_DELETED, a));
    peer.run(|| {
        recv_ok(p);
        kill(p);
    });
    kill(n);
    env.finish();
}

#[test]
fn e41_request_on_a_receive_only_name_is_deleted() {
    let env = env();
    let r = port();
    let n = port();
    assert_eq!(request(r, MACH_NOTIFY_DEAD_NAME, 0, n), (KERN_SUCCESS, 0));
    assert_eq!(
        raw_ty(r),
        Ok(MACH_PORT_TYPE_RECEIVE | MACH_PORT_TYPE_DNREQUEST)
    );
    kill(r);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (MACH_NOTIFY_PORT_DELETED, r));
    assert_eq!(ty(r), Err(KERN_INVALID_NAME));
    kill(n);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e45_no_senders_survives_a_receive_right_move() {
    let env = env();
    let peer = Task::new();
    let r = port();
    let n = port();
    make_send(r);
    assert_eq!(request(r, MACH_NOTIFY_NO_SENDERS, 1, n), (KERN_SUCCESS, 0));
    let rb = move_right(env.task(), r, MACH_MSG_TYPE_MOVE_RECEIVE, &peer).unwrap();
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_SEND));
    assert!(empty(n));
    assert_eq!(dealloc(r), KERN_SUCCESS);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (MACH_NOTIFY_NO_SENDERS, 0));
    peer.run(|| kill(rb));
    kill(n);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e47_notification_structs_and_trailer_sizes() {
    let env = env();
    let peer = Task::new();
    let p = peer.run(port);
    let a = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    let n = port();
    assert_eq!(request(a, MACH_NOTIFY_DEAD_NAME, 0, n), (KERN_SUCCESS, 0));
    peer.run(|| kill(p));
    let size = std::mem::size_of::<mach_dead_name_notification_t>() as u32;
    assert_eq!(size, 56);
    let audit = MACH_RCV_TIMEOUT | MACH_RCV_LARGE | MACH_RCV_TRAILER_ELEMENTS(3);
    assert_eq!(recv_with(n, size, audit, 0).0, MACH_RCV_TOO_LARGE);
    let mut note = std::mem::MaybeUninit::<mach_dead_name_notification_t>::zeroed();
    let kr = unsafe {
        mach_msg(
            note.as_mut_ptr().cast(),
            MACH_RCV_MSG | MACH_RCV_TIMEOUT,
            0,
            size,
            n,
            0,
            0,
        )
    };
    assert_eq!(kr, MACH_MSG_SUCCESS);
    let note = unsafe { note.assume_init() };
    assert_eq!(note.not_header.msgh_id, MACH_NOTIFY_DEAD_NAME);
    assert_eq!(note.not_port, a);
    assert_eq!(note.trailer.msgh_trailer_size, 8);
    assert_eq!(mod_refs(a, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
    kill(n);
    env.finish();
}
