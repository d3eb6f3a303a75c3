//! A consistency check of the whole kernel, for tests: every right is
//! counted where it is (MACH.md §2: rights are linear).

use std::collections::HashMap;

use super::kmsg::KMsg;
use super::object::{Carried, KRight, PortId, Receiver};
use super::{State, with};
use crate::mach_sys::extra::{MACH_PORT_TYPE_SEND, MACH_PORT_TYPE_SEND_ONCE};

#[derive(Default)]
struct Counts {
    send: HashMap<PortId, u32>,
    once: HashMap<PortId, u32>,
    receive: HashMap<PortId, u32>,
}

impl Counts {
    fn right(&mut self, right: KRight) {
        match right {
            KRight::Send(p) => *self.send.entry(p).or_default() += 1,
            KRight::SendOnce(p) => *self.once.entry(p).or_default() += 1,
            KRight::Receive(p) => *self.receive.entry(p).or_default() += 1,
        }
    }

    fn message(&mut self, msg: &KMsg) {
        self.right(msg.dest);
        let slots = msg.descs.iter().flat_map(|d| d.slots());
        for slot in std::iter::once(msg.reply).chain(slots) {
            if let Carried::Right(right) = slot {
                self.right(right);
            }
        }
    }
}

impl State {
    fn audit_counts(&self) -> Result<(), String> {
        let mut counts = Counts::default();
        for (task, state) in &self.tasks {
            for (name, entry) in state.space.iter() {
                let Some(port) = entry.port() else { continue };
                if !self.ports.contains_key(&port) {
                    return Err(format!("{task:?} {name:#x} names a forgotten port"));
                }
                if entry.bits & MACH_PORT_TYPE_SEND != 0 {
                    *counts.send.entry(port).or_default() += 1;
                }
                if entry.bits & MACH_PORT_TYPE_SEND_ONCE != 0 {
                    *counts.once.entry(port).or_default() += 1;
                }
            }
            for &port in state.special.values() {
                *counts.send.entry(port).or_default() += 1;
            }
        }
        for port in self.ports.values() {
            port.queue.iter().for_each(|m| counts.message(m));
            let notifies = port.requests.iter().map(|r| r.notify);
            for notify in port
                .ns_request
                .iter()
                .chain(&port.pd_request)
                .copied()
                .chain(notifies)
            {
                *counts.once.entry(notify).or_default() += 1;
            }
        }
        self.in_flight.values().for_each(|m| counts.message(m));
        for port in self.registry_ports() {
            *counts.send.entry(port).or_default() += 1;
        }
        for (id, port) in &self.ports {
            let send = counts.send.get(id).copied().unwrap_or(0);
            let once = counts.once.get(id).copied().unwrap_or(0);
            if (send, once) != (port.srights, port.sorights) {
                return Err(format!(
                    "{id:?}: srights {} sorights {}, but {send} send and {once} send-once rights exist",
                    port.srights, port.sorights
                ));
            }
            let carried = counts.receive.get(id).copied().unwrap_or(0);
            let expected = u32::from(port.active && port.receiver == Receiver::Transit);
            if carried != expected {
                return Err(format!(
                    "{id:?}: {carried} receive rights in messages, {expected} expected"
                ));
            }
            if !port.active && send == 0 && once == 0 && port.queue.is_empty() {
                return Err(format!("{id:?} is dead and unused but not forgotten"));
            }
        }
        Ok(())
    }
}

/// Checks that every port's send and send-once counts match the rights
/// that exist (in spaces, messages, registrations, the bootstrap registry
/// and special-port slots).
pub(crate) fn audit() -> Result<(), String> {
    with(|s| s.audit_counts())
}
