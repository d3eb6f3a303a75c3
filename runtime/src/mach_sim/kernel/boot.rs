//! The simulated launchd: a name registry shared by every task (M67).

use std::collections::BTreeMap;

use super::object::{Carried, KRight, Kobj, PortId, TaskId};
use super::{State, current, with};
use crate::mach_sim::bootstrap::{
    BOOTSTRAP_NAME_IN_USE, BOOTSTRAP_SERVICE_ACTIVE, BOOTSTRAP_SUCCESS, BOOTSTRAP_UNKNOWN_SERVICE,
};
use crate::mach_sim::kern_return::kern_return_t;
use crate::mach_sim::message::{
    MACH_MSG_TYPE_COPY_SEND, MACH_SEND_INVALID_DEST, MACH_SEND_INVALID_RIGHT,
};
use crate::mach_sim::port::MACH_PORT_NULL;
use crate::mach_sys::extra::MACH_PORT_TYPE_SEND;

/// A registered service: the registry's send right, and its receive right
/// until someone checks in.
#[derive(Debug)]
struct Service {
    send: PortId,
    receive: Option<PortId>,
}

/// Name → service.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    services: BTreeMap<Vec<u8>, Service>,
}

impl State {
    /// The ports the registry holds send rights to.
    pub(crate) fn registry_ports(&self) -> Vec<PortId> {
        self.registry.services.values().map(|s| s.send).collect()
    }

    /// Checks that `bp` is `caller`'s send right to the bootstrap port.
    fn check_bootstrap(&self, caller: TaskId, bp: u32) -> Result<(), kern_return_t> {
        let entry = self
            .lookup(caller, bp)
            .map_err(|_| MACH_SEND_INVALID_DEST)?;
        let is_bootstrap = entry.bits & MACH_PORT_TYPE_SEND != 0
            && entry
                .port()
                .and_then(|p| self.port(p))
                .is_some_and(|p| p.kobj == Kobj::Bootstrap);
        if is_bootstrap {
            Ok(())
        } else {
            Err(MACH_SEND_INVALID_DEST)
        }
    }

    /// Forgets registrations whose port died.
    fn prune_registry(&mut self) {
        let dead: Vec<Vec<u8>> = self
            .registry
            .services
            .iter()
            .filter(|(_, s)| !self.is_active(s.send))
            .map(|(name, _)| name.clone())
            .collect();
        for name in dead {
            if let Some(service) = self.registry.services.remove(&name) {
                self.release_send(service.send);
            }
        }
    }
}

pub(crate) fn bootstrap_check_in(bp: u32, name: &[u8]) -> Result<u32, kern_return_t> {
    with(|s| {
        let caller = current();
        s.check_bootstrap(caller, bp)?;
        s.prune_registry();
        let port = match s.registry.services.get_mut(name) {
            Some(service) => service.receive.take().ok_or(BOOTSTRAP_SERVICE_ACTIVE)?,
            None => {
                // Dynamic check-in: a new service, checked in at once.
                let port = s.new_port(Kobj::None);
                if let Some(p) = s.port_mut(port) {
                    p.srights = 1;
                    p.mscount = 1;
                }
                s.registry.services.insert(
                    name.to_vec(),
                    Service {
                        send: port,
                        receive: None,
                    },
                );
                port
            }
        };
        s.copyout(caller, KRight::Receive(port))
    })
}

pub(crate) fn bootstrap_look_up(bp: u32, name: &[u8]) -> Result<u32, kern_return_t> {
    with(|s| {
        let caller = current();
        s.check_bootstrap(caller, bp)?;
        s.prune_registry();
        let port = s
            .registry
            .services
            .get(name)
            .map(|service| service.send)
            .ok_or(BOOTSTRAP_UNKNOWN_SERVICE)?;
        if let Some(p) = s.port_mut(port) {
            p.srights = p.srights.saturating_add(1);
        }
        s.copyout(caller, KRight::Send(port))
    })
}

pub(crate) fn bootstrap_register(bp: u32, name: &[u8], sp: u32) -> kern_return_t {
    with(|s| {
        let caller = current();
        if let Err(kr) = s.check_bootstrap(caller, bp) {
            return kr;
        }
        s.prune_registry();
        if sp == MACH_PORT_NULL {
            return match s.registry.services.remove(name) {
                Some(service) => {
                    s.release_send(service.send);
                    BOOTSTRAP_SUCCESS
                }
                None => BOOTSTRAP_UNKNOWN_SERVICE,
            };
        }
        if s.registry.services.contains_key(name) {
            return BOOTSTRAP_NAME_IN_USE;
        }
        match s.copyin(caller, sp, MACH_MSG_TYPE_COPY_SEND) {
            Ok(Carried::Right(KRight::Send(port))) => {
                s.registry.services.insert(
                    name.to_vec(),
                    Service {
                        send: port,
                        receive: None,
                    },
                );
                BOOTSTRAP_SUCCESS
            }
            _ => MACH_SEND_INVALID_RIGHT,
        }
    })
}
