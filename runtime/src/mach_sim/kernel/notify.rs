//! Kernel notifications (MACH.md §6, T11): messages the kernel sends
//! through a send-once right.

use super::State;
use super::kmsg::{KDesc, KMsg};
use super::object::{Carried, KRight, PortId};
use crate::mach_sim::message::{MACH_MSG_TYPE_PORT_RECEIVE, MACH_MSGH_BITS_COMPLEX};
use crate::mach_sim::ndr::NDR_record_t;
use crate::mach_sim::notify::{
    MACH_NOTIFY_DEAD_NAME, MACH_NOTIFY_NO_SENDERS, MACH_NOTIFY_PORT_DELETED,
    MACH_NOTIFY_PORT_DESTROYED, MACH_NOTIFY_SEND_ONCE, MACH_NOTIFY_SEND_POSSIBLE,
};
use crate::mach_sim::port::MACH_PORT_QLIMIT_KERNEL;

/// The body of a notification that carries a number: NDR record + value.
fn ndr_body(value: u32) -> Vec<u8> {
    let mut data = NDR_record_t::NATIVE.bytes().to_vec();
    data.extend_from_slice(&value.to_le_bytes());
    data
}

impl State {
    /// Queues a message sent through a send-once right, ignoring the queue
    /// limit (M41, M55). A dead destination, a queue at the hard cap or a
    /// circular message destroys it instead.
    pub(crate) fn post_once(&mut self, msg: KMsg) {
        let dest = msg.dest.port();
        let room = self
            .port(dest)
            .is_some_and(|p| p.active && (p.queue.len() as u32) < MACH_PORT_QLIMIT_KERNEL);
        if !room || self.is_circular(&msg) {
            self.destroy_kmsg(msg);
            return;
        }
        if let Some(p) = self.port_mut(dest) {
            p.queue.push_back(msg);
        }
    }

    /// Destroys an unused send-once right for `port`: the port gets
    /// `MACH_NOTIFY_SEND_ONCE` (M60), unless it is dead or full.
    pub(crate) fn release_send_once(&mut self, port: PortId) {
        let Some(p) = self.port_mut(port) else {
            return;
        };
        if p.active && (p.queue.len() as u32) < MACH_PORT_QLIMIT_KERNEL {
            let msg = KMsg::kernel(KRight::SendOnce(port), MACH_NOTIFY_SEND_ONCE, Vec::new());
            p.queue.push_back(msg);
        } else {
            p.sorights = p.sorights.saturating_sub(1);
            self.gc(port);
        }
    }

    /// Sends a notification that carries a name (port-deleted, dead-name,
    /// send-possible) through the send-once right `notify`.
    fn notify_name(&mut self, notify: PortId, id: i32, name: u32) {
        let msg = KMsg::kernel(KRight::SendOnce(notify), id, ndr_body(name));
        self.post_once(msg);
    }

    pub(crate) fn notify_port_deleted(&mut self, notify: PortId, name: u32) {
        self.notify_name(notify, MACH_NOTIFY_PORT_DELETED, name);
    }

    pub(crate) fn notify_dead_name(&mut self, notify: PortId, name: u32) {
        self.notify_name(notify, MACH_NOTIFY_DEAD_NAME, name);
    }

    pub(crate) fn notify_send_possible(&mut self, notify: PortId, name: u32) {
        self.notify_name(notify, MACH_NOTIFY_SEND_POSSIBLE, name);
    }

    pub(crate) fn notify_no_senders(&mut self, notify: PortId, mscount: u32) {
        let msg = KMsg::kernel(
            KRight::SendOnce(notify),
            MACH_NOTIFY_NO_SENDERS,
            ndr_body(mscount),
        );
        self.post_once(msg);
    }

    /// `MACH_NOTIFY_PORT_DESTROYED` carrying the receive right of `port`.
    pub(crate) fn notify_port_destroyed(&mut self, notify: PortId, port: PortId) {
        let mut msg = KMsg::kernel(
            KRight::SendOnce(notify),
            MACH_NOTIFY_PORT_DESTROYED,
            Vec::new(),
        );
        msg.bits = MACH_MSGH_BITS_COMPLEX;
        msg.descs.push(KDesc::Port {
            right: Carried::Right(KRight::Receive(port)),
            disposition: MACH_MSG_TYPE_PORT_RECEIVE as u8,
        });
        self.post_once(msg);
    }

    /// Fires every armed send-possible request of `port` (on each receive
    /// from it, as XNU does).
    pub(crate) fn fire_send_possible(&mut self, port: PortId) {
        let Some(p) = self.port_mut(port) else {
            return;
        };
        if !p.requests.iter().any(|r| r.send_possible == Some(true)) {
            return;
        }
        let (armed, rest): (Vec<_>, Vec<_>) = p
            .requests
            .drain(..)
            .partition(|r| r.send_possible == Some(true));
        p.requests = rest;
        for request in armed {
            self.notify_send_possible(request.notify, request.name);
        }
    }
}
