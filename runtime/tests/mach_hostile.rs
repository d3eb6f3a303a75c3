//! A hostile peer against the Mach backend, over the simulator: it builds
//! raw Mach messages with `mach_sys` and sends them to one of our ports.
//! Each bad message is refused with a typed error, and every right it
//! carried is released exactly once (checked with the simulator's leak
//! API: the task holds exactly what it held before).
#![cfg(feature = "mach-sim")]

use std::time::Duration;

use machproto_runtime::mach_sys::extra::{MACH_PORT_TYPE_DEAD_NAME, mach_port_type};
use machproto_runtime::mach_sys::kern_return::KERN_SUCCESS;
use machproto_runtime::mach_sys::mach_port::{
    mach_port_allocate, mach_port_insert_right, mach_port_mod_refs,
};
use machproto_runtime::mach_sys::message::{
    MACH_MSG_OOL_DESCRIPTOR, MACH_MSG_PORT_DESCRIPTOR, MACH_MSG_SUCCESS, MACH_MSG_TYPE_COPY_SEND,
    MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_MOVE_SEND,
    MACH_MSG_VIRTUAL_COPY, MACH_MSGH_BITS_COMPLEX, MACH_SEND_MSG, MACH_SEND_TIMEOUT, mach_msg,
    mach_msg_header_t,
};
use machproto_runtime::mach_sys::port::{
    MACH_PORT_DEAD, MACH_PORT_NULL, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_RIGHT_SEND, mach_port_name_t,
};
use machproto_runtime::mach_sys::traps::mach_task_self;
use machproto_runtime::platform::{self, Malformed, RecvError};
use machproto_runtime::{ReceiveRight, Right, SendRight};

const ID: u32 = 0x4d50_0001;

/// A raw message under construction, 4-byte words.
struct Raw {
    bytes: Vec<u8>,
}

impl Raw {
    fn new(destination: mach_port_name_t, complex: bool) -> Raw {
        let mut raw = Raw { bytes: Vec::new() };
        let bits = MACH_MSG_TYPE_COPY_SEND | if complex { MACH_MSGH_BITS_COMPLEX } else { 0 };
        for word in [bits, 0, destination, 0, 0, ID] {
            raw.u32(word);
        }
        raw
    }

    fn u32(&mut self, value: u32) -> &mut Raw {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    fn port(&mut self, name: mach_port_name_t, disposition: u32) -> &mut Raw {
        self.u32(name).u32(0);
        self.bytes
            .extend_from_slice(&[0, 0, disposition as u8, MACH_MSG_PORT_DESCRIPTOR as u8]);
        self
    }

    fn ool(&mut self, data: &[u8]) -> &mut Raw {
        self.bytes
            .extend_from_slice(&(data.as_ptr() as u64).to_le_bytes());
        self.bytes.extend_from_slice(&[
            0,
            MACH_MSG_VIRTUAL_COPY as u8,
            0,
            MACH_MSG_OOL_DESCRIPTOR as u8,
        ]);
        self.u32(data.len() as u32)
    }

    /// Our inline part: payload length, flags, declared rights, kind bytes,
    /// payload.
    fn inline(&mut self, payload_len: u32, flags: u32, kinds: &[u8], payload: &[u8]) -> &mut Raw {
        self.u32(payload_len).u32(flags).u32(kinds.len() as u32);
        self.bytes.extend_from_slice(kinds);
        self.bytes.extend_from_slice(payload);
        while self.bytes.len() % 4 != 0 {
            self.bytes.push(0);
        }
        self
    }

    fn send(&mut self) {
        let mut words: Vec<u32> = self
            .bytes
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let size = (words.len() * 4) as u32;
        words[1] = size;
        // SAFETY: a complete message of `size` bytes in an aligned buffer;
        // OOL addresses point at data that outlives the call.
        let result = unsafe {
            mach_msg(
                words.as_mut_ptr().cast::<mach_msg_header_t>(),
                MACH_SEND_MSG | MACH_SEND_TIMEOUT,
                size,
                0,
                MACH_PORT_NULL,
                0,
                MACH_PORT_NULL,
            )
        };
        assert_eq!(result, MACH_MSG_SUCCESS, "hostile send failed: {result:#x}");
    }
}

fn name_of(right: &SendRight) -> mach_port_name_t {
    // The backend names its ports; a hostile peer in the same task can find
    // the name by making a message to itself. Here the test asks the
    // simulator which name the send right has.
    machproto_runtime::mach_sim::debug_name(right)
}

/// A fresh port of ours plus a loose receive right (sent as a "wrong" right).
fn spare_receive() -> mach_port_name_t {
    let mut name = MACH_PORT_NULL;
    // SAFETY: plain kernel calls in this task.
    unsafe {
        assert_eq!(
            mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &mut name),
            KERN_SUCCESS
        );
        assert_eq!(
            mach_port_insert_right(mach_task_self(), name, name, MACH_MSG_TYPE_MAKE_SEND),
            KERN_SUCCESS
        );
        // Several user references: each hostile message moves one away, and
        // the refused message's destruction releases it.
        assert_eq!(
            mach_port_mod_refs(mach_task_self(), name, MACH_PORT_RIGHT_SEND, 8),
            KERN_SUCCESS
        );
    }
    name
}

fn expect(receive: &ReceiveRight, want: Malformed) {
    match receive.recv(Some(Duration::from_secs(5))) {
        Err(RecvError::Malformed(reason)) => assert_eq!(reason, want),
        other => panic!("expected {want:?}, got {other:?}"),
    }
}

#[test]
fn hostile_mach_messages_are_refused_and_release_everything() {
    machproto_runtime::mach_sim::Task::new().run(|| {
        let before = machproto_runtime::mach_sim::current_task_rights();
        let (receive, send) = platform::port().unwrap();
        let to_us = name_of(&send);

        // A send right declared as a receive right (wrong disposition).
        let loose = spare_receive();
        Raw::new(to_us, true)
            .u32(1)
            .port(loose, MACH_MSG_TYPE_MOVE_SEND)
            .inline(0, 0, &[2], &[])
            .send();
        expect(&receive, Malformed::WrongObject { index: 0 });

        // More descriptors than the inline part declares, then fewer.
        Raw::new(to_us, true)
            .u32(2)
            .port(loose, MACH_MSG_TYPE_MOVE_SEND)
            .port(loose, MACH_MSG_TYPE_MOVE_SEND)
            .inline(0, 0, &[0], &[])
            .send();
        expect(
            &receive,
            Malformed::DescriptorCount {
                declared: 1,
                received: 2,
            },
        );
        Raw::new(to_us, true)
            .u32(1)
            .port(loose, MACH_MSG_TYPE_MOVE_SEND)
            .inline(0, 0, &[0, 0, 0], &[])
            .send();
        expect(
            &receive,
            Malformed::DescriptorCount {
                declared: 3,
                received: 1,
            },
        );

        // A dead name declared as shared memory: no memory entry can die.
        Raw::new(to_us, true)
            .u32(1)
            .port(MACH_PORT_DEAD, MACH_MSG_TYPE_MOVE_SEND)
            .inline(0, 0, &[3], &[])
            .send();
        expect(&receive, Malformed::WrongObject { index: 0 });

        // A dead name declared as a send right is one whose port died in
        // transit: it arrives, and sending on it reports the peer gone.
        Raw::new(to_us, true)
            .u32(1)
            .port(MACH_PORT_DEAD, MACH_MSG_TYPE_MOVE_SEND)
            .inline(0, 0, &[0], &[])
            .send();
        let received = receive.recv(Some(Duration::from_secs(5))).unwrap();
        let Some(Right::Send(dead)) = received.message.rights.into_iter().next() else {
            panic!("a send right arrives");
        };
        assert!(matches!(
            dead.try_send(machproto_runtime::wire::Message {
                bytes: vec![1],
                rights: Vec::new(),
            }),
            Err(machproto_runtime::platform::TrySendError::PeerGone(_))
        ));
        assert!(dead.wait_writable(Some(Duration::ZERO)).unwrap());
        drop(dead);

        // An out-of-line region shorter than declared.
        let region = vec![7u8; 100];
        Raw::new(to_us, true)
            .u32(1)
            .ool(&region)
            .inline(5000, 1, &[], &[])
            .send();
        expect(&receive, Malformed::BadLength);

        // A moved receive right that is then refused: it must die, not leak.
        let doomed = spare_receive();
        Raw::new(to_us, true)
            .u32(1)
            .port(doomed, MACH_MSG_TYPE_MOVE_RECEIVE)
            .inline(0, 0, &[0], &[])
            .send();
        expect(&receive, Malformed::WrongObject { index: 0 });
        let mut kind = 0;
        // SAFETY: queries a name this task holds.
        unsafe { mach_port_type(mach_task_self(), doomed, &mut kind) };
        assert_eq!(
            kind & MACH_PORT_TYPE_DEAD_NAME,
            MACH_PORT_TYPE_DEAD_NAME,
            "its send right is now a dead name"
        );
        // SAFETY: destroys every right under the two names this test made
        // (the dead name left by the refused receive right, and the loose
        // port's receive right and remaining send references).
        unsafe {
            machproto_runtime::mach_sys::mach_port::mach_port_destroy(mach_task_self(), doomed);
            machproto_runtime::mach_sys::mach_port::mach_port_destroy(mach_task_self(), loose);
        }

        // The port still works, and nothing leaked.
        send.try_send(machproto_runtime::wire::Message {
            bytes: b"ok".to_vec(),
            rights: Vec::new(),
        })
        .unwrap();
        assert_eq!(
            receive
                .recv(Some(Duration::from_secs(5)))
                .unwrap()
                .message
                .bytes,
            b"ok"
        );
        drop((receive, send));
        assert_eq!(
            machproto_runtime::mach_sim::current_task_rights(),
            before,
            "no right leaked"
        );
    });
}
