//! Send failures, circular messages, guards, out-of-line memory and ports,
//! send-possible, task death, bootstrap and memory entries.

use crate::harness::*;
use machproto_runtime::mach_sys::extra::*;
use machproto_runtime::mach_sys::kern_return::*;
use machproto_runtime::mach_sys::mach_port::*;
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::notify::*;
use machproto_runtime::mach_sys::port::*;
use machproto_runtime::mach_sys::vm::{mach_vm_allocate, mach_vm_deallocate};
use machproto_runtime::mach_sys::vm_statistics::VM_FLAGS_ANYWHERE;

fn vm_allocate(size: u64) -> u64 {
    let mut addr = 0;
    assert_eq!(
        unsafe { mach_vm_allocate(me(), &mut addr, size, VM_FLAGS_ANYWHERE) },
        KERN_SUCCESS
    );
    addr
}

fn vm_deallocate(addr: u64, size: u64) -> i32 {
    unsafe { mach_vm_deallocate(me(), addr, size) }
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e15_a_body_failure_destroys_earlier_rights() {
    let env = env();
    let peer = Task::new();
    let dest = port();
    let p = port();
    let q = port();
    let x = port();
    let b = move_right(env.task(), p, MACH_MSG_TYPE_MAKE_SEND, &peer).unwrap();
    let unused = 0x0FFF_FF03;
    let msg = Msg::to(dest, MACH_MSG_TYPE_MAKE_SEND)
        .reply(q, MACH_MSG_TYPE_MAKE_SEND_ONCE)
        .port(p, MACH_MSG_TYPE_MOVE_RECEIVE)
        .port(unused, MACH_MSG_TYPE_COPY_SEND)
        .port(x, MACH_MSG_TYPE_MAKE_SEND);
    assert_eq!(msg.send(), MACH_SEND_INVALID_RIGHT);
    assert_eq!(ty(p), Err(KERN_INVALID_NAME), "P left the sender's space");
    peer.run(|| {
        assert_eq!(ty(b), Ok(MACH_PORT_TYPE_DEAD_NAME), "P died");
        assert_eq!(dealloc(b), KERN_SUCCESS);
    });
    assert_eq!(notification(q).id(), MACH_NOTIFY_SEND_ONCE);
    assert_eq!(
        status(x).mps_mscount,
        0,
        "the third descriptor was untouched"
    );
    assert_eq!(status(dest).mps_srights, 0);
    assert!(empty(dest));
    for name in [dest, q, x] {
        kill(name);
    }
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e21_sending_to_a_dead_port() {
    let env = env();
    let peer = Task::new();
    let p = peer.run(port);
    let a = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    let so = move_right(&peer, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, env.task()).unwrap();
    peer.run(|| kill(p));
    assert_eq!(
        Msg::to(a, MACH_MSG_TYPE_COPY_SEND).send(),
        MACH_SEND_INVALID_DEST
    );
    assert_eq!(ty(a), Ok(MACH_PORT_TYPE_DEAD_NAME));
    assert_eq!(dealloc(a), KERN_SUCCESS);
    // XNU accepts a send-once destination whose port died until the name
    // is looked at; the simulator converts at once (docs/mach-sim.md).
    match Msg::to(so, MACH_MSG_TYPE_MOVE_SEND_ONCE).send() {
        MACH_MSG_SUCCESS => assert_eq!(ty(so), Err(KERN_INVALID_NAME)),
        MACH_SEND_INVALID_DEST => {
            assert_eq!(ty(so), Ok(MACH_PORT_TYPE_DEAD_NAME));
            assert_eq!(dealloc(so), KERN_SUCCESS);
        }
        other => panic!("unexpected {other:#x}"),
    }
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e32_a_message_carrying_its_own_destination_is_destroyed() {
    let env = env();
    let peer = Task::new();
    let r = port();
    let b = move_right(env.task(), r, MACH_MSG_TYPE_MAKE_SEND, &peer).unwrap();
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).port(r, MACH_MSG_TYPE_MOVE_RECEIVE);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    assert_eq!(ty(r), Err(KERN_INVALID_NAME));
    peer.run(|| {
        assert_eq!(ty(b), Ok(MACH_PORT_TYPE_DEAD_NAME));
        assert_eq!(dealloc(b), KERN_SUCCESS);
    });
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn e34_guarded_receive_rights() {
    let env = env();
    let ctx = 0xfeed_beef;
    let mut options = mach_port_options_t {
        flags: MPO_CONTEXT_AS_GUARD,
        ..Default::default()
    };
    let mut name = 0;
    assert_eq!(
        unsafe { mach_port_construct(me(), &mut options, ctx, &mut name) },
        KERN_SUCCESS
    );
    assert_eq!(status(name).mps_flags & 0x02, 0x02, "guarded");
    let before = machproto_runtime::mach_sim::guard_violations().len();
    assert_eq!(
        mod_refs(name, MACH_PORT_RIGHT_RECEIVE, -1),
        KERN_INVALID_RIGHT
    );
    assert_eq!(unsafe { mach_port_destroy(me(), name) }, KERN_INVALID_RIGHT);
    assert_eq!(
        unsafe { mach_port_destruct(me(), name, 0, ctx + 1) },
        KERN_INVALID_ARGUMENT
    );
    let violations = machproto_runtime::mach_sim::guard_violations();
    let ours: Vec<_> = violations[before..]
        .iter()
        .filter(|v| v.task == env.task().id())
        .collect();
    assert_eq!(ours.len(), 3);
    assert!(ours.iter().all(|v| v.fatal && v.name == name));
    assert_eq!(
        unsafe { mach_port_destruct(me(), name, 0, ctx) },
        KERN_SUCCESS
    );
    assert_eq!(ty(name), Err(KERN_INVALID_NAME));
    env.finish();
}

#[test]
fn construct_with_a_send_right_and_queue_limit() {
    let env = env();
    let mut options = mach_port_options_t {
        flags: MPO_INSERT_SEND_RIGHT | MPO_QLIMIT,
        mpl: mach_port_limits_t { mpl_qlimit: 2 },
        ..Default::default()
    };
    let mut name = 0;
    assert_eq!(
        unsafe { mach_port_construct(me(), &mut options, 0, &mut name) },
        KERN_SUCCESS
    );
    assert_eq!(ty(name), Ok(MACH_PORT_TYPE_SEND_RECEIVE));
    let s = status(name);
    assert_eq!((s.mps_qlimit, s.mps_mscount, s.mps_srights), (2, 1, 1));
    options.mpl.mpl_qlimit = 1025;
    let mut other = 0;
    let kr = unsafe { mach_port_construct(me(), &mut options, 0, &mut other) };
    assert_eq!(kr, KERN_INVALID_VALUE);
    assert_eq!(
        unsafe { mach_port_destruct(me(), name, -1, 0) },
        KERN_SUCCESS
    );
    env.finish();
}

#[test]
fn ool_memory_is_copied_and_owned_by_the_receiver() {
    let env = env();
    let r = port();
    let addr = vm_allocate(10_000);
    let region = unsafe { std::slice::from_raw_parts_mut(addr as *mut u8, 10_000) };
    region
        .iter_mut()
        .enumerate()
        .for_each(|(i, b)| *b = i as u8);
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND)
        .ool(addr, 10_000, true, MACH_MSG_PHYSICAL_COPY)
        .ool(0, 0, false, MACH_MSG_VIRTUAL_COPY);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    assert_eq!(
        vm_deallocate(addr, 10_000),
        KERN_INVALID_ADDRESS,
        "deallocate = true freed it"
    );
    let buf = recv_ok(r);
    assert_eq!(buf.u32_at(24), 2);
    let (got, size) = (buf.u64_at(28), buf.u32_at(40));
    assert_eq!(size, 10_000);
    assert_eq!(buf.u8_at(37), MACH_MSG_PHYSICAL_COPY as u8);
    let data = unsafe { std::slice::from_raw_parts(got as *const u8, 10_000) };
    assert!(data.iter().enumerate().all(|(i, b)| *b == i as u8));
    assert_eq!(
        (buf.u64_at(44), buf.u32_at(56)),
        (0, 0),
        "an empty region is address 0"
    );
    assert_eq!(vm_deallocate(got, u64::from(size)), KERN_SUCCESS);
    let bad = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).ool(0, 16, false, MACH_MSG_VIRTUAL_COPY);
    assert_eq!(bad.send(), MACH_SEND_INVALID_MEMORY);
    let alloc = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).ool(addr, 16, false, MACH_MSG_ALLOCATE);
    assert_eq!(alloc.send(), MACH_SEND_INVALID_TYPE);
    assert_eq!(status(r).mps_srights, 0);
    kill(r);
    env.finish();
}

#[test]
fn ool_ports_carry_rights() {
    let env = env();
    let r = port();
    let members: Vec<u32> = (0..3).map(|_| port()).collect();
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).ool_ports(
        members.as_ptr() as u64,
        3,
        MACH_MSG_TYPE_MAKE_SEND,
        false,
    );
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let mut buf = recv_ok(r);
    let (addr, count) = (buf.u64_at(28), buf.u32_at(40));
    assert_eq!(count, 3);
    assert_eq!(u32::from(buf.u8_at(38)), MACH_MSG_TYPE_PORT_SEND);
    let names = unsafe { std::slice::from_raw_parts(addr as *const u32, 3) };
    assert_eq!(
        names,
        &members[..],
        "send rights coalesce with the receive rights"
    );
    for &m in &members {
        assert_eq!(refs(m, MACH_PORT_RIGHT_SEND), Ok(1));
    }
    unsafe { mach_msg_destroy(buf.ptr()) };
    for m in members {
        assert_eq!(ty(m), Ok(MACH_PORT_TYPE_RECEIVE));
        kill(m);
    }
    kill(r);
    env.finish();
}

#[test]
fn send_possible_after_a_full_queue() {
    let env = env();
    let r = port();
    let n = port();
    let mut one = mach_port_limits_t { mpl_qlimit: 1 };
    let kr = unsafe {
        mach_port_set_attributes(me(), r, MACH_PORT_LIMITS_INFO, (&raw mut one).cast(), 1)
    };
    assert_eq!(kr, KERN_SUCCESS);
    make_send(r);
    // Not full and armed: fires at once.
    assert_eq!(
        request(r, MACH_NOTIFY_SEND_POSSIBLE, 1, n),
        (KERN_SUCCESS, 0)
    );
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (MACH_NOTIFY_SEND_POSSIBLE, r));
    // Registered unarmed; a MACH_SEND_NOTIFY send to the full queue arms it.
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_COPY_SEND).send(), MACH_MSG_SUCCESS);
    assert_eq!(
        request(r, MACH_NOTIFY_SEND_POSSIBLE, 0, n),
        (KERN_SUCCESS, 0)
    );
    let option = MACH_SEND_MSG | MACH_SEND_TIMEOUT | MACH_SEND_NOTIFY;
    let (kr, _) = Msg::to(r, MACH_MSG_TYPE_COPY_SEND).send_with(option, 0);
    assert_eq!(kr, MACH_SEND_TIMED_OUT);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(2));
    assert!(empty(n));
    recv_ok(r);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (MACH_NOTIFY_SEND_POSSIBLE, r));
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
    kill(r);
    kill(n);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn task_death_kills_its_ports_and_releases_its_rights() {
    let env = env();
    let peer = Task::new();
    let mine = port();
    let n = port();
    let theirs = peer.run(port);
    let a = move_right(&peer, theirs, MACH_MSG_TYPE_MAKE_SEND, env.task()).unwrap();
    assert_eq!(request(a, MACH_NOTIFY_DEAD_NAME, 0, n), (KERN_SUCCESS, 0));
    assert_eq!(
        request(mine, MACH_NOTIFY_NO_SENDERS, 1, n),
        (KERN_SUCCESS, 0)
    );
    move_right(env.task(), mine, MACH_MSG_TYPE_MAKE_SEND, &peer).unwrap();
    move_right(env.task(), mine, MACH_MSG_TYPE_MAKE_SEND_ONCE, &peer).unwrap();
    assert!(peer.pid().is_some_and(|pid| pid != std::process::id()));
    drop(peer);
    let mut ids = Vec::new();
    while let (MACH_MSG_SUCCESS, buf) = recv(n, 128) {
        ids.push(buf.id());
    }
    ids.sort_unstable();
    assert_eq!(ids, vec![MACH_NOTIFY_NO_SENDERS, MACH_NOTIFY_DEAD_NAME]);
    assert_eq!(notification(mine).id(), MACH_NOTIFY_SEND_ONCE);
    assert_eq!(refs(a, MACH_PORT_RIGHT_DEAD_NAME), Ok(2));
    assert_eq!(mod_refs(a, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
    kill(mine);
    kill(n);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn rights_moved_between_tasks_get_new_names_and_trailers_identify_the_sender() {
    let env = env();
    let peer = Task::new();
    let r = port();
    let b = move_right(env.task(), r, MACH_MSG_TYPE_MAKE_SEND, &peer).unwrap();
    let pid = peer.pid().unwrap();
    assert_eq!(
        peer.run(|| Msg::to(b, MACH_MSG_TYPE_COPY_SEND).send()),
        MACH_MSG_SUCCESS
    );
    let buf = recv_ok(r);
    let trailer = buf.size() as usize;
    assert_eq!(buf.u32_at(trailer + 20 + 5 * 4), pid);
    assert_eq!(peer.names().len(), 1);
    assert_eq!(peer.names()[0].urefs, 1);
    drop(peer);
    assert!(empty(r));
    kill(r);
    env.finish();
}

#[cfg(not(target_vendor = "apple"))]
#[test]
fn insert_and_extract_rights_in_another_task() {
    let env = env();
    let peer = Task::new();
    let r = port();
    // The peer's task port, as a parent holding a child's task port has it.
    let child = move_right(&peer, me(), MACH_MSG_TYPE_COPY_SEND, env.task()).unwrap();
    let chosen = 0x5003;
    assert_eq!(
        unsafe { mach_port_insert_right(child, chosen, r, MACH_MSG_TYPE_MAKE_SEND) },
        KERN_SUCCESS
    );
    assert_eq!(peer.run(|| ty(chosen)), Ok(MACH_PORT_TYPE_SEND));
    let (mut mine, mut kind) = (0, 0);
    let kr = unsafe {
        mach_port_extract_right(child, chosen, MACH_MSG_TYPE_MOVE_SEND, &mut mine, &mut kind)
    };
    assert_eq!((kr, mine, kind), (KERN_SUCCESS, r, MACH_MSG_TYPE_PORT_SEND));
    assert_eq!(peer.run(|| ty(chosen)), Err(KERN_INVALID_NAME));
    assert_eq!(dealloc(r), KERN_SUCCESS);
    drop(peer);
    assert_eq!(
        ty(child),
        Ok(MACH_PORT_TYPE_DEAD_NAME),
        "the task port died with the task"
    );
    assert_eq!(dealloc(child), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[cfg(target_os = "linux")]
#[test]
fn memory_entries_share_memory_between_mappings_and_tasks() {
    use machproto_runtime::mach_sys::vm::{mach_make_memory_entry_64, mach_vm_map};
    use machproto_runtime::mach_sys::vm_inherit::VM_INHERIT_NONE;
    use machproto_runtime::mach_sys::vm_prot::{VM_PROT_READ, VM_PROT_WRITE};
    fn map(entry: u32, size: u64, protection: i32) -> Result<u64, i32> {
        let mut addr = 0;
        let kr = unsafe {
            mach_vm_map(
                me(),
                &mut addr,
                size,
                0,
                VM_FLAGS_ANYWHERE,
                entry,
                0,
                0,
                protection,
                protection,
                VM_INHERIT_NONE,
            )
        };
        if kr == KERN_SUCCESS {
            Ok(addr)
        } else {
            Err(kr)
        }
    }
    let env = env();
    let len = 3 * 4096;
    let source = vm_allocate(len);
    unsafe { *(source as *mut u8) = 42 };
    let mut size = len;
    let mut entry = 0;
    let rw = VM_PROT_READ | VM_PROT_WRITE;
    let kr = unsafe { mach_make_memory_entry_64(me(), &mut size, source, rw, &mut entry, 0) };
    assert_eq!((kr, size), (KERN_SUCCESS, len));
    assert_eq!(vm_deallocate(source, len), KERN_SUCCESS);
    assert_eq!(ty(entry), Ok(MACH_PORT_TYPE_SEND));
    let a = map(entry, len, rw).unwrap();
    let b = map(entry, len, VM_PROT_READ).unwrap();
    assert_ne!(a, b);
    unsafe {
        assert_eq!(
            *(a as *const u8),
            42,
            "the entry starts with the region's bytes"
        );
        *((a + 5000) as *mut u8) = 7;
        assert_eq!(*((b + 5000) as *const u8), 7, "mappings share the object");
    }
    // The whole object's size, through a sub-entry of it.
    let (mut probe_size, mut probe) = (0, 0);
    let kr = unsafe {
        mach_make_memory_entry_64(me(), &mut probe_size, 0, VM_PROT_READ, &mut probe, entry)
    };
    assert_eq!((kr, probe_size), (KERN_SUCCESS, len));
    assert_eq!(dealloc(probe), KERN_SUCCESS);
    assert_eq!(map(entry, len + 4096, rw), Err(KERN_INVALID_ARGUMENT));
    let r = port();
    assert_eq!(map(r, len, rw), Err(KERN_INVALID_ARGUMENT));
    // Another task maps the same object.
    #[cfg(not(target_vendor = "apple"))]
    {
        let peer = Task::new();
        let theirs = move_right(env.task(), entry, MACH_MSG_TYPE_COPY_SEND, &peer).unwrap();
        peer.run(|| {
            let c = map(theirs, len, rw).unwrap();
            unsafe { *((c + 6000) as *mut u8) = 9 };
            assert_eq!(vm_deallocate(c, len), KERN_SUCCESS);
            assert_eq!(dealloc(theirs), KERN_SUCCESS);
        });
        assert_eq!(unsafe { *((b + 6000) as *const u8) }, 9);
    }
    // Mappings outlive the entry.
    assert_eq!(dealloc(entry), KERN_SUCCESS);
    assert_eq!(unsafe { *((a + 5000) as *const u8) }, 7);
    assert_eq!(vm_deallocate(a, len), KERN_SUCCESS);
    assert_eq!(vm_deallocate(b, len), KERN_SUCCESS);
    kill(r);
    env.finish();
}
