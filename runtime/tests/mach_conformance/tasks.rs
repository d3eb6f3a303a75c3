//! Bootstrap and task special ports (M63–M67).

use crate::harness::*;
use machproto_runtime::mach_sys::bootstrap::*;
use machproto_runtime::mach_sys::extra::*;
use machproto_runtime::mach_sys::kern_return::*;
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::port::*;
use machproto_runtime::mach_sys::task::{task_get_special_port, task_set_special_port};
use machproto_runtime::mach_sys::task_special_ports::{TASK_BOOTSTRAP_PORT, TASK_KERNEL_PORT};

fn special(which: i32) -> u32 {
    let mut name = 0;
    assert_eq!(
        unsafe { task_get_special_port(me(), which, &mut name) },
        KERN_SUCCESS
    );
    name
}

#[test]
fn bootstrap_check_in_and_look_up() {
    use machproto_runtime::mach_sys::bootstrap::*;
    let env = env();
    let service = format!("org.machproto.test.{}\0", std::process::id());
    let name = service.as_ptr().cast();
    let bp = unsafe { bootstrap_port };
    let mut receive = 0;
    assert_eq!(
        unsafe { bootstrap_check_in(bp, name, &mut receive) },
        KERN_SUCCESS
    );
    assert_eq!(ty(receive), Ok(MACH_PORT_TYPE_RECEIVE));
    let mut again = 0;
    assert_eq!(
        unsafe { bootstrap_check_in(bp, name, &mut again) },
        BOOTSTRAP_SERVICE_ACTIVE
    );
    let mut send = 0;
    assert_eq!(
        unsafe { bootstrap_look_up(bp, name, &mut send) },
        KERN_SUCCESS
    );
    assert_eq!(send, receive, "the looked-up send right coalesces");
    assert_eq!(
        Msg::to(send, MACH_MSG_TYPE_COPY_SEND).send(),
        MACH_MSG_SUCCESS
    );
    recv_ok(receive);
    assert_eq!(dealloc(send), KERN_SUCCESS);
    let unknown = c"org.machproto.test.unknown".as_ptr();
    assert_eq!(
        unsafe { bootstrap_look_up(bp, unknown, &mut send) },
        BOOTSTRAP_UNKNOWN_SERVICE
    );
    kill(receive);
    assert_eq!(
        unsafe { bootstrap_look_up(bp, name, &mut send) },
        BOOTSTRAP_UNKNOWN_SERVICE,
        "a registration goes with its port"
    );
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn bootstrap_register_publishes_a_copy_of_a_send_right() {
    let env = env();
    let peer = Task::new();
    let service = format!("org.machproto.test.register.{}\0", std::process::id());
    let name = service.as_ptr().cast_mut().cast();
    let bp = unsafe { bootstrap_port };
    let r = port();
    make_send(r);
    assert_eq!(unsafe { bootstrap_register(bp, name, r) }, KERN_SUCCESS);
    assert_eq!(
        refs(r, MACH_PORT_RIGHT_SEND),
        Ok(1),
        "the caller keeps its right"
    );
    assert_eq!(
        unsafe { bootstrap_register(bp, name, r) },
        BOOTSTRAP_NAME_IN_USE
    );
    let theirs = peer.run(|| {
        let mut send = 0;
        assert_eq!(
            unsafe { bootstrap_look_up(bp, name, &mut send) },
            KERN_SUCCESS
        );
        assert_eq!(
            Msg::to(send, MACH_MSG_TYPE_MOVE_SEND).send(),
            MACH_MSG_SUCCESS
        );
        send
    });
    assert_ne!(theirs, MACH_PORT_NULL);
    recv_ok(r);
    assert_eq!(
        unsafe { bootstrap_register(bp, name, MACH_PORT_NULL) },
        KERN_SUCCESS
    );
    let mut send = 0;
    assert_eq!(
        unsafe { bootstrap_look_up(bp, name, &mut send) },
        BOOTSTRAP_UNKNOWN_SERVICE
    );
    assert_eq!(status(r).mps_srights, 1);
    assert_eq!(dealloc(r), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn special_ports_of_a_task() {
    let env = env();
    let bp = unsafe { bootstrap_port };
    assert_eq!(special(TASK_KERNEL_PORT), me());
    assert_eq!(refs(me(), MACH_PORT_RIGHT_SEND), Ok(2));
    assert_eq!(dealloc(me()), KERN_SUCCESS);
    assert_eq!(special(TASK_BOOTSTRAP_PORT), bp);
    assert_eq!(dealloc(bp), KERN_SUCCESS);
    let r = port();
    make_send(r);
    assert_eq!(
        unsafe { task_set_special_port(me(), TASK_BOOTSTRAP_PORT, r) },
        KERN_SUCCESS
    );
    assert_eq!(special(TASK_BOOTSTRAP_PORT), r);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(2));
    assert_eq!(
        unsafe { task_set_special_port(me(), TASK_BOOTSTRAP_PORT, bp) },
        KERN_SUCCESS
    );
    assert_eq!(status(r).mps_srights, 1);
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
    kill(r);
    env.finish();
}
