//! Messages in kernel form: rights instead of names (MACH.md §2).

use super::State;
use super::object::{Carried, KRight, PortId};
use crate::mach_sim::message::{
    MACH_MSG_TYPE_PORT_RECEIVE, MACH_MSG_TYPE_PORT_SEND, MACH_MSG_TYPE_PORT_SEND_ONCE,
    MACH_MSGH_BITS_COMPLEX,
};

/// Size of `mach_msg_header_t`.
pub(crate) const HEADER_SIZE: u32 = 24;
/// Size of `mach_msg_body_t`.
pub(crate) const BODY_SIZE: u32 = 4;

/// Who sent a message, as its trailer reports it (MACH.md T10).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sender {
    pub(crate) security: [u32; 2],
    pub(crate) audit: [u32; 8],
}

impl Sender {
    /// Kernel-originated messages (notifications, bare headers).
    pub(crate) const KERNEL: Sender = Sender {
        security: [0, 1],
        audit: [0; 8],
    };
}

/// A descriptor in kernel form.
#[derive(Debug)]
pub(crate) enum KDesc {
    /// `disposition` is what the receiver will see.
    Port {
        right: Carried,
        disposition: u8,
    },
    /// Out-of-line memory, already copied (M51). `kind` is 1 or 3.
    Ool {
        data: Vec<u8>,
        copy: u8,
        kind: u8,
    },
    OolPorts {
        rights: Vec<Carried>,
        disposition: u8,
    },
    Guarded {
        right: Carried,
        flags: u16,
    },
}

impl KDesc {
    /// Bytes the descriptor takes in a 64-bit task's message.
    pub(crate) fn wire_size(&self) -> u32 {
        match self {
            KDesc::Port { .. } => 12,
            _ => 16,
        }
    }

    /// Every right slot of the descriptor.
    pub(crate) fn slots(&self) -> Vec<Carried> {
        match self {
            KDesc::Port { right, .. } | KDesc::Guarded { right, .. } => vec![*right],
            KDesc::OolPorts { rights, .. } => rights.clone(),
            KDesc::Ool { .. } => Vec::new(),
        }
    }
}

/// The disposition a receiver sees for a carried right.
pub(crate) fn received_disposition(right: KRight) -> u8 {
    (match right {
        KRight::Send(_) => MACH_MSG_TYPE_PORT_SEND,
        KRight::SendOnce(_) => MACH_MSG_TYPE_PORT_SEND_ONCE,
        KRight::Receive(_) => MACH_MSG_TYPE_PORT_RECEIVE,
    }) as u8
}

/// A message owned by the kernel (queued, in flight or being built).
#[derive(Debug)]
pub(crate) struct KMsg {
    /// `msgh_bits` other than the port dispositions.
    pub(crate) bits: u32,
    /// The destination right (send or send-once).
    pub(crate) dest: KRight,
    pub(crate) reply: Carried,
    /// The reply's type as copied in (17, 18, or 0 without a reply); kept
    /// for replies that travel as `MACH_PORT_DEAD`.
    pub(crate) reply_type: u32,
    /// `msgh_voucher_port`, passed through when no voucher is sent (M48).
    pub(crate) voucher: u32,
    pub(crate) id: i32,
    pub(crate) descs: Vec<KDesc>,
    /// Inline bytes after the descriptors (or after the header).
    pub(crate) data: Vec<u8>,
    pub(crate) sender: Sender,
    pub(crate) seqno: u32,
}

impl KMsg {
    /// A kernel message with no body.
    pub(crate) fn kernel(dest: KRight, id: i32, data: Vec<u8>) -> KMsg {
        KMsg {
            bits: 0,
            dest,
            reply: Carried::Null,
            reply_type: 0,
            voucher: 0,
            id,
            descs: Vec::new(),
            data,
            sender: Sender::KERNEL,
            seqno: 0,
        }
    }

    pub(crate) fn complex(&self) -> bool {
        self.bits & MACH_MSGH_BITS_COMPLEX != 0
    }

    /// `msgh_size` as the receiver sees it (no trailer).
    pub(crate) fn size(&self) -> u32 {
        let body = if self.complex() {
            BODY_SIZE + self.descs.iter().map(KDesc::wire_size).sum::<u32>()
        } else {
            0
        };
        HEADER_SIZE + body + self.data.len() as u32
    }

    /// Receive rights the message carries.
    pub(crate) fn receive_rights(&self) -> Vec<PortId> {
        self.descs
            .iter()
            .flat_map(KDesc::slots)
            .filter_map(|c| match c {
                Carried::Right(KRight::Receive(p)) => Some(p),
                _ => None,
            })
            .collect()
    }
}

impl State {
    /// Destroys a message, releasing each right it holds exactly once
    /// (M44). Out-of-line memory is freed with it.
    pub(crate) fn destroy_kmsg(&mut self, msg: KMsg) {
        let KMsg {
            dest, reply, descs, ..
        } = msg;
        self.release(dest);
        self.release_carried(reply);
        self.destroy_descs(descs);
    }

    /// Releases the rights of descriptors.
    pub(crate) fn destroy_descs(&mut self, descs: Vec<KDesc>) {
        for desc in descs {
            for slot in desc.slots() {
                self.release_carried(slot);
            }
        }
    }

    /// Whether delivering `msg` would make a receive right contain itself
    /// (M41): it carries the destination's receive right, directly or
    /// inside messages queued on a port whose receive right it carries.
    pub(crate) fn is_circular(&self, msg: &KMsg) -> bool {
        let dest = msg.dest.port();
        msg.receive_rights()
            .into_iter()
            .any(|r| r == dest || self.queue_holds_receive(r, dest, 0))
    }

    fn queue_holds_receive(&self, port: PortId, target: PortId, depth: u32) -> bool {
        if depth > 64 {
            return true;
        }
        let Some(p) = self.port(port) else {
            return false;
        };
        p.queue.iter().any(|m| {
            m.receive_rights()
                .into_iter()
                .any(|r| r == target || self.queue_holds_receive(r, target, depth + 1))
        })
    }
}
