//! Names, rights and user references (M1–M31).

use crate::harness::*;
use machproto_runtime::mach_sys::extra::*;
use machproto_runtime::mach_sys::kern_return::*;
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::port::*;

#[test]
fn e01_send_and_receive_rights_coalesce() {
    let env = env();
    let r = port();
    make_send(r);
    make_send(r);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(2));
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_SEND_RECEIVE));
    let sent = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).port(r, MACH_MSG_TYPE_MAKE_SEND);
    assert_eq!(sent.send(), MACH_MSG_SUCCESS);
    let buf = recv_ok(r);
    assert_eq!(buf.u32_at(28), r, "the descriptor's right coalesces into R");
    assert_eq!(u32::from(buf.u8_at(38)), MACH_MSG_TYPE_PORT_SEND);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(3));
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -3), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e02_send_once_rights_get_fresh_names() {
    let env = env();
    let r = port();
    let a = send_once(r);
    let b = send_once(r);
    assert!(a != b && a != r && b != r);
    for so in [a, b] {
        assert_eq!(ty(so), Ok(MACH_PORT_TYPE_SEND_ONCE));
        assert_eq!(refs(so, MACH_PORT_RIGHT_SEND_ONCE), Ok(1));
    }
    assert_eq!(status(r).mps_sorights, 2);
    assert_eq!(dealloc(a), KERN_SUCCESS);
    assert_eq!(dealloc(b), KERN_SUCCESS);
    assert_eq!(drain(r), vec![71, 71]);
    assert_eq!(status(r).mps_sorights, 0);
    kill(r);
    env.finish();
}

#[test]
fn e03_destroying_the_receive_right_leaves_a_dead_name() {
    let env = env();
    let r = port();
    make_send(r);
    make_send(r);
    kill(r);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_DEAD_NAME));
    assert_eq!(refs(r, MACH_PORT_RIGHT_DEAD_NAME), Ok(2));
    assert_eq!(dealloc(r), KERN_SUCCESS);
    assert_eq!(dealloc(r), KERN_SUCCESS);
    assert_eq!(dealloc(r), KERN_INVALID_NAME);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e05_mod_refs_send_on_a_dead_port_fails_but_deallocate_works() {
    let env = env();
    let peer = Task::new();
    let p = peer.run(port);
    let a = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    peer.run(|| kill(p));
    assert_eq!(mod_refs(a, MACH_PORT_RIGHT_SEND, -1), KERN_INVALID_RIGHT);
    assert_eq!(ty(a), Ok(MACH_PORT_TYPE_DEAD_NAME));
    assert_eq!(dealloc(a), KERN_SUCCESS);
    assert_eq!(ty(a), Err(KERN_INVALID_NAME));
    assert!(peer.names().is_empty());
    env.finish();
}

#[test]
fn e23_user_references_saturate() {
    let env = env();
    let r = port();
    make_send(r);
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, 65534), KERN_SUCCESS);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(65535));
    assert_eq!(dealloc(r), KERN_SUCCESS);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(65535));
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -1), KERN_SUCCESS);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(65535));
    make_send(r);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(65535));
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -65535), KERN_SUCCESS);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    make_send(r);
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, 65536), KERN_INVALID_VALUE);
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -2), KERN_INVALID_VALUE);
    assert_eq!(dealloc(r), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e28_user_chosen_name_rules() {
    let env = env();
    let r = port();
    let p2 = port();
    assert_eq!(insert(0x7A, r, MACH_MSG_TYPE_MAKE_SEND), KERN_INVALID_VALUE);
    assert_eq!(insert(0x7B, r, MACH_MSG_TYPE_MAKE_SEND), KERN_FAILURE);
    assert_eq!(insert(r, p2, MACH_MSG_TYPE_MAKE_SEND), KERN_RIGHT_EXISTS);
    // The failed inserts released the rights they made; MAKE_SEND counts.
    assert_eq!(status(r).mps_srights, 0);
    assert_eq!(status(p2).mps_srights, 0);
    assert_eq!(status(p2).mps_mscount, 1);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    kill(r);
    kill(p2);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e28_failed_insert_loses_a_moved_send_right() {
    let env = env();
    let peer = Task::new();
    let p3 = peer.run(port);
    let s3 = move_right(&peer, p3, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    let r = port();
    assert_eq!(insert(r, s3, MACH_MSG_TYPE_MOVE_SEND), KERN_NAME_EXISTS);
    assert_eq!(ty(s3), Err(KERN_INVALID_NAME));
    assert_eq!(peer.run(|| status(p3).mps_srights), 0);
    kill(r);
    env.finish();
}

#[test]
fn e29_failed_insert_consumes_a_moved_send_once_right() {
    let env = env();
    let r = port();
    let so = send_once(r);
    assert_eq!(
        insert(r, so, MACH_MSG_TYPE_MOVE_SEND_ONCE),
        KERN_NAME_EXISTS
    );
    assert_eq!(ty(so), Err(KERN_INVALID_NAME));
    assert_eq!(notification(r).id(), 71);
    kill(r);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e30_dead_name_request_sets_the_dnrequest_bit() {
    let env = env();
    let peer = Task::new();
    let p = peer.run(port);
    let a = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    let n = port();
    assert_eq!(request(a, 72, 0, n), (KERN_SUCCESS, MACH_PORT_NULL));
    assert_eq!(raw_ty(a), Ok(0x8001_0000));
    let (kr, previous) = request(a, 72, 0, MACH_PORT_NULL);
    assert_eq!(kr, KERN_SUCCESS);
    assert_eq!(ty(previous), Ok(MACH_PORT_TYPE_SEND_ONCE));
    assert_eq!(raw_ty(a), Ok(MACH_PORT_TYPE_SEND));
    assert_eq!(dealloc(previous), KERN_SUCCESS);
    assert_eq!(notification(n).id(), 71);
    assert_eq!(dealloc(a), KERN_SUCCESS);
    kill(n);
    env.finish();
}

#[test]
fn e35_extract_make_send_on_self() {
    let env = env();
    let r = port();
    assert_eq!(
        extract(r, MACH_MSG_TYPE_MAKE_SEND),
        Ok((r, MACH_MSG_TYPE_PORT_SEND))
    );
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(1));
    assert_eq!(
        extract(r, MACH_MSG_TYPE_MAKE_SEND),
        Ok((r, MACH_MSG_TYPE_PORT_SEND))
    );
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(2));
    assert_eq!(status(r).mps_mscount, 2);
    assert_eq!(extract(r, 15), Err(KERN_INVALID_VALUE));
    assert_eq!(
        extract(MACH_PORT_NULL, MACH_MSG_TYPE_MAKE_SEND),
        Err(KERN_INVALID_RIGHT)
    );
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e43_dead_names_in_message_bodies() {
    let env = env();
    let r = port();
    let d = alloc(MACH_PORT_RIGHT_DEAD_NAME);
    assert_eq!(mod_refs(d, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_SUCCESS);
    let copy = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).port(d, MACH_MSG_TYPE_COPY_SEND);
    assert_eq!(copy.send(), MACH_MSG_SUCCESS);
    assert_eq!(recv_ok(r).u32_at(28), MACH_PORT_DEAD);
    assert_eq!(refs(d, MACH_PORT_RIGHT_DEAD_NAME), Ok(2));
    let moved = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).port(d, MACH_MSG_TYPE_MOVE_SEND);
    assert_eq!(moved.send(), MACH_MSG_SUCCESS);
    assert_eq!(recv_ok(r).u32_at(28), MACH_PORT_DEAD);
    assert_eq!(refs(d, MACH_PORT_RIGHT_DEAD_NAME), Ok(1));
    assert_eq!(dealloc(d), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e44_null_and_dead_arguments() {
    let env = env();
    let r = port();
    assert_eq!(
        mod_refs(MACH_PORT_NULL, MACH_PORT_RIGHT_SEND, -1),
        KERN_SUCCESS
    );
    assert_eq!(
        mod_refs(MACH_PORT_NULL, MACH_PORT_RIGHT_RECEIVE, -1),
        KERN_INVALID_NAME
    );
    assert_eq!(mod_refs(r, 6, 0), KERN_INVALID_VALUE);
    assert_eq!(dealloc(MACH_PORT_DEAD), KERN_SUCCESS);
    assert_eq!(refs(MACH_PORT_DEAD, MACH_PORT_RIGHT_SEND), Ok(1));
    assert_eq!(ty(MACH_PORT_DEAD), Ok(MACH_PORT_TYPE_DEAD_NAME));
    assert_eq!(ty(MACH_PORT_NULL), Err(KERN_INVALID_NAME));
    assert_eq!(
        dealloc(r),
        KERN_INVALID_RIGHT,
        "receive-only names are not deallocated"
    );
    kill(r);
    env.finish();
}
