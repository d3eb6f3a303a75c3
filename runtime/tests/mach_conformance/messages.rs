//! `mach_msg` (M32–M53).

use crate::harness::*;
use machproto_runtime::mach_sys::extra::*;
use machproto_runtime::mach_sys::kern_return::*;
use machproto_runtime::mach_sys::mach_port::mach_port_set_attributes;
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::port::*;

fn set_qlimit(r: u32, qlimit: u32) -> i32 {
    let mut limits = mach_port_limits_t { mpl_qlimit: qlimit };
    unsafe {
        mach_port_set_attributes(
            me(),
            r,
            MACH_PORT_LIMITS_INFO,
            (&raw mut limits).cast(),
            MACH_PORT_LIMITS_INFO_COUNT,
        )
    }
}

#[test]
fn e12_send_once_notification() {
    let env = env();
    let r = port();
    let so = send_once(r);
    assert_eq!(dealloc(so), KERN_SUCCESS);
    let buf = recv_ok(r);
    assert_eq!(buf.id(), 71);
    assert_eq!(buf.size(), 24);
    assert_eq!(buf.bits() & USER_BITS, 0x1200);
    assert_eq!(buf.local(), r);
    assert_eq!(buf.remote(), MACH_PORT_NULL);
    kill(r);
    env.finish();
}

#[test]
fn e13_queue_limit_and_send_once_bypass() {
    let env = env();
    let r = port();
    for _ in 0..5 {
        assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    }
    assert_eq!(
        Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(),
        MACH_SEND_TIMED_OUT
    );
    // The failed send's destination came back as a send right (M42).
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(1));
    assert_eq!(dealloc(r), KERN_SUCCESS);
    let so = send_once(r);
    assert_eq!(
        Msg::to(so, MACH_MSG_TYPE_MOVE_SEND_ONCE).send(),
        MACH_MSG_SUCCESS
    );
    assert_eq!(status(r).mps_msgcount, 6);
    assert_eq!(drain(r).len(), 6);
    assert_eq!(set_qlimit(r, 0), KERN_SUCCESS);
    assert_eq!(status(r).mps_qlimit, 0);
    assert_eq!(
        Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(),
        MACH_SEND_TIMED_OUT
    );
    assert_eq!(dealloc(r), KERN_SUCCESS);
    assert_eq!(set_qlimit(r, 1025), KERN_INVALID_VALUE);
    kill(r);
    env.finish();
}

#[test]
fn e14_pseudo_receive_returns_copies() {
    let env = env();
    let r = port();
    let q = port();
    assert_eq!(set_qlimit(r, 1), KERN_SUCCESS);
    make_send(r);
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_COPY_SEND).send(), MACH_MSG_SUCCESS);
    let msg = Msg::to(r, MACH_MSG_TYPE_COPY_SEND).reply(q, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    let (kr, buf) = msg.send_with(MACH_SEND_MSG | MACH_SEND_TIMEOUT, 0);
    assert_eq!(kr, MACH_SEND_TIMED_OUT);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(2));
    assert_eq!(buf.remote(), r);
    assert_eq!(buf.bits() & 0x1F, MACH_MSG_TYPE_PORT_SEND);
    assert_eq!((buf.bits() >> 8) & 0x1F, MACH_MSG_TYPE_PORT_SEND_ONCE);
    let so = buf.local();
    assert_ne!(so, q);
    assert_eq!(ty(so), Ok(MACH_PORT_TYPE_SEND_ONCE));
    assert_eq!(dealloc(so), KERN_SUCCESS);
    assert_eq!(notification(q).id(), 71);
    assert_eq!(mod_refs(r, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
    kill(r);
    kill(q);
    env.finish();
}

#[test]
fn e16_too_large_without_rcv_large_drops_the_message() {
    let env = env();
    let r = port();
    let q = port();
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND)
        .reply(q, MACH_MSG_TYPE_MAKE_SEND_ONCE)
        .id(7)
        .data(&[0x55; 40]);
    assert_eq!(msg.bytes().len(), 64);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let (kr, buf) = recv(r, 32);
    assert_eq!(kr, MACH_RCV_TOO_LARGE);
    assert_eq!(buf.size(), 24);
    assert_eq!(buf.local(), r);
    assert_eq!(buf.remote(), MACH_PORT_NULL);
    assert_eq!(buf.id(), 7);
    assert!(empty(r));
    assert_eq!(notification(q).id(), 71);
    assert_eq!(status(r).mps_srights, 0);
    kill(r);
    kill(q);
    env.finish();
}

#[test]
fn e17_rcv_large_leaves_the_message_queued() {
    let env = env();
    let r = port();
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).data(&[1; 40]);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let mut buf = Buf::filled(40, 0xAA);
    let kr = unsafe {
        mach_msg(
            buf.ptr(),
            MACH_RCV_MSG | MACH_RCV_LARGE | MACH_RCV_TIMEOUT,
            0,
            40,
            r,
            0,
            0,
        )
    };
    assert_eq!(kr, MACH_RCV_TOO_LARGE);
    assert_eq!(buf.size(), 64);
    for (i, byte) in buf.bytes().iter().enumerate() {
        if !(4..8).contains(&i) {
            assert_eq!(*byte, 0xAA, "byte {i} was written");
        }
    }
    let option = MACH_RCV_TIMEOUT | MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_SEQNO);
    let (kr, buf) = recv_with(r, 64 + 68, option, 0);
    assert_eq!(kr, MACH_MSG_SUCCESS);
    assert_eq!(
        buf.u32_at(64 + 8),
        0,
        "the first received message has seqno 0"
    );
    // With a set and MACH_RCV_LARGE_IDENTITY the member's name is reported.
    let s = alloc(MACH_PORT_RIGHT_PORT_SET);
    assert_eq!(unsafe { mach_port_move_member(me(), r, s) }, KERN_SUCCESS);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let option = MACH_RCV_LARGE | MACH_RCV_LARGE_IDENTITY | MACH_RCV_TIMEOUT;
    let (kr, buf) = recv_with(s, 24, option, 0);
    assert_eq!(kr, MACH_RCV_TOO_LARGE);
    assert_eq!(buf.local(), r);
    assert_eq!(drain(s).len(), 1);
    assert_eq!(dealloc(s), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e18_the_trailer_needs_room() {
    let env = env();
    let r = port();
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    assert_eq!(
        recv_with(r, 24, MACH_RCV_TIMEOUT | MACH_RCV_LARGE, 0).0,
        MACH_RCV_TOO_LARGE
    );
    let (kr, buf) = recv(r, 32);
    assert_eq!(kr, MACH_MSG_SUCCESS);
    assert_eq!((buf.u32_at(24), buf.u32_at(28)), (0, 8));
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let audit = MACH_RCV_TIMEOUT | MACH_RCV_LARGE | MACH_RCV_TRAILER_ELEMENTS(3);
    assert_eq!(recv_with(r, 24 + 51, audit, 0).0, MACH_RCV_TOO_LARGE);
    let (kr, buf) = recv_with(r, 24 + 52, audit, 0);
    assert_eq!(kr, MACH_MSG_SUCCESS);
    assert_eq!(buf.u32_at(28), 52);
    let token = buf.u32_at(24 + 20 + 5 * 4);
    assert_ne!(token, 0, "the audit trailer carries the sender's pid");
    kill(r);
    env.finish();
}

#[test]
fn e19_received_header_is_swapped() {
    let env = env();
    let r = port();
    let q = port();
    make_send(r);
    let msg = Msg::to(r, MACH_MSG_TYPE_COPY_SEND)
        .reply(q, MACH_MSG_TYPE_MAKE_SEND_ONCE)
        .id(1234)
        .data(&[9; 12]);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let buf = recv_ok(r);
    assert_eq!(buf.bits() & 0x1F1F1F, 0x1112);
    assert_eq!(buf.local(), r);
    assert_ne!(buf.remote(), q);
    assert_eq!(ty(buf.remote()), Ok(MACH_PORT_TYPE_SEND_ONCE));
    assert_eq!(buf.id(), 1234);
    assert_eq!(buf.size() as usize, msg.bytes().len());
    assert_eq!(dealloc(buf.remote()), KERN_SUCCESS);
    assert_eq!(notification(q).id(), 71);
    assert_eq!(dealloc(r), KERN_SUCCESS);
    kill(r);
    kill(q);
    env.finish();
}

#[test]
fn e20_voucher_field_passes_through() {
    let env = env();
    let r = port();
    let mut msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND);
    msg.voucher = 0x1234_5678;
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    assert_eq!(recv_ok(r).voucher(), 0x1234_5678);
    kill(r);
    env.finish();
}

#[test]
fn e22_size_and_header_rules() {
    let env = env();
    let r = port();
    let bytes = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).data(&[0; 4]).bytes();
    let mut buf = Buf::from_bytes(&bytes);
    let option = MACH_SEND_MSG | MACH_SEND_TIMEOUT;
    assert_eq!(
        unsafe { mach_msg(buf.ptr(), option, 26, 0, 0, 0, 0) },
        MACH_SEND_MSG_TOO_SMALL
    );
    buf.set_u32(4, 1000);
    assert_eq!(
        unsafe { mach_msg(buf.ptr(), option, 24, 0, 0, 0, 0) },
        MACH_MSG_SUCCESS
    );
    assert_eq!(recv_ok(r).size(), 24);
    let mut odd = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND);
    odd.bits = 0x4000_0014;
    assert_eq!(odd.send(), MACH_MSG_SUCCESS);
    assert_eq!(recv_ok(r).bits() & 0x4000_0000, 0);
    assert_eq!(
        Msg::to(r, MACH_MSG_TYPE_MOVE_RECEIVE).send(),
        MACH_SEND_INVALID_HEADER
    );
    assert_eq!(
        Msg::to(MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND).send(),
        MACH_SEND_INVALID_DEST
    );
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    kill(r);
    env.finish();
}

#[test]
fn e31_sequence_numbers() {
    let env = env();
    let r = port();
    let carrier = port();
    let option = MACH_RCV_TIMEOUT | MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_SEQNO);
    for seqno in 0..3 {
        assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
        let (kr, buf) = recv_with(r, 64, option, 0);
        assert_eq!(kr, MACH_MSG_SUCCESS);
        assert_eq!(buf.u32_at(24 + 8), seqno);
    }
    assert_eq!(status(r).mps_mscount, 3);
    let moved = Msg::to(carrier, MACH_MSG_TYPE_MAKE_SEND).port(r, MACH_MSG_TYPE_MOVE_RECEIVE);
    assert_eq!(moved.send(), MACH_MSG_SUCCESS);
    assert_eq!(ty(r), Err(KERN_INVALID_NAME));
    let back = recv_ok(carrier).u32_at(28);
    assert_eq!(ty(back), Ok(MACH_PORT_TYPE_RECEIVE));
    let s = status(back);
    assert_eq!((s.mps_seqno, s.mps_mscount), (0, 0));
    kill(back);
    kill(carrier);
    env.finish();
}

#[test]
fn e33_descriptors_use_the_packed_c_layout() {
    #[repr(C)]
    struct Unpacked {
        base: mach_msg_base_t,
        ool: mach_msg_ool_descriptor_t,
    }
    assert_eq!(std::mem::size_of::<mach_msg_ool_descriptor_t>(), 16);
    assert_eq!(std::mem::size_of::<mach_msg_port_descriptor_t>(), 12);
    assert_eq!(std::mem::size_of::<mach_msg_header_t>(), 24);
    assert_eq!(
        std::mem::offset_of!(Unpacked, ool),
        32,
        "mach2 layout: not packed"
    );
    let env = env();
    let r = port();
    let data: Vec<u8> = (0..100u8).collect();
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).ool(
        data.as_ptr() as u64,
        data.len() as u32,
        false,
        MACH_MSG_VIRTUAL_COPY,
    );
    assert_eq!(
        msg.bytes().len(),
        28 + 16,
        "the OOL descriptor starts at byte 28"
    );
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let buf = recv_ok(r);
    assert_eq!(buf.u32_at(24), 1);
    let (addr, size) = (buf.u64_at(28), buf.u32_at(40));
    assert_eq!(size, 100);
    assert_eq!(buf.u8_at(39), MACH_MSG_OOL_DESCRIPTOR as u8);
    let received = unsafe { std::slice::from_raw_parts(addr as *const u8, 100) };
    assert_eq!(received, &data[..]);
    assert_eq!(
        unsafe { machproto_runtime::mach_sys::vm::mach_vm_deallocate(me(), addr, 100) },
        KERN_SUCCESS
    );
    kill(r);
    env.finish();
}

#[test]
fn e37_wrong_objects() {
    let env = env();
    let r = port();
    let s = alloc(MACH_PORT_RIGHT_PORT_SET);
    let so = send_once(r);
    assert_eq!(
        Msg::to(s, MACH_MSG_TYPE_COPY_SEND).send(),
        MACH_SEND_INVALID_DEST
    );
    assert_eq!(recv(so, 64).0, MACH_RCV_INVALID_NAME);
    assert_eq!(recv(MACH_PORT_NULL, 64).0, MACH_RCV_INVALID_NAME);
    assert_eq!(recv(MACH_PORT_DEAD, 64).0, MACH_RCV_INVALID_NAME);
    assert_eq!(
        Msg::to(me(), MACH_MSG_TYPE_COPY_SEND).send(),
        MACH_SEND_INVALID_OPTIONS
    );
    assert_eq!(dealloc(so), KERN_SUCCESS);
    assert_eq!(drain(r), vec![71]);
    assert_eq!(dealloc(s), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e38_same_right_as_destination_and_reply() {
    let env = env();
    let r = port();
    make_send(r);
    let msg = Msg::to(r, MACH_MSG_TYPE_MOVE_SEND).reply(r, MACH_MSG_TYPE_COPY_SEND);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    let buf = recv_ok(r);
    assert_eq!(buf.remote(), r);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(1));
    let both = Msg::to(r, MACH_MSG_TYPE_MOVE_SEND).reply(r, MACH_MSG_TYPE_MOVE_SEND);
    assert_eq!(both.send(), MACH_SEND_INVALID_DEST);
    assert_eq!(refs(r, MACH_PORT_RIGHT_SEND), Ok(1));
    make_send(r);
    assert_eq!(both.send(), MACH_MSG_SUCCESS);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    assert_eq!(recv_ok(r).remote(), r);
    assert_eq!(dealloc(r), KERN_SUCCESS);
    kill(r);
    env.finish();
}

#[test]
fn e39_received_bits_are_compared_masked() {
    let env = env();
    let r = port();
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    let bits = recv_ok(r).bits();
    assert_eq!(bits & USER_BITS, 0x1100);
    assert_eq!(bits & !0xB01F_1F1F, 0, "no bit outside MACH_MSGH_BITS_USED");
    kill(r);
    env.finish();
}

#[test]
fn e42_mach_msg_destroy_releases_the_reply() {
    let env = env();
    let r = port();
    let q = port();
    let msg = Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).reply(q, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    assert_eq!(msg.send(), MACH_MSG_SUCCESS);
    let mut buf = recv_ok(r);
    unsafe { mach_msg_destroy(buf.ptr()) };
    assert_eq!(notification(q).id(), 71);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    kill(r);
    kill(q);
    env.finish();
}

#[test]
fn e48_the_destination_right_is_consumed() {
    let env = env();
    let r = port();
    let n = port();
    assert_eq!(request(r, 70, 1, n), (KERN_SUCCESS, MACH_PORT_NULL));
    assert_eq!(Msg::to(r, MACH_MSG_TYPE_MAKE_SEND).send(), MACH_MSG_SUCCESS);
    assert_eq!(
        status(r).mps_srights,
        1,
        "the queued message holds a send right"
    );
    assert!(empty(n));
    recv_ok(r);
    assert_eq!(ty(r), Ok(MACH_PORT_TYPE_RECEIVE));
    assert_eq!(status(r).mps_srights, 0);
    let buf = notification(n);
    assert_eq!((buf.id(), buf.body_u32(8)), (70, 1));
    kill(r);
    kill(n);
    env.finish();
}
