//! The simulator's own API: tasks, moving rights between them, and leak
//! checks. Not part of mach2; only tests and the simulated backend use it.

use std::marker::PhantomData;

use super::kern_return::kern_return_t;
use super::kernel as k;
use super::message::mach_msg_type_name_t;
use super::port::mach_port_name_t;
pub use k::{GuardViolation, HeldRight, TaskId};

/// A simulated task: its own IPC name space, as a separate process has.
///
/// Its space starts with a send right to its control port under
/// `mach_task_self()` and one to the bootstrap port under
/// `bootstrap_port`, the same names in every task (MACH.md M63). Threads
/// act in it after [`Task::enter`] (or inside [`Task::run`]); a thread not
/// bound to any task acts in the main task ([`Task::main`]).
///
/// Dropping a task terminates it ([`Task::terminate`]). Messages its
/// tasks send carry its [`Task::pid`] in their audit trailers.
#[derive(Debug)]
pub struct Task {
    id: TaskId,
    owned: bool,
}

static MAIN: Task = Task {
    id: k::MAIN_TASK,
    owned: false,
};

impl Task {
    /// Creates a task.
    pub fn new() -> Task {
        Task {
            id: k::task_create(),
            owned: true,
        }
    }

    /// The main task: where unbound threads act. Its pid is the real one;
    /// it is never terminated.
    pub fn main() -> &'static Task {
        &MAIN
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// The pid audit trailers report for this task: the real pid for the
    /// main task, a distinct fake one (above any real pid) for the others.
    /// `None` once terminated.
    pub fn pid(&self) -> Option<u32> {
        k::task_pid(self.id)
    }

    /// Binds the calling thread to this task until the guard drops.
    pub fn enter(&self) -> TaskGuard<'_> {
        TaskGuard {
            previous: k::set_current(Some(self.id)),
            _task: PhantomData,
        }
    }

    /// Runs `f` with the calling thread bound to this task.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let _guard = self.enter();
        f()
    }

    /// Whether the task still lives.
    pub fn is_alive(&self) -> bool {
        k::task_pid(self.id).is_some()
    }

    /// The rights this task holds, except its initial control and
    /// bootstrap send rights (while they still have one user reference).
    pub fn names(&self) -> Vec<HeldRight> {
        k::held_rights(Some(self.id))
    }

    /// How many memory regions (`mach_vm_allocate`, received out-of-line
    /// memory and arrays) the task still owns.
    pub fn vm_regions(&self) -> usize {
        k::vm_region_count(self.id)
    }

    /// How many threads acting in this task are blocked in `mach_msg`
    /// (waiting for a message or for room in a queue). Lets tests wait
    /// until a thread really blocks.
    pub fn blocked_threads(&self) -> usize {
        k::waiting_threads(self.id)
    }

    /// Terminates the task as if its process died (MACH.md M69): receive
    /// rights are destroyed (dead names and dead-name notifications
    /// elsewhere, or port-destroyed notifications), send rights released
    /// (no-senders elsewhere), send-once rights destroyed (send-once
    /// notifications), its memory freed, its control port killed.
    /// Idempotent; does nothing for the main task.
    pub fn terminate(&self) {
        k::task_terminate(self.id);
    }
}

impl Default for Task {
    fn default() -> Task {
        Task::new()
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if self.owned {
            k::task_terminate(self.id);
        }
    }
}

/// Keeps the calling thread bound to a task; restores the previous
/// binding on drop. Not `Send`: it belongs to the thread that entered.
#[derive(Debug)]
pub struct TaskGuard<'a> {
    previous: Option<TaskId>,
    _task: PhantomData<(&'a Task, *const ())>,
}

impl Drop for TaskGuard<'_> {
    fn drop(&mut self) {
        k::set_current(self.previous);
    }
}

/// The task the calling thread acts in.
pub fn current_task() -> TaskId {
    k::current()
}

/// Moves a right from one task to another, as a message from `from` to
/// `to` would: `disposition` is a `MACH_MSG_TYPE_*` (MOVE_RECEIVE,
/// MOVE_SEND, COPY_SEND, MAKE_SEND, MOVE_SEND_ONCE, MAKE_SEND_ONCE) applied
/// to `name` in `from`. Returns the right's name in `to` (coalesced with a
/// right `to` already holds, M2; `MACH_PORT_DEAD` for a dead name).
///
/// Errors: `KERN_INVALID_NAME`, `KERN_INVALID_RIGHT`,
/// `KERN_INVALID_CAPABILITY` as for `mach_port_extract_right`;
/// `KERN_INVALID_VALUE` for another disposition; `KERN_INVALID_TASK` if a
/// task is dead.
pub fn move_right(
    from: &Task,
    name: mach_port_name_t,
    disposition: mach_msg_type_name_t,
    to: &Task,
) -> Result<mach_port_name_t, kern_return_t> {
    k::move_right(from.id, name, disposition, to.id)
}

/// Every right every live task holds, except each task's initial control
/// and bootstrap send rights.
pub fn rights_held() -> Vec<HeldRight> {
    k::held_rights(None)
}

/// Checks the simulated kernel's books: for every port, the send and
/// send-once rights that exist anywhere (spaces, queued and in-flight
/// messages, notification registrations, the bootstrap registry, special
/// ports) match its counts, and no dead port lingers. Returns what is
/// wrong otherwise.
pub fn audit() -> Result<(), String> {
    k::audit()
}

/// Guard violations recorded so far, oldest first (XNU would raise
/// `EXC_GUARD`; fatal ones would kill the process).
pub fn guard_violations() -> Vec<GuardViolation> {
    k::guard_violations()
}

/// The rights the calling thread's task holds (see [`Task::names`]).
pub fn current_task_rights() -> Vec<HeldRight> {
    k::held_rights(Some(k::current()))
}

/// The name under which the calling task holds a runtime send right, for
/// tests that play a hostile peer in the same task (`MACH_PORT_NULL` for a
/// right that is not a Mach port).
#[cfg(feature = "mach-sim")]
pub fn debug_name(right: &crate::SendRight) -> mach_port_name_t {
    #[allow(unreachable_patterns)]
    match &right.handle {
        crate::right::Handle::Port(port) => port.name,
        _ => super::port::MACH_PORT_NULL,
    }
}

#[cfg(feature = "mach-sim")]
/// Binds the calling thread to the task with id `task` for good (used by
/// threads the runtime starts on behalf of a task, such as its I/O thread).
pub(crate) fn bind_thread_to(task: TaskId) {
    k::set_current(Some(task));
}
