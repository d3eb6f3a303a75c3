//! Simulated tasks: creation, termination (M69), special ports, the leak
//! API and moving rights between tasks.

use std::collections::BTreeMap;

use super::object::{Carried, HeldRight, KRight, Kobj, TaskId};
use super::space::{Entry, Obj, Space};
use super::transfer::copyin_kr;
use super::{BOOTSTRAP_NAME, MAIN_TASK, State, TASK_SELF_NAME, TaskState, with};
use crate::mach_sim::kern_return::{
    KERN_INVALID_ARGUMENT, KERN_INVALID_TASK, KERN_SUCCESS, kern_return_t,
};
use crate::mach_sim::message::{MACH_MSG_TYPE_COPY_SEND, MACH_SEND_INVALID_RIGHT};
use crate::mach_sim::port::{MACH_PORT_DEAD, MACH_PORT_NULL};
use crate::mach_sim::task_special_ports::{
    TASK_BOOTSTRAP_PORT, TASK_KERNEL_PORT, TASK_MAX_SPECIAL_PORT,
};
use crate::mach_sys::extra::{
    MACH_PORT_TYPE_DEAD_NAME, MACH_PORT_TYPE_RECEIVE, MACH_PORT_TYPE_SEND,
};

/// Fake pids of simulated tasks other than the main one start here, above
/// any real pid (Linux caps pids at 2^22).
const FAKE_PID_BASE: u32 = 0x4000_0000;

impl State {
    /// Creates a task whose space holds its control port and the bootstrap
    /// port under [`TASK_SELF_NAME`] and [`BOOTSTRAP_NAME`] (M63).
    pub(crate) fn create_task(&mut self, pid: u32) -> TaskId {
        let id = self.fresh_task();
        let control = self.new_port(Kobj::Task(id));
        let bootstrap = self.bootstrap;
        let mut space = Space::new();
        for (port, expected) in [(control, TASK_SELF_NAME), (bootstrap, BOOTSTRAP_NAME)] {
            let name = space
                .alloc(Entry::new(MACH_PORT_TYPE_SEND, 1, Obj::Port(port)))
                .unwrap_or(expected);
            debug_assert_eq!(name, expected);
            space.reverse.insert(port, name);
        }
        for port in [control, bootstrap, bootstrap] {
            if let Some(p) = self.port_mut(port) {
                p.srights = p.srights.saturating_add(1);
            }
        }
        let mut special = BTreeMap::new();
        special.insert(TASK_BOOTSTRAP_PORT, bootstrap);
        self.tasks.insert(
            id,
            TaskState {
                space,
                control,
                pid,
                special,
            },
        );
        id
    }

    /// Destroys every right under `name` at task death (M69): like
    /// `mach_port_destroy`, but guards do not protect receive rights.
    fn terminate_entry(&mut self, task: TaskId, name: u32) {
        let Some(entry) = self.space(task).and_then(|s| s.get(name)).cloned() else {
            return;
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
                self.name_lost(task, name, port);
                self.free_name(task, name);
                if entry.bits & MACH_PORT_TYPE_SEND != 0 {
                    self.release_send(port);
                }
                if entry.bits & crate::mach_sys::extra::MACH_PORT_TYPE_SEND_ONCE != 0 {
                    self.release_send_once(port);
                }
                if entry.bits & MACH_PORT_TYPE_RECEIVE != 0 {
                    self.detach_receiver(port);
                    self.destroy_receive(port);
                }
            }
        }
    }

    /// Tears a task down as if its process died (M69).
    pub(crate) fn terminate(&mut self, task: TaskId) {
        let Some(space) = self.space(task) else {
            return;
        };
        let names = space.names();
        let receive: Vec<u32> = names
            .iter()
            .copied()
            .filter(|&n| {
                self.space(task)
                    .and_then(|s| s.get(n))
                    .is_some_and(|e| e.bits & MACH_PORT_TYPE_RECEIVE != 0)
            })
            .collect();
        for name in receive {
            self.terminate_entry(task, name);
        }
        for name in names {
            self.terminate_entry(task, name);
        }
        let Some(state) = self.tasks.remove(&task) else {
            return;
        };
        for port in state.special.into_values() {
            self.release_send(port);
        }
        self.kill_port(state.control);
        self.vm.reclaim(task);
    }

    /// Every right `task` holds but its own control and bootstrap names.
    fn held(&self, task: TaskId, out: &mut Vec<HeldRight>) {
        let Some(state) = self.tasks.get(&task) else {
            return;
        };
        for (name, entry) in state.space.iter() {
            let initial = (name == TASK_SELF_NAME && entry.obj == Obj::Port(state.control))
                || (name == BOOTSTRAP_NAME && entry.obj == Obj::Port(self.bootstrap));
            if initial
                && entry.bits == MACH_PORT_TYPE_SEND
                && entry.urefs == 1
                && !self.has_request(task, name, entry)
            {
                continue;
            }
            let counted = entry.bits & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME) != 0;
            out.push(HeldRight {
                task,
                name,
                type_: entry.bits,
                urefs: if counted { entry.urefs } else { 1 },
            });
        }
    }
}

/// Creates a task (see [`crate::mach_sim::Task::new`]).
pub(crate) fn task_create() -> TaskId {
    with(|s| {
        let pid = FAKE_PID_BASE + s.next_task;
        s.create_task(pid)
    })
}

/// Terminates a task; the main task cannot be terminated.
pub(crate) fn task_terminate(task: TaskId) {
    if task != MAIN_TASK {
        with(|s| s.terminate(task));
    }
}

/// The pid a task's messages carry in their audit trailers, if it lives.
pub(crate) fn task_pid(task: TaskId) -> Option<u32> {
    with(|s| s.tasks.get(&task).map(|t| t.pid))
}

/// Rights held by one task, or by every task.
pub(crate) fn held_rights(task: Option<TaskId>) -> Vec<HeldRight> {
    with(|s| {
        let mut out = Vec::new();
        match task {
            Some(t) => s.held(t, &mut out),
            None => {
                for &t in s.tasks.keys() {
                    s.held(t, &mut out);
                }
            }
        }
        out
    })
}

/// Moves a right from one task to another (see [`crate::mach_sim::move_right`]).
pub(crate) fn move_right(
    from: TaskId,
    name: u32,
    disposition: u32,
    to: TaskId,
) -> Result<u32, kern_return_t> {
    with(|s| {
        if !s.tasks.contains_key(&to) || !s.tasks.contains_key(&from) {
            return Err(KERN_INVALID_TASK);
        }
        if super::transfer::copyin_type(disposition) == 0 {
            return Err(crate::mach_sim::kern_return::KERN_INVALID_VALUE);
        }
        match s.copyin(from, name, disposition).map_err(copyin_kr)? {
            Carried::Right(right) => s.copyout(to, right),
            Carried::Dead => Ok(MACH_PORT_DEAD),
            Carried::Null => Ok(MACH_PORT_NULL),
        }
    })
}

fn valid_special(which: i32) -> bool {
    (1..=TASK_MAX_SPECIAL_PORT).contains(&which)
}

pub(crate) fn task_get_special_port(task: u32, which: i32) -> Result<u32, kern_return_t> {
    with(|s| {
        let caller = super::current();
        let t = s.target(caller, task)?;
        if !valid_special(which) {
            return Err(KERN_INVALID_ARGUMENT);
        }
        let state = s.tasks.get(&t).ok_or(KERN_INVALID_TASK)?;
        let port = if which == TASK_KERNEL_PORT {
            Some(state.control)
        } else {
            state.special.get(&which).copied()
        };
        let Some(port) = port else {
            return Ok(MACH_PORT_NULL);
        };
        if let Some(p) = s.port_mut(port) {
            p.srights = p.srights.saturating_add(1);
        }
        s.copyout(caller, KRight::Send(port))
    })
}

pub(crate) fn task_set_special_port(task: u32, which: i32, port: u32) -> kern_return_t {
    with(|s| {
        let caller = super::current();
        let t = match s.target(caller, task) {
            Ok(t) => t,
            Err(kr) => return kr,
        };
        if !valid_special(which) || which == TASK_KERNEL_PORT {
            return KERN_INVALID_ARGUMENT;
        }
        let new = if port == MACH_PORT_NULL {
            None
        } else {
            match s.copyin(caller, port, MACH_MSG_TYPE_COPY_SEND) {
                Ok(Carried::Right(KRight::Send(p))) => Some(p),
                _ => return MACH_SEND_INVALID_RIGHT,
            }
        };
        let old = match s.tasks.get_mut(&t) {
            Some(state) => match new {
                Some(p) => state.special.insert(which, p),
                None => state.special.remove(&which),
            },
            None => None,
        };
        if let Some(old) = old {
            s.release_send(old);
        }
        KERN_SUCCESS
    })
}
