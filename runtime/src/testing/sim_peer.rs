//! Peers for the platform test suite over the Mach simulator: a peer is a
//! thread acting in a new simulated task, handed one right by moving it
//! between the tasks' name spaces (it gets a new name there, as across
//! processes). The API matches the process-based peers of the Linux
//! backend, so the same tests run on both.

use std::cell::RefCell;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::mach_sim::{Task, move_right};
use crate::mach_sys::message::{
    MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE,
};
use crate::platform::{PortName, PortRight};
use crate::right::{
    Handle, ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory,
};

/// A role: what the peer does with the right it was given.
pub type Role = fn(Right) -> Result<(), String>;

thread_local! {
    /// The simulated task the calling test runs in (see [`isolated`]).
    static CURRENT: RefCell<Option<Arc<Task>>> = const { RefCell::new(None) };
}

/// Runs `test` in a fresh simulated task and asserts afterwards that the
/// task holds no right and no memory region: nothing leaked.
pub fn isolated<R>(test: impl FnOnce() -> R) -> R {
    let task = Arc::new(Task::new());
    CURRENT.with(|current| *current.borrow_mut() = Some(Arc::clone(&task)));
    let result = task.run(test);
    CURRENT.with(|current| *current.borrow_mut() = None);
    let leaked = task.names();
    assert!(leaked.is_empty(), "the test leaked rights: {leaked:?}");
    assert_eq!(task.vm_regions(), 0, "the test leaked memory regions");
    result
}

/// Calls `f` with the simulated task the calling test runs in.
fn with_current_task<R>(f: impl FnOnce(&Task) -> R) -> R {
    match CURRENT.with(|current| current.borrow().clone()) {
        Some(task) => f(&task),
        // Outside `isolated`, tests act in the main task.
        None => f(Task::main()),
    }
}

/// The roles of one test binary.
#[derive(Debug)]
pub struct PeerRoles {
    roles: &'static [(&'static str, Role)],
}

/// A running peer.
#[derive(Debug)]
pub struct Peer {
    task: Arc<Task>,
    thread: Option<JoinHandle<Result<(), String>>>,
}

impl PeerRoles {
    /// Roles of this test binary. `entry` names the test that serves roles
    /// in child processes on Linux; the simulator runs peers as threads and
    /// ignores it.
    pub const fn new(_entry: &'static str, roles: &'static [(&'static str, Role)]) -> PeerRoles {
        PeerRoles { roles }
    }

    /// Starts a peer running `role` with `right`, in a new simulated task.
    pub fn spawn(&self, role: &str, right: Right) -> io::Result<Peer> {
        let run = self
            .roles
            .iter()
            .find(|(name, _)| *name == role)
            .map(|(_, run)| *run)
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, format!("no role `{role}`"))
            })?;
        let task = Arc::new(Task::new());
        let (kind, name, len) = take_name(right)?;
        let disposition = match kind {
            RightKind::Receive => MACH_MSG_TYPE_MOVE_RECEIVE,
            RightKind::SendOnce => MACH_MSG_TYPE_MOVE_SEND_ONCE,
            _ => MACH_MSG_TYPE_MOVE_SEND,
        };
        let moved = with_current_task(|from| move_right(from, name, disposition, &task))
            .map_err(|code| io::Error::other(format!("moving the right failed: {code:#x}")))?;
        let peer_task = Arc::clone(&task);
        let thread = std::thread::Builder::new()
            .name(format!("peer {role}"))
            .spawn(move || {
                peer_task.run(|| {
                    CURRENT.with(|current| *current.borrow_mut() = Some(Arc::clone(&peer_task)));
                    run(rebuild(kind, moved, len))
                })
            })?;
        Ok(Peer {
            task,
            thread: Some(thread),
        })
    }

    /// Nothing to serve: the simulator's peers are threads, not children.
    pub fn serve(&self) {}
}

impl Peer {
    /// The pid the peer's messages carry in their audit trailers.
    pub fn id(&self) -> u32 {
        self.task.pid().unwrap_or(0)
    }

    /// Waits up to `timeout` for the peer's role to finish; its task then
    /// ends as a process would (its rights released or destroyed).
    pub fn wait(mut self, timeout: Duration) -> io::Result<ExitStatus> {
        let deadline = Instant::now() + timeout;
        let Some(thread) = self.thread.take() else {
            return Ok(ExitStatus::from_raw(0));
        };
        while !thread.is_finished() {
            if Instant::now() >= deadline {
                self.task.terminate();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "peer did not finish in time",
                ));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let outcome = thread
            .join()
            .map_err(|_| io::Error::other("the peer panicked"))?;
        self.task.terminate();
        match outcome {
            Ok(()) => Ok(ExitStatus::from_raw(0)),
            Err(error) => {
                eprintln!("peer failed: {error}");
                Ok(ExitStatus::from_raw(1 << 8))
            }
        }
    }

    /// Ends the peer's task at once, as `SIGKILL` ends a process; its
    /// thread's further kernel calls fail.
    pub fn kill(self) -> io::Result<()> {
        self.task.terminate();
        Ok(())
    }
}

/// The right's kind, name and (for shared memory) size; the name is no
/// longer owned by anything in this task.
fn take_name(right: Right) -> io::Result<(RightKind, u32, u64)> {
    let kind = right.kind();
    let (handle, len) = match right {
        Right::Send(r) => (r.handle, 0),
        Right::SendOnce(r) => (r.handle, 0),
        Right::Receive(r) => (r.handle, 0),
        Right::SharedMemory(r) => {
            let len = r.len;
            (r.handle, len)
        }
        Right::Fd(_) => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "descriptors do not travel over the simulator",
            ));
        }
    };
    match handle {
        Handle::Port(port) => Ok((kind, port.forget(), len)),
        Handle::Counted(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a counting double cannot go to another task",
        )),
    }
}

fn rebuild(kind: RightKind, name: u32, len: u64) -> Right {
    let port = |right| Handle::Port(PortName::new(name, right));
    match kind {
        RightKind::Receive => Right::Receive(ReceiveRight {
            handle: port(PortRight::Receive),
        }),
        RightKind::SendOnce => Right::SendOnce(SendOnceRight {
            handle: port(PortRight::SendOnce),
        }),
        RightKind::SharedMemory => Right::SharedMemory(SharedMemory {
            handle: port(PortRight::Send),
            len,
        }),
        _ => Right::Send(SendRight {
            handle: port(PortRight::Send),
        }),
    }
}
