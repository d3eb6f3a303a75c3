//! Port sets and blocked threads (M25–M30, M45).

use std::thread;
use std::time::Duration;

use crate::harness::*;
use machproto_runtime::mach_sys::extra::*;
use machproto_runtime::mach_sys::kern_return::*;
use machproto_runtime::mach_sys::mach_port::{mach_port_destroy, mach_port_set_attributes};
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::port::*;

fn move_member(member: u32, after: u32) -> i32 {
    unsafe { mach_port_move_member(me(), member, after) }
}

fn insert_member(member: u32, set: u32) -> i32 {
    unsafe { mach_port_insert_member(me(), member, set) }
}

fn extract_member(member: u32, set: u32) -> i32 {
    unsafe { mach_port_extract_member(me(), member, set) }
}

/// Runs `f` on a new thread acting in this test's task.
fn spawn<T: Send + 'static>(
    env: &Env,
    f: impl FnOnce() -> T + Send + 'static,
) -> thread::JoinHandle<T> {
    #[cfg(not(target_vendor = "apple"))]
    {
        let task = env.task();
        thread::spawn(move || task.run(f))
    }
    #[cfg(target_vendor = "apple")]
    {
        let _ = env;
        thread::spawn(f)
    }
}

/// Waits until a spawned thread of this test is blocked in `mach_msg`.
fn settle(env: &Env) {
    #[cfg(not(target_vendor = "apple"))]
    {
        let start = std::time::Instant::now();
        while env.task().blocked_threads() == 0 {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the thread never blocked"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }
    #[cfg(target_vendor = "apple")]
    {
        let _ = env;
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn e24_deallocating_a_port_set_keeps_its_members() {
    let env = env();
    let s = alloc(MACH_PORT_RIGHT_PORT_SET);
    let r = port();
    assert_eq!(move_member(r, s), KERN_SUCCESS);
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    assert_eq!(dealloc(s), KERN_SUCCESS);
    assert_eq!(ty(s), Err(KERN_INVALID_NAME));
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    assert_eq!(status(r).mps_pset, 0);
    assert_eq!(status(r).mps_msgcount, 1);
    recv_ok(r);
    kill(r);
    env.finish();
}

#[test]
fn e25_set_membership() {
    let env = env();
    let r = port();
    let s1 = alloc(MACH_PORT_RIGHT_PORT_SET);
    let s2 = alloc(MACH_PORT_RIGHT_PORT_SET);
    assert_eq!(insert_member(r, s1), KERN_SUCCESS);
    assert_eq!(insert_member(r, s2), KERN_SUCCESS);
    assert_eq!(insert_member(r, s2), KERN_ALREADY_IN_SET);
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    assert_eq!(recv_ok(r).local(), r, "direct receive on a member works");
    assert_eq!(move_member(r, MACH_PORT_NULL), KERN_SUCCESS);
    assert_eq!(move_member(r, MACH_PORT_NULL), KERN_NOT_IN_SET);
    assert_eq!(status(r).mps_pset, 0);
    assert_eq!(insert_member(r, s2), KERN_SUCCESS);
    assert_eq!(move_member(r, s1), KERN_SUCCESS);
    assert_eq!(extract_member(r, s2), KERN_NOT_IN_SET);
    assert_eq!(extract_member(r, s1), KERN_SUCCESS);
    assert_eq!(move_member(MACH_PORT_NULL, s1), KERN_INVALID_RIGHT);
    assert_eq!(move_member(r, MACH_PORT_DEAD), KERN_INVALID_RIGHT);
    assert_eq!(move_member(s1, s2), KERN_INVALID_RIGHT);
    assert_eq!(move_member(r, r), KERN_INVALID_RIGHT);
    assert_eq!(dealloc(s1), KERN_SUCCESS);
    assert_eq!(dealloc(s2), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e26_blocked_receivers_and_senders_wake() {
    let env = env();
    // A receiver blocked directly on R sees R destroyed.
    let r = port();
    let waiter = spawn(&env, move || recv_with(r, 64, MACH_RCV_TIMEOUT, 5000).0);
    settle(&env);
    kill(r);
    assert_eq!(waiter.join().unwrap(), MACH_RCV_PORT_CHANGED);
    // ... or R's receive right leave the space.
    let r = port();
    let carrier = port();
    let waiter = spawn(&env, move || recv_with(r, 64, MACH_RCV_TIMEOUT, 5000).0);
    settle(&env);
    let moved = Msg::to(carrier, MACH_MSG_TYPE_MAKE_SEND).port(r, MACH_MSG_TYPE_MOVE_RECEIVE);
    assert_eq!(moved.send(), MACH_MSG_SUCCESS);
    assert_eq!(waiter.join().unwrap(), MACH_RCV_PORT_CHANGED);
    let r = recv_ok(carrier).u32_at(28);
    // A receiver blocked on a set keeps waiting when a member dies...
    let s = alloc(MACH_PORT_RIGHT_PORT_SET);
    assert_eq!(move_member(r, s), KERN_SUCCESS);
    let waiter = spawn(&env, move || recv_with(s, 64, MACH_RCV_TIMEOUT, 300).0);
    settle(&env);
    kill(r);
    assert_eq!(waiter.join().unwrap(), MACH_RCV_TIMED_OUT);
    // ... but not when the set itself is destroyed.
    let waiter = spawn(&env, move || recv_with(s, 64, MACH_RCV_TIMEOUT, 5000).0);
    settle(&env);
    assert_eq!(unsafe { mach_port_destroy(me(), s) }, KERN_SUCCESS);
    assert_eq!(waiter.join().unwrap(), MACH_RCV_PORT_CHANGED);
    // A sender blocked on a full queue returns success when R dies.
    let r = port();
    let mut one = mach_port_limits_t { mpl_qlimit: 1 };
    let kr = unsafe {
        mach_port_set_attributes(me(), r, MACH_PORT_LIMITS_INFO, (&raw mut one).cast(), 1)
    };
    assert_eq!(kr, KERN_SUCCESS);
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    make_send(r);
    let sender = spawn(&env, move || {
        Msg::to(r, MACH_MSG_TYPE_COPY_SEND)
            .send_with(MACH_SEND_MSG | MACH_SEND_TIMEOUT, 5000)
            .0
    });
    settle(&env);
    kill(r);
    assert_eq!(sender.join().unwrap(), MACH_MSG_SUCCESS);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_DEAD_NAME));
    assert_eq!(dealloc(r), KERN_SUCCESS);
    // A blocked sender proceeds once a message is dequeued.
    let r = port();
    let kr = unsafe {
        mach_port_set_attributes(me(), r, MACH_PORT_LIMITS_INFO, (&raw mut one).cast(), 1)
    };
    assert_eq!(kr, KERN_SUCCESS);
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    let sender = spawn(&env, move || {
        Msg::to(r, MACH_MSG_TYPE_MAKE_SEND)
            .send_with(MACH_SEND_MSG | MACH_SEND_TIMEOUT, 5000)
            .0
    });
    settle(&env);
    recv_ok(r);
    assert_eq!(sender.join().unwrap(), MACH_MSG_SUCCESS);
    recv_ok(r);
    kill(r);
    kill(carrier);
    env.finish();
}

#[test]
fn e46_queued_messages_are_visible_through_a_newly_joined_set() {
    let env = env();
    let p = port();
    let s = alloc(MACH_PORT_RIGHT_PORT_SET);
    let waiter_set = s;
    for id in [1, 2] {
        assert_eq!(
            Msg::to(p, MACH_MSG_TYPE_MAKE_SEND).id(id).send(),
            MACH_MSG_SUCCESS
        );
    }
    assert!(empty(s));
    let waiter = spawn(&env, move || {
        let buf = recv_with(waiter_set, 128, MACH_RCV_TIMEOUT, 5000);
        (buf.0, buf.1.local(), buf.1.id())
    });
    settle(&env);
    assert_eq!(move_member(p, s), KERN_SUCCESS);
    assert_eq!(waiter.join().unwrap(), (MACH_MSG_SUCCESS, p, 1));
    let buf = recv_ok(s);
    assert_eq!((buf.local(), buf.id()), (p, 2));
    assert_eq!(dealloc(s), KERN_SUCCESS);
    kill(p);
    env.finish();
}

#[test]
fn set_receives_rotate_among_members() {
    let env = env();
    let s = alloc(MACH_PORT_RIGHT_PORT_SET);
    let ports: Vec<u32> = (0..3).map(|_| port()).collect();
    for &p in &ports {
        assert_eq!(move_member(p, s), KERN_SUCCESS);
        for _ in 0..2 {
            assert_eq!(Msg::to(p, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
        }
    }
    let mut seen: Vec<u32> = (0..6).map(|_| recv_ok(s).local()).collect();
    seen.sort_unstable();
    let mut expected: Vec<u32> = ports.iter().flat_map(|&p| [p, p]).collect();
    expected.sort_unstable();
    assert_eq!(seen, expected);
    assert_eq!(dealloc(s), KERN_SUCCESS);
    for p in ports {
        kill(p);
    }
    env.finish();
}
