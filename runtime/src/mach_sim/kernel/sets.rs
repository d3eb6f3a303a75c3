//! Port-set membership (MACH.md M25–M30).

use super::object::{PortId, SetId, TaskId};
use super::{State, with};
use crate::mach_sim::kern_return::{
    KERN_ALREADY_IN_SET, KERN_INVALID_RIGHT, KERN_NOT_IN_SET, KERN_SUCCESS, kern_return_t,
};
use crate::mach_sim::port::{MACH_PORT_DEAD, MACH_PORT_NULL};
use crate::mach_sys::extra::MACH_PORT_TYPE_RECEIVE;

fn is_valid(name: u32) -> bool {
    name != MACH_PORT_NULL && name != MACH_PORT_DEAD
}

impl State {
    fn member_port(&self, task: TaskId, name: u32) -> Result<PortId, kern_return_t> {
        let entry = self.lookup(task, name)?;
        entry
            .port()
            .filter(|_| entry.bits & MACH_PORT_TYPE_RECEIVE != 0)
            .ok_or(KERN_INVALID_RIGHT)
    }

    fn set_of(&self, task: TaskId, name: u32) -> Result<SetId, kern_return_t> {
        self.lookup(task, name)?.set().ok_or(KERN_INVALID_RIGHT)
    }

    fn link(&mut self, port: PortId, set: SetId) {
        if let Some(s) = self.sets.get_mut(&set) {
            s.members.push(port);
        }
        if let Some(p) = self.port_mut(port) {
            p.sets.push(set);
        }
    }

    fn unlink(&mut self, port: PortId, set: SetId) {
        if let Some(s) = self.sets.get_mut(&set) {
            s.members.retain(|&m| m != port);
        }
        if let Some(p) = self.port_mut(port) {
            p.sets.retain(|&x| x != set);
        }
    }

    fn move_member(&mut self, task: TaskId, member: u32, after: u32) -> kern_return_t {
        if !is_valid(member) || after == MACH_PORT_DEAD {
            return KERN_INVALID_RIGHT;
        }
        let port = match self.member_port(task, member) {
            Ok(p) => p,
            Err(kr) => return kr,
        };
        let target = if after == MACH_PORT_NULL {
            None
        } else {
            match self.set_of(task, after) {
                Ok(s) => Some(s),
                Err(kr) => return kr,
            }
        };
        let current: Vec<SetId> = self.port(port).map(|p| p.sets.clone()).unwrap_or_default();
        if target.is_none() && current.is_empty() {
            return KERN_NOT_IN_SET;
        }
        for set in current.iter().filter(|&&s| Some(s) != target) {
            self.unlink(port, *set);
        }
        if let Some(set) = target {
            if !current.contains(&set) {
                self.link(port, set);
            }
        }
        KERN_SUCCESS
    }

    fn insert_member(&mut self, task: TaskId, name: u32, pset: u32) -> kern_return_t {
        if !is_valid(name) || !is_valid(pset) {
            return KERN_INVALID_RIGHT;
        }
        let (port, set) = match (self.member_port(task, name), self.set_of(task, pset)) {
            (Ok(p), Ok(s)) => (p, s),
            (Err(kr), _) | (_, Err(kr)) => return kr,
        };
        if self.port(port).is_some_and(|p| p.sets.contains(&set)) {
            return KERN_ALREADY_IN_SET;
        }
        self.link(port, set);
        KERN_SUCCESS
    }

    fn extract_member(&mut self, task: TaskId, name: u32, pset: u32) -> kern_return_t {
        if !is_valid(name) || !is_valid(pset) {
            return KERN_INVALID_RIGHT;
        }
        let (port, set) = match (self.member_port(task, name), self.set_of(task, pset)) {
            (Ok(p), Ok(s)) => (p, s),
            (Err(kr), _) | (_, Err(kr)) => return kr,
        };
        if !self.port(port).is_some_and(|p| p.sets.contains(&set)) {
            return KERN_NOT_IN_SET;
        }
        self.unlink(port, set);
        KERN_SUCCESS
    }
}

pub(crate) fn port_move_member(task: u32, member: u32, after: u32) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.move_member(t, member, after),
        Err(kr) => kr,
    })
}

pub(crate) fn port_insert_member(task: u32, name: u32, pset: u32) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.insert_member(t, name, pset),
        Err(kr) => kr,
    })
}

pub(crate) fn port_extract_member(task: u32, name: u32, pset: u32) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.extract_member(t, name, pset),
        Err(kr) => kr,
    })
}

/// The names of the members of a port set (`mach_port_get_set_status`).
pub(crate) fn port_get_set_status(task: u32, name: u32) -> Result<Vec<u32>, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        let set = s.set_of(t, name)?;
        let members = s
            .sets
            .get(&set)
            .map(|x| x.members.clone())
            .unwrap_or_default();
        let space = s.space(t).ok_or(KERN_INVALID_RIGHT)?;
        Ok(members
            .iter()
            .filter_map(|p| space.reverse.get(p).copied())
            .collect())
    })
}
