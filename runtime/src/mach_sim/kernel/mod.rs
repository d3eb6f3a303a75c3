//! The simulated kernel: one global state behind one lock.
//!
//! Every mirrored call locks [`State`], acts, and wakes all blocked threads
//! (one `Condvar`; waiters re-check their condition). Blocking calls
//! (`mach_msg` on a full queue or an empty one) wait on the same `Condvar`.

mod audit;
mod boot;
mod death;
mod fileport;
mod kmsg;
mod layout;
mod memory;
mod mgmt;
mod notify;
mod object;
mod recv;
mod requests;
mod rights;
mod send;
mod sets;
mod space;
mod tasks;
mod transfer;
mod userlib;
mod vm;

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Condvar, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

pub(crate) use audit::audit;
pub(crate) use boot::{bootstrap_check_in, bootstrap_look_up, bootstrap_register};
pub(crate) use fileport::{fileport_file, fileport_makeport};
pub(crate) use memory::{MapRequest, make_memory_entry, vm_map};
pub(crate) use mgmt::{
    port_allocate, port_deallocate, port_destroy, port_get_refs, port_mod_refs, port_names,
    port_type,
};
pub use object::TaskId;
pub use object::{GuardViolation, HeldRight};
pub(crate) use recv::MsgArgs;
pub(crate) use requests::port_request_notification;
pub(crate) use send::mach_msg;
pub(crate) use sets::{
    port_extract_member, port_get_set_status, port_insert_member, port_move_member,
};
pub(crate) use tasks::{
    held_rights, move_right, task_create, task_get_special_port, task_pid, task_set_special_port,
    task_terminate,
};
pub(crate) use transfer::{
    Counter, port_construct, port_destruct, port_extract_right, port_get_attributes,
    port_get_context, port_insert_right, port_set_attributes, port_set_context, port_set_counter,
};
pub(crate) use userlib::destroy_user_msg;
pub(crate) use vm::{vm_allocate, vm_copy_out, vm_deallocate, vm_region_count};

use super::kern_return::{KERN_INVALID_TASK, kern_return_t};
use super::message::MACH_SEND_INVALID_DEST;
use crate::mach_sys::extra::MACH_PORT_TYPE_SEND;
use object::{Kobj, Port, PortId, PortSet, SetId};
use space::Space;

/// Every task's name for its own control port (M63).
pub(crate) const TASK_SELF_NAME: u32 = 0x103;
/// Every task's name for its bootstrap port (M63).
pub(crate) const BOOTSTRAP_NAME: u32 = 0x203;
/// The task threads act in when no [`TaskId`] is bound to them.
pub(crate) const MAIN_TASK: TaskId = TaskId(1);

/// One simulated task: its name space and what the kernel keeps for it.
#[derive(Debug)]
pub(crate) struct TaskState {
    pub(crate) space: Space,
    pub(crate) control: PortId,
    pub(crate) pid: u32,
    /// Special ports (`TASK_*_PORT`), each a send right the kernel holds.
    pub(crate) special: BTreeMap<i32, PortId>,
}

/// The whole simulated kernel.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) ports: HashMap<PortId, Port>,
    pub(crate) sets: HashMap<SetId, PortSet>,
    pub(crate) tasks: BTreeMap<TaskId, TaskState>,
    pub(crate) bootstrap: PortId,
    pub(crate) registry: boot::Registry,
    pub(crate) vm: vm::VmTable,
    pub(crate) guards: Vec<GuardViolation>,
    pub(crate) memory: HashMap<PortId, memory::MemObject>,
    /// The files fileports stand for.
    pub(crate) files: HashMap<PortId, std::sync::Arc<std::os::fd::OwnedFd>>,
    /// Messages whose senders wait for room in a queue.
    pub(crate) in_flight: HashMap<u64, kmsg::KMsg>,
    /// Threads blocked in `mach_msg`, per task.
    pub(crate) waiting: HashMap<TaskId, usize>,
    next_id: u64,
    next_task: u32,
}

struct Kernel {
    state: Mutex<State>,
    cond: Condvar,
}

static KERNEL: LazyLock<Kernel> = LazyLock::new(|| Kernel {
    state: Mutex::new(State::boot()),
    cond: Condvar::new(),
});

thread_local! {
    static CURRENT: Cell<Option<TaskId>> = const { Cell::new(None) };
}

/// The task the calling thread acts in.
pub(crate) fn current() -> TaskId {
    CURRENT.with(Cell::get).unwrap_or(MAIN_TASK)
}

/// Binds the calling thread to `task` (or unbinds it), returning the
/// previous binding.
pub(crate) fn set_current(task: Option<TaskId>) -> Option<TaskId> {
    CURRENT.with(|c| c.replace(task))
}

/// Locks the kernel.
pub(crate) fn lock() -> MutexGuard<'static, State> {
    KERNEL.state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `f` on the locked kernel, then wakes every blocked thread.
pub(crate) fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    let mut state = lock();
    let result = f(&mut state);
    drop(state);
    KERNEL.cond.notify_all();
    result
}

/// Wakes every blocked thread (after a change made under [`lock`]).
pub(crate) fn wake_all() {
    KERNEL.cond.notify_all();
}

/// Waits for a change, until `deadline` if given. Returns the guard and
/// whether the deadline has passed.
pub(crate) fn wait(
    mut guard: MutexGuard<'static, State>,
    deadline: Option<Instant>,
) -> (MutexGuard<'static, State>, bool) {
    let task = current();
    *guard.waiting.entry(task).or_default() += 1;
    let (mut guard, timed_out) = wait_once(guard, deadline);
    if let Some(count) = guard.waiting.get_mut(&task) {
        *count = count.saturating_sub(1);
    }
    (guard, timed_out)
}

fn wait_once(
    guard: MutexGuard<'static, State>,
    deadline: Option<Instant>,
) -> (MutexGuard<'static, State>, bool) {
    match deadline {
        None => (
            KERNEL
                .cond
                .wait(guard)
                .unwrap_or_else(PoisonError::into_inner),
            false,
        ),
        Some(deadline) => {
            let now = Instant::now();
            if now >= deadline {
                return (guard, true);
            }
            let (guard, _) = KERNEL
                .cond
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(PoisonError::into_inner);
            (guard, Instant::now() >= deadline)
        }
    }
}

impl State {
    fn boot() -> State {
        let mut state = State {
            ports: HashMap::new(),
            sets: HashMap::new(),
            tasks: BTreeMap::new(),
            bootstrap: PortId(0),
            registry: boot::Registry::default(),
            vm: vm::VmTable::default(),
            guards: Vec::new(),
            memory: HashMap::new(),
            files: HashMap::new(),
            waiting: HashMap::new(),
            in_flight: HashMap::new(),
            next_id: 1,
            next_task: 1,
        };
        state.bootstrap = state.new_port(Kobj::Bootstrap);
        let main = state.create_task(std::process::id());
        debug_assert_eq!(main, MAIN_TASK);
        state
    }

    /// A fresh id for a port or a port set.
    pub(crate) fn fresh_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A fresh task id.
    pub(crate) fn fresh_task(&mut self) -> TaskId {
        let id = TaskId(self.next_task);
        self.next_task += 1;
        id
    }

    /// The space of a live task.
    pub(crate) fn space(&self, task: TaskId) -> Option<&Space> {
        self.tasks.get(&task).map(|t| &t.space)
    }

    /// The space of a live task, mutably.
    pub(crate) fn space_mut(&mut self, task: TaskId) -> Option<&mut Space> {
        self.tasks.get_mut(&task).map(|t| &mut t.space)
    }

    /// The task that `caller`'s name `task_name` denotes (a send right to a
    /// task control port), as the `task` argument of every call.
    pub(crate) fn target(&self, caller: TaskId, task_name: u32) -> Result<TaskId, kern_return_t> {
        let space = self.space(caller).ok_or(KERN_INVALID_TASK)?;
        let entry = space.get(task_name).ok_or(MACH_SEND_INVALID_DEST)?;
        if entry.bits & MACH_PORT_TYPE_SEND == 0 {
            return Err(MACH_SEND_INVALID_DEST);
        }
        let port = entry.port().and_then(|p| self.ports.get(&p));
        match port.map(|p| p.kobj) {
            Some(Kobj::Task(t)) if self.tasks.contains_key(&t) => Ok(t),
            Some(Kobj::Task(_)) => Err(KERN_INVALID_TASK),
            _ => Err(MACH_SEND_INVALID_DEST),
        }
    }

    /// Resolves the `task` argument of a call made by the current thread.
    pub(crate) fn target_of_caller(&self, task_name: u32) -> Result<TaskId, kern_return_t> {
        self.target(current(), task_name)
    }
}

/// The process's credentials, reported for every simulated task (M49).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Creds {
    pub(crate) euid: u32,
    pub(crate) egid: u32,
    pub(crate) ruid: u32,
    pub(crate) rgid: u32,
}

/// The real credentials of this process.
pub(crate) fn creds() -> Creds {
    static CREDS: LazyLock<Creds> = LazyLock::new(|| {
        #[cfg(unix)]
        {
            use rustix::process::{getegid, geteuid, getgid, getuid};
            Creds {
                euid: geteuid().as_raw(),
                egid: getegid().as_raw(),
                ruid: getuid().as_raw(),
                rgid: getgid().as_raw(),
            }
        }
        #[cfg(not(unix))]
        {
            Creds {
                euid: 0,
                egid: 0,
                ruid: 0,
                rgid: 0,
            }
        }
    });
    *CREDS
}

/// How many threads of `task` are blocked in `mach_msg`.
pub(crate) fn waiting_threads(task: TaskId) -> usize {
    lock().waiting.get(&task).copied().unwrap_or(0)
}

/// Guard violations recorded so far.
pub(crate) fn guard_violations() -> Vec<GuardViolation> {
    lock().guards.clone()
}
