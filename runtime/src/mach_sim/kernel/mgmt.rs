//! Port management: allocate, deallocate, mod_refs, destroy, get_refs,
//! type, names (MACH.md M11, M12, M15–M19).

use super::object::{Kobj, PortId, PortSet, Receiver, SetId, TaskId};
use super::space::{Entry, Obj};
use super::{State, with};
use crate::mach_sim::kern_return::{
    KERN_INVALID_NAME, KERN_INVALID_RIGHT, KERN_INVALID_TASK, KERN_INVALID_VALUE, KERN_NAME_EXISTS,
    KERN_SUCCESS, kern_return_t,
};
use crate::mach_sim::port::{
    MACH_PORT_DEAD, MACH_PORT_NULL, MACH_PORT_RIGHT_DEAD_NAME, MACH_PORT_RIGHT_NUMBER,
    MACH_PORT_RIGHT_PORT_SET, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_RIGHT_SEND,
    MACH_PORT_RIGHT_SEND_ONCE,
};
use crate::mach_sys::extra::{
    MACH_PORT_TYPE_DEAD_NAME, MACH_PORT_TYPE_DNREQUEST, MACH_PORT_TYPE_PORT_SET,
    MACH_PORT_TYPE_RECEIVE, MACH_PORT_TYPE_SEND, MACH_PORT_TYPE_SEND_ONCE, MACH_PORT_UREFS_MAX,
};

/// `kGUARD_EXC_DESTROY`: destroying a guarded receive right.
pub(crate) const GUARD_EXC_DESTROY: u32 = 1;

fn is_valid(name: u32) -> bool {
    name != MACH_PORT_NULL && name != MACH_PORT_DEAD
}

impl State {
    /// The entry `name` of `task`, cloned, or `KERN_INVALID_NAME`.
    pub(crate) fn lookup(&self, task: TaskId, name: u32) -> Result<Entry, kern_return_t> {
        self.space(task)
            .ok_or(KERN_INVALID_TASK)?
            .get(name)
            .cloned()
            .ok_or(KERN_INVALID_NAME)
    }

    /// Creates a right in `task` (M11, M12).
    pub(crate) fn allocate(
        &mut self,
        task: TaskId,
        right: u32,
        name: Option<u32>,
    ) -> Result<u32, kern_return_t> {
        if let Some(name) = name {
            if !is_valid(name) {
                return Err(KERN_INVALID_VALUE);
            }
            if self
                .space(task)
                .ok_or(KERN_INVALID_TASK)?
                .check_user_name(name)?
            {
                return Err(KERN_NAME_EXISTS);
            }
        }
        let entry = match right {
            MACH_PORT_RIGHT_RECEIVE => {
                let port = self.new_port(Kobj::None);
                Entry::new(MACH_PORT_TYPE_RECEIVE, 0, Obj::Port(port))
            }
            MACH_PORT_RIGHT_PORT_SET => {
                let set = SetId(self.fresh_id());
                self.sets.insert(
                    set,
                    PortSet {
                        members: Vec::new(),
                        cursor: 0,
                    },
                );
                Entry::new(MACH_PORT_TYPE_PORT_SET, 0, Obj::Set(set))
            }
            MACH_PORT_RIGHT_DEAD_NAME => Entry::new(MACH_PORT_TYPE_DEAD_NAME, 1, Obj::None),
            _ => return Err(KERN_INVALID_VALUE),
        };
        let obj = entry.obj;
        let space = self.space_mut(task).ok_or(KERN_INVALID_TASK)?;
        let name = match name {
            Some(name) => {
                space.alloc_named(name, entry);
                name
            }
            None => match space.alloc(entry) {
                Ok(name) => name,
                Err(kr) => {
                    self.forget_object(obj);
                    return Err(kr);
                }
            },
        };
        if let Obj::Port(port) = obj {
            if let Some(space) = self.space_mut(task) {
                space.reverse.insert(port, name);
            }
            if let Some(p) = self.port_mut(port) {
                p.receiver = Receiver::Space(task, name);
            }
        }
        Ok(name)
    }

    fn forget_object(&mut self, obj: Obj) {
        match obj {
            Obj::Port(p) => {
                self.ports.remove(&p);
            }
            Obj::Set(s) => {
                self.sets.remove(&s);
            }
            Obj::None => {}
        }
    }

    /// Destroys the receive right under `name` (mod_refs, destroy, M20),
    /// refusing guarded ports.
    pub(crate) fn destroy_receive_name(
        &mut self,
        task: TaskId,
        name: u32,
        port: PortId,
    ) -> kern_return_t {
        if self.port(port).is_some_and(|p| p.guarded) {
            self.guard(task, name, GUARD_EXC_DESTROY, true);
            return KERN_INVALID_RIGHT;
        }
        if let Some(port) = self.take_receive(task, name) {
            self.destroy_receive(port);
        }
        KERN_SUCCESS
    }

    /// Releases the whole send right of a name (all urefs).
    fn drop_send(&mut self, task: TaskId, name: u32, port: PortId) {
        self.remove_send_part(task, name, port);
        self.release_send(port);
    }

    /// Destroys the send-once right under `name` (M60).
    fn drop_send_once(&mut self, task: TaskId, name: u32, port: PortId) {
        self.free_name(task, name);
        self.name_lost(task, name, port);
        self.release_send_once(port);
    }

    fn deallocate(&mut self, task: TaskId, name: u32) -> kern_return_t {
        if !is_valid(name) {
            return KERN_SUCCESS;
        }
        let entry = match self.lookup(task, name) {
            Ok(e) => e,
            Err(kr) => return kr,
        };
        match entry.obj {
            Obj::Set(set) => {
                self.free_name(task, name);
                self.destroy_set(set);
            }
            Obj::None => self.drop_dead_uref(task, name),
            Obj::Port(port) if entry.bits & MACH_PORT_TYPE_SEND != 0 => {
                if entry.urefs >= MACH_PORT_UREFS_MAX {
                    return KERN_SUCCESS;
                }
                if entry.urefs > 1 {
                    if let Some(e) = self.space_mut(task).and_then(|s| s.get_mut(name)) {
                        e.urefs -= 1;
                    }
                } else {
                    self.drop_send(task, name, port);
                }
            }
            Obj::Port(port) if entry.bits & MACH_PORT_TYPE_SEND_ONCE != 0 => {
                self.drop_send_once(task, name, port);
            }
            Obj::Port(_) => return KERN_INVALID_RIGHT,
        }
        KERN_SUCCESS
    }

    fn destroy(&mut self, task: TaskId, name: u32) -> kern_return_t {
        if !is_valid(name) {
            return KERN_SUCCESS;
        }
        let entry = match self.lookup(task, name) {
            Ok(e) => e,
            Err(kr) => return kr,
        };
        match entry.obj {
            Obj::Set(set) => {
                self.free_name(task, name);
                self.destroy_set(set);
            }
            Obj::None => {
                self.free_name(task, name);
            }
            Obj::Port(port) => {
                if entry.bits & MACH_PORT_TYPE_RECEIVE != 0
                    && self.port(port).is_some_and(|p| p.guarded)
                {
                    self.guard(task, name, GUARD_EXC_DESTROY, true);
                    return KERN_INVALID_RIGHT;
                }
                // The send part goes first (M19): a last sender lost here
                // still fires no-senders before the port dies.
                self.name_lost(task, name, port);
                self.free_name(task, name);
                if entry.bits & MACH_PORT_TYPE_SEND != 0 {
                    self.release_send(port);
                }
                if entry.bits & MACH_PORT_TYPE_SEND_ONCE != 0 {
                    self.release_send_once(port);
                }
                if entry.bits & MACH_PORT_TYPE_RECEIVE != 0 {
                    self.detach_receiver(port);
                    self.destroy_receive(port);
                }
            }
        }
        KERN_SUCCESS
    }

    fn mod_refs(&mut self, task: TaskId, name: u32, right: u32, delta: i32) -> kern_return_t {
        if right >= MACH_PORT_RIGHT_NUMBER {
            return KERN_INVALID_VALUE;
        }
        if !is_valid(name) {
            return if right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_SEND_ONCE {
                KERN_SUCCESS
            } else {
                KERN_INVALID_NAME
            };
        }
        let entry = match self.lookup(task, name) {
            Ok(e) => e,
            Err(kr) => return kr,
        };
        let bits = entry.bits;
        match right {
            MACH_PORT_RIGHT_RECEIVE => {
                let Some(port) = entry.port().filter(|_| bits & MACH_PORT_TYPE_RECEIVE != 0) else {
                    return KERN_INVALID_RIGHT;
                };
                match delta {
                    0 => KERN_SUCCESS,
                    -1 => self.destroy_receive_name(task, name, port),
                    _ => KERN_INVALID_VALUE,
                }
            }
            MACH_PORT_RIGHT_PORT_SET => {
                let Some(set) = entry.set() else {
                    return KERN_INVALID_RIGHT;
                };
                match delta {
                    0 => KERN_SUCCESS,
                    -1 => {
                        self.free_name(task, name);
                        self.destroy_set(set);
                        KERN_SUCCESS
                    }
                    _ => KERN_INVALID_VALUE,
                }
            }
            MACH_PORT_RIGHT_SEND_ONCE => {
                let Some(port) = entry
                    .port()
                    .filter(|_| bits & MACH_PORT_TYPE_SEND_ONCE != 0)
                else {
                    return KERN_INVALID_RIGHT;
                };
                match delta {
                    0 => KERN_SUCCESS,
                    -1 => {
                        self.drop_send_once(task, name, port);
                        KERN_SUCCESS
                    }
                    _ => KERN_INVALID_VALUE,
                }
            }
            MACH_PORT_RIGHT_SEND => {
                let Some(port) = entry.port().filter(|_| bits & MACH_PORT_TYPE_SEND != 0) else {
                    return KERN_INVALID_RIGHT;
                };
                match new_urefs(entry.urefs, delta) {
                    Err(kr) => kr,
                    Ok(0) => {
                        self.drop_send(task, name, port);
                        KERN_SUCCESS
                    }
                    Ok(urefs) => self.set_urefs(task, name, urefs),
                }
            }
            MACH_PORT_RIGHT_DEAD_NAME => {
                if bits & MACH_PORT_TYPE_DEAD_NAME == 0 {
                    return KERN_INVALID_RIGHT;
                }
                match new_urefs(entry.urefs, delta) {
                    Err(kr) => kr,
                    Ok(0) => {
                        self.free_name(task, name);
                        KERN_SUCCESS
                    }
                    Ok(urefs) => self.set_urefs(task, name, urefs),
                }
            }
            _ => KERN_INVALID_RIGHT,
        }
    }

    fn set_urefs(&mut self, task: TaskId, name: u32, urefs: u32) -> kern_return_t {
        if let Some(e) = self.space_mut(task).and_then(|s| s.get_mut(name)) {
            e.urefs = urefs;
        }
        KERN_SUCCESS
    }

    /// Whether a request is registered on (`task`, `name`).
    pub(crate) fn has_request(&self, task: TaskId, name: u32, entry: &Entry) -> bool {
        entry
            .port()
            .and_then(|p| self.port(p))
            .is_some_and(|p| p.requests.iter().any(|r| r.task == task && r.name == name))
    }

    /// `mach_port_type` of an entry.
    pub(crate) fn entry_type(&self, task: TaskId, name: u32, entry: &Entry) -> u32 {
        if self.has_request(task, name, entry) {
            entry.bits | MACH_PORT_TYPE_DNREQUEST
        } else {
            entry.bits
        }
    }
}

/// User references after `delta` (M5, M16).
fn new_urefs(urefs: u32, delta: i32) -> Result<u32, kern_return_t> {
    let max = MACH_PORT_UREFS_MAX as i64;
    let delta = i64::from(delta);
    if delta.abs() > max {
        return Err(KERN_INVALID_VALUE);
    }
    let urefs = i64::from(urefs);
    if urefs >= max {
        return Ok(if delta == -max { 0 } else { urefs as u32 });
    }
    let result = urefs + delta;
    if result < 0 {
        return Err(KERN_INVALID_VALUE);
    }
    Ok(result.min(max) as u32)
}

pub(crate) fn port_allocate(
    task: u32,
    right: u32,
    name: Option<u32>,
) -> Result<u32, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        s.allocate(t, right, name)
    })
}

pub(crate) fn port_deallocate(task: u32, name: u32) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.deallocate(t, name),
        Err(kr) => kr,
    })
}

pub(crate) fn port_destroy(task: u32, name: u32) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.destroy(t, name),
        Err(kr) => kr,
    })
}

pub(crate) fn port_mod_refs(task: u32, name: u32, right: u32, delta: i32) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.mod_refs(t, name, right, delta),
        Err(kr) => kr,
    })
}

/// `mach_port_get_refs` (M17).
pub(crate) fn port_get_refs(task: u32, name: u32, right: u32) -> Result<u32, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        if right >= MACH_PORT_RIGHT_NUMBER {
            return Err(KERN_INVALID_VALUE);
        }
        if !is_valid(name) {
            return if right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_SEND_ONCE {
                Ok(1)
            } else {
                Err(KERN_INVALID_NAME)
            };
        }
        let entry = s.lookup(t, name)?;
        let held = |bit: u32| entry.bits & bit != 0;
        Ok(match right {
            MACH_PORT_RIGHT_RECEIVE => u32::from(held(MACH_PORT_TYPE_RECEIVE)),
            MACH_PORT_RIGHT_PORT_SET => u32::from(held(MACH_PORT_TYPE_PORT_SET)),
            MACH_PORT_RIGHT_SEND_ONCE => u32::from(held(MACH_PORT_TYPE_SEND_ONCE)),
            MACH_PORT_RIGHT_SEND if held(MACH_PORT_TYPE_SEND) => entry.urefs,
            MACH_PORT_RIGHT_DEAD_NAME if held(MACH_PORT_TYPE_DEAD_NAME) => entry.urefs,
            _ => 0,
        })
    })
}

/// `mach_port_type` (M18).
pub(crate) fn port_type(task: u32, name: u32) -> Result<u32, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        if name == MACH_PORT_NULL {
            return Err(KERN_INVALID_NAME);
        }
        if name == MACH_PORT_DEAD {
            return Ok(MACH_PORT_TYPE_DEAD_NAME);
        }
        let entry = s.lookup(t, name)?;
        Ok(s.entry_type(t, name, &entry))
    })
}

/// Every name of a space with its type.
pub(crate) fn port_names(task: u32) -> Result<Vec<(u32, u32)>, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        let space = s.space(t).ok_or(KERN_INVALID_TASK)?;
        Ok(space
            .iter()
            .map(|(name, entry)| (name, s.entry_type(t, name, entry)))
            .collect())
    })
}
