//! Kernel objects: ports, port sets, and rights outside any space.

use std::collections::VecDeque;

use super::State;
use super::kmsg::KMsg;
use crate::mach_sim::port::MACH_PORT_QLIMIT_DEFAULT;

/// A simulated task. Task 1 is the process's main task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub(crate) u32);

impl TaskId {
    /// The number identifying the task (stable for the process's life).
    pub fn as_u32(self) -> u32 {
        self.0
    }
}

/// Identifies a port for the life of the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PortId(pub(crate) u64);

/// Identifies a port set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SetId(pub(crate) u64);

/// What kernel object a port stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kobj {
    /// An ordinary port.
    None,
    /// A task's control port.
    Task(TaskId),
    /// The (simulated launchd) bootstrap port.
    Bootstrap,
    /// A memory entry (its object is in `State::memory`).
    Memory,
    /// A fileport (its file is in `State::files`).
    File,
}

/// Where a port's receive right is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// In a space, under a name.
    Space(TaskId, u32),
    /// In a message, in a notification, or the port is dead.
    Transit,
    /// Held by the kernel (kernel objects).
    Kernel,
}

/// A dead-name or send-possible request registered on a name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Request {
    pub(crate) task: TaskId,
    pub(crate) name: u32,
    /// The send-once right the notification goes through.
    pub(crate) notify: PortId,
    /// `None` for dead-name requests; `Some(armed)` for send-possible ones.
    pub(crate) send_possible: Option<bool>,
}

/// A port (MACH.md §2).
#[derive(Debug)]
pub(crate) struct Port {
    pub(crate) active: bool,
    pub(crate) receiver: Receiver,
    pub(crate) queue: VecDeque<KMsg>,
    pub(crate) qlimit: u32,
    pub(crate) seqno: u32,
    pub(crate) mscount: u32,
    pub(crate) srights: u32,
    pub(crate) sorights: u32,
    pub(crate) ns_request: Option<PortId>,
    pub(crate) pd_request: Option<PortId>,
    pub(crate) requests: Vec<Request>,
    pub(crate) context: u64,
    pub(crate) guarded: bool,
    pub(crate) strict: bool,
    pub(crate) immovable: bool,
    pub(crate) sets: Vec<SetId>,
    /// Bumped whenever the receive right leaves its space or the port
    /// dies: receivers blocked directly on the port see it change.
    pub(crate) epoch: u64,
    pub(crate) kobj: Kobj,
}

/// A port set.
#[derive(Debug)]
pub(crate) struct PortSet {
    pub(crate) members: Vec<PortId>,
    /// Rotates set receives among members (M46).
    pub(crate) cursor: usize,
}

/// A right held outside any space: in a message, a registration, the
/// bootstrap registry or a task's special-port slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KRight {
    Send(PortId),
    SendOnce(PortId),
    Receive(PortId),
}

impl KRight {
    pub(crate) fn port(self) -> PortId {
        match self {
            KRight::Send(p) | KRight::SendOnce(p) | KRight::Receive(p) => p,
        }
    }
}

/// A port slot of a message: a right, or a name passed through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Carried {
    Null,
    Dead,
    Right(KRight),
}

/// A right a task holds (the leak API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HeldRight {
    /// The task holding it.
    pub task: TaskId,
    /// Its name in that task's space.
    pub name: u32,
    /// Its `mach_port_type_t` bits (without request bits).
    pub type_: u32,
    /// User references (send rights and dead names; 1 for others).
    pub urefs: u32,
}

/// A guard violation that XNU would raise as `EXC_GUARD` (MACH.md T15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardViolation {
    /// The task whose call violated the guard.
    pub task: TaskId,
    /// The name involved.
    pub name: u32,
    /// `kGUARD_EXC_*` reason.
    pub reason: u32,
    /// Whether XNU would kill the process.
    pub fatal: bool,
}

impl State {
    /// Creates an active port whose receive right is nowhere yet.
    pub(crate) fn new_port(&mut self, kobj: Kobj) -> PortId {
        let id = PortId(self.fresh_id());
        let receiver = if kobj == Kobj::None {
            Receiver::Transit
        } else {
            Receiver::Kernel
        };
        self.ports.insert(
            id,
            Port {
                active: true,
                receiver,
                queue: VecDeque::new(),
                qlimit: MACH_PORT_QLIMIT_DEFAULT,
                seqno: 0,
                mscount: 0,
                srights: 0,
                sorights: 0,
                ns_request: None,
                pd_request: None,
                requests: Vec::new(),
                context: 0,
                guarded: false,
                strict: false,
                immovable: false,
                sets: Vec::new(),
                epoch: 0,
                kobj,
            },
        );
        id
    }

    pub(crate) fn port(&self, id: PortId) -> Option<&Port> {
        self.ports.get(&id)
    }

    pub(crate) fn port_mut(&mut self, id: PortId) -> Option<&mut Port> {
        self.ports.get_mut(&id)
    }

    /// Whether the port exists and is alive.
    pub(crate) fn is_active(&self, id: PortId) -> bool {
        self.ports.get(&id).is_some_and(|p| p.active)
    }

    /// Forgets a dead port once nothing refers to it any more.
    pub(crate) fn gc(&mut self, id: PortId) {
        let unused = self
            .ports
            .get(&id)
            .is_some_and(|p| !p.active && p.srights == 0 && p.sorights == 0 && p.queue.is_empty());
        if unused {
            self.ports.remove(&id);
        }
    }

    /// Records a guard violation (the simulator cannot raise `EXC_GUARD`).
    pub(crate) fn guard(&mut self, task: TaskId, name: u32, reason: u32, fatal: bool) {
        self.guards.push(GuardViolation {
            task,
            name,
            reason,
            fatal,
        });
    }
}
