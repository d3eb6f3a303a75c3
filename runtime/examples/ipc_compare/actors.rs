//! The actor-level rows: `Echo` between two actors of a one-message
//! protocol, written the way generated code is. The child's actor answers
//! on its event loop; the parent calls through its actor handle.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use machproto_runtime::actor::{
    Actor, ActorHandle, ActorOptions, ActorSide, BadMessage, DestroyReason, EventLoop, Handled,
    Incoming, MessageKind, MessageSpec, Priority, Reply, SideSpec,
};
use machproto_runtime::wire::{self};
use machproto_runtime::{Endpoint, Protocol, ProtocolSide, Side};

use crate::common::io_err;

pub(crate) struct Echo;
pub(crate) struct EchoParent;
pub(crate) struct EchoChild;
impl ProtocolSide for EchoParent {
    const PROTOCOL: &'static str = "bench.Echo";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for EchoChild {
    const PROTOCOL: &'static str = "bench.Echo";
    const SIDE: Side = Side::Child;
}
impl Protocol for Echo {
    type Parent = EchoParent;
    type Child = EchoChild;
}

/// `child: async Echo(bytes) -> (bytes); sync SyncEcho(bytes) -> (bytes);`
/// (the child receives both here; the language allows `sync` only towards
/// the parent, which does not matter to the runtime's cost).
const ECHO: u32 = 1;
const SYNC_ECHO: u32 = 2;

static ECHO_PARENT: SideSpec = SideSpec {
    protocol: "bench.Echo",
    side: Side::Parent,
    receives: &[],
    sends: &[ECHO, SYNC_ECHO],
    peer_process: Some("bench-child"),
    manages: &[],
};

static ECHO_CHILD: SideSpec = SideSpec {
    protocol: "bench.Echo",
    side: Side::Child,
    receives: &[
        MessageSpec {
            id: ECHO,
            name: "Echo",
            kind: MessageKind::Call,
            priority: Priority::Normal,
            compress: false,
        },
        MessageSpec {
            id: SYNC_ECHO,
            name: "SyncEcho",
            kind: MessageKind::Sync,
            priority: Priority::Normal,
            compress: false,
        },
    ],
    sends: &[],
    peer_process: Some("bench-parent"),
    manages: &[],
};

impl ActorSide for EchoParent {
    const SPEC: &'static SideSpec = &ECHO_PARENT;
}
impl ActorSide for EchoChild {
    const SPEC: &'static SideSpec = &ECHO_CHILD;
}

/// The parent's actor receives nothing.
struct Caller;

impl Actor for Caller {
    fn receive(&mut self, incoming: Incoming) -> Result<Handled, BadMessage> {
        Err(BadMessage::UnknownMessage {
            protocol: "bench.Echo",
            message: incoming.id(),
        })
    }

    fn destroyed(&mut self, _reason: DestroyReason) {}
}

/// The child's actor answers with what it got.
struct Echoer;

impl Actor for Echoer {
    fn receive(&mut self, mut incoming: Incoming) -> Result<Handled, BadMessage> {
        let bytes: Vec<u8> = incoming.decode()?;
        let responder = incoming
            .responder::<Vec<u8>>()
            .ok_or(BadMessage::WrongKind {
                message: incoming.spec().name,
            })?;
        // Vec<u8> always encodes.
        let _ = responder.respond(bytes);
        Ok(Handled::Done)
    }

    fn destroyed(&mut self, _reason: DestroyReason) {}
}

/// The parent's side: its actor on a loop that the calling thread runs
/// (`EventLoop::run_until`), as an app keeps its actors on its main thread.
#[derive(Debug)]
pub(crate) struct ActorCaller {
    handle: ActorHandle,
    event_loop: EventLoop,
}

impl ActorCaller {
    pub(crate) fn open(endpoint: Endpoint<EchoParent>) -> io::Result<ActorCaller> {
        let event_loop = EventLoop::new();
        let options = ActorOptions::new("bench-parent");
        let handle = endpoint.open(&event_loop, &options, Box::new(Caller))?;
        Ok(ActorCaller { handle, event_loop })
    }

    /// Calls and runs the loop on this thread until the reply is in.
    pub(crate) fn call(&self, payload: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
        let reply = self.send_echo(payload)?;
        self.event_loop.run_until(timeout, || reply.is_done());
        reply.wait(Duration::ZERO).map_err(io_err)
    }

    /// Calls and blocks in `Reply::wait` while another thread runs the
    /// loop (see [`ActorCaller::run_elsewhere`]).
    pub(crate) fn call_and_wait(&self, payload: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
        self.send_echo(payload)?.wait(timeout).map_err(io_err)
    }

    fn send_echo(&self, payload: &[u8]) -> io::Result<Reply<Vec<u8>>> {
        let argument = wire::encode(payload.to_vec()).map_err(io_err)?;
        self.handle.call::<Vec<u8>>(ECHO, argument).map_err(io_err)
    }

    /// Runs the loop on a thread of its own until [`LoopRunner::finish`].
    pub(crate) fn run_elsewhere(&self) -> io::Result<LoopRunner> {
        let done = Arc::new(AtomicBool::new(false));
        let runner = self.event_loop.clone();
        let stop = Arc::clone(&done);
        let thread = std::thread::Builder::new()
            .name("bench-parent-loop".into())
            .spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    runner.run_one(None);
                }
            })?;
        Ok(LoopRunner {
            done,
            event_loop: self.event_loop.clone(),
            thread,
        })
    }

    pub(crate) fn call_sync(&self, payload: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
        let argument = wire::encode(payload.to_vec()).map_err(io_err)?;
        self.handle
            .call_sync::<Vec<u8>>(SYNC_ECHO, argument, timeout)
            .map_err(io_err)
    }
}

/// A thread running the caller's loop for a while.
pub(crate) struct LoopRunner {
    done: Arc<AtomicBool>,
    event_loop: EventLoop,
    thread: std::thread::JoinHandle<()>,
}

impl LoopRunner {
    /// Stops the thread (a no-op job wakes it) and waits for it.
    pub(crate) fn finish(self) -> io::Result<()> {
        self.done.store(true, Ordering::Release);
        self.event_loop.post(Priority::Control, None, || {});
        self.thread
            .join()
            .map_err(|_| io::Error::other("the loop thread panicked"))
    }
}

impl Drop for ActorCaller {
    fn drop(&mut self) {
        self.handle.close();
        // The close goes out when the loop next runs.
        self.event_loop
            .run_until(Duration::from_millis(100), || false);
        self.event_loop.stop();
    }
}

/// The child's side: answers on a loop of its own until the process exits.
pub(crate) fn serve(endpoint: Endpoint<EchoChild>) -> io::Result<(ActorHandle, EventLoop)> {
    let (event_loop, _) = EventLoop::spawn("bench-child-loop")?;
    let options = ActorOptions::new("bench-child");
    let handle = endpoint.open(&event_loop, &options, Box::new(Echoer))?;
    Ok((handle, event_loop))
}
