//! Destroying receive rights and port sets (MACH.md M20, M28, M7).

use super::State;
use super::object::{PortId, Receiver, SetId};
use super::rights::add_urefs;
use super::space::Obj;
use crate::mach_sys::extra::{
    MACH_PORT_TYPE_DEAD_NAME, MACH_PORT_TYPE_SEND, MACH_PORT_TYPE_SEND_ONCE,
};

impl State {
    /// Destroys a receive right that is in no space (M20): with a
    /// port-destroyed request the right goes to its registrant (M20a),
    /// otherwise the port dies (M20b).
    pub(crate) fn destroy_receive(&mut self, port: PortId) {
        let Some(p) = self.port_mut(port) else {
            return;
        };
        if !p.active {
            return;
        }
        if let Some(notify) = p.pd_request.take() {
            self.detach_receiver(port);
            self.notify_port_destroyed(notify, port);
            return;
        }
        self.kill_port(port);
    }

    /// The port dies: its queue is destroyed, an armed no-senders request
    /// becomes a send-once notification, and every send and send-once right
    /// anywhere turns into a dead name, firing dead-name requests.
    ///
    /// Conversion is eager (see docs/mach-sim.md): XNU converts each name
    /// the next time it is looked at, which no call can tell apart except
    /// for a send-once destination (M7, E21).
    pub(crate) fn kill_port(&mut self, port: PortId) {
        self.detach_receiver(port);
        let (queue, ns_request) = match self.port_mut(port) {
            Some(p) => {
                p.active = false;
                p.receiver = Receiver::Transit;
                (std::mem::take(&mut p.queue), p.ns_request.take())
            }
            None => return,
        };
        for msg in queue {
            self.destroy_kmsg(msg);
        }
        if let Some(notify) = ns_request {
            self.release_send_once(notify);
        }
        self.convert_dead(port);
        self.gc(port);
    }

    /// Turns every name for `port` (dead now) into a dead name (M7).
    fn convert_dead(&mut self, port: PortId) {
        let requests = self
            .port_mut(port)
            .map(|p| std::mem::take(&mut p.requests))
            .unwrap_or_default();
        let mut matched = vec![false; requests.len()];
        let mut dropped_send = 0;
        let mut dropped_once = 0;
        for (&task, state) in &mut self.tasks {
            let space = &mut state.space;
            let names: Vec<u32> = space
                .iter()
                .filter(|(_, e)| {
                    e.obj == Obj::Port(port)
                        && e.bits & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_SEND_ONCE) != 0
                })
                .map(|(n, _)| n)
                .collect();
            for name in names {
                let Some(entry) = space.get_mut(name) else {
                    continue;
                };
                let mut urefs = if entry.bits & MACH_PORT_TYPE_SEND != 0 {
                    dropped_send += 1;
                    entry.urefs.max(1)
                } else {
                    dropped_once += 1;
                    1
                };
                if let Some(i) = requests
                    .iter()
                    .position(|r| r.task == task && r.name == name)
                {
                    urefs = add_urefs(urefs, 1);
                    matched[i] = true;
                }
                entry.bits = MACH_PORT_TYPE_DEAD_NAME;
                entry.urefs = urefs;
                entry.obj = Obj::None;
                if space.reverse.get(&port) == Some(&name) {
                    space.reverse.remove(&port);
                }
            }
        }
        if let Some(p) = self.port_mut(port) {
            p.srights = p.srights.saturating_sub(dropped_send);
            p.sorights = p.sorights.saturating_sub(dropped_once);
        }
        for (request, matched) in requests.iter().zip(matched) {
            if matched {
                self.notify_dead_name(request.notify, request.name);
            } else {
                // A request whose name no longer holds the port (cannot
                // normally happen): its send-once right is destroyed.
                self.release_send_once(request.notify);
            }
        }
    }

    /// Destroys a port set (M28): members survive and leave it; receivers
    /// blocked on it see `MACH_RCV_PORT_CHANGED`.
    pub(crate) fn destroy_set(&mut self, set: SetId) {
        let Some(s) = self.sets.remove(&set) else {
            return;
        };
        for member in s.members {
            if let Some(p) = self.port_mut(member) {
                p.sets.retain(|&x| x != set);
            }
        }
    }
}
