//! Receiving for channels: a [`Dispatch`] owns a port set of channels'
//! receive rights, hands each arrival to its channel's inbox (in order),
//! turns a peer's death or a malformed message into the channel's close,
//! and resumes sends that met a full peer queue.
//!
//! The process's I/O thread runs one dispatch, for channels nobody else
//! receives on and for every resumed send. An event loop that hosts actors
//! runs a dispatch of its own for their channels while it is idle (see
//! `actor::EventLoop`), so an arrival wakes the thread that handles it
//! rather than the I/O thread first.

use std::collections::HashMap;
use std::io;
#[cfg(not(feature = "mach-sim"))]
use std::sync::OnceLock;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};

use super::io::{ChannelEvent, CloseReason, INBOX_LIMIT, Outbound, OutboundState};
use crate::platform::{PortSet, PortSetEvent, RecvError, Token, TrySendError};
use crate::right::SendRight;

/// Called after an event was queued for a channel, so the channel's owner
/// (an event loop) can come and take it. It must not block and must not
/// run user code.
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// What one [`Dispatch::wait`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waited {
    /// An event for a channel was handled.
    Handled,
    /// A message arrived on a bare port (see [`Dispatch::insert_port`]),
    /// with its token; the message was dropped.
    Port(Token),
    /// Nothing came in time.
    Nothing,
    /// The set itself failed; every channel was closed.
    Failed,
}

/// A port set of channels and where their arrivals go.
#[derive(Debug)]
pub struct Dispatch {
    pub(super) set: PortSet,
    inboxes: Mutex<HashMap<Token, Inbox>>,
    writers: Mutex<HashMap<Token, Arc<Outbound>>>,
}

/// Where one channel's arrivals go.
#[derive(Clone)]
pub(super) struct Inbox {
    pub(super) events: mpsc::Sender<ChannelEvent>,
    pub(super) notify: Option<Notify>,
    pub(super) flow: Arc<Mutex<Flow>>,
}

/// How far a channel's owner is behind its dispatch.
#[derive(Debug, Default)]
pub(super) struct Flow {
    /// Events queued and not yet taken.
    pub(super) pending: usize,
    /// Whether the dispatch stopped reading the channel.
    pub(super) paused: bool,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox")
            .field("notify", &self.notify.is_some())
            .finish()
    }
}

impl Inbox {
    /// Queues `event`; false when its owner is gone.
    fn post(&self, event: ChannelEvent) -> bool {
        // Counted before it can be taken, so the count never runs behind.
        lock(&self.flow).pending += 1;
        if self.events.send(event).is_err() {
            return false;
        }
        if let Some(notify) = &self.notify {
            notify();
        }
        true
    }
}

thread_local! {
    /// Whether this thread is an I/O thread (which must never wait for a
    /// reply: it is what would deliver it).
    static ON_IO_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the calling thread is the runtime's I/O thread.
pub fn on_io_thread() -> bool {
    ON_IO_THREAD.with(std::cell::Cell::get)
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is a single map or queue operation, so a
    // panic elsewhere cannot leave the data inconsistent.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(not(feature = "mach-sim"))]
static IO: OnceLock<Arc<Dispatch>> = OnceLock::new();
/// Held while the I/O thread is being started, so only one is.
#[cfg(not(feature = "mach-sim"))]
static STARTING: Mutex<()> = Mutex::new(());

/// The dispatch of the process's I/O thread, started on first use.
#[cfg(not(feature = "mach-sim"))]
pub(super) fn io_thread() -> io::Result<Arc<Dispatch>> {
    if let Some(io) = IO.get() {
        return Ok(Arc::clone(io));
    }
    let _starting = lock(&STARTING);
    if let Some(io) = IO.get() {
        return Ok(Arc::clone(io));
    }
    let io = start(|| {})?;
    let _ = IO.set(Arc::clone(&io));
    Ok(io)
}

/// Over the simulator every simulated task is a process of its own, so
/// each gets its own I/O thread, acting in that task.
#[cfg(feature = "mach-sim")]
pub(super) fn io_thread() -> io::Result<Arc<Dispatch>> {
    static PER_TASK: Mutex<Option<HashMap<crate::mach_sim::TaskId, Arc<Dispatch>>>> =
        Mutex::new(None);
    let task = crate::mach_sim::current_task();
    let mut threads = lock(&PER_TASK);
    let threads = threads.get_or_insert_with(HashMap::new);
    if let Some(io) = threads.get(&task) {
        return Ok(Arc::clone(io));
    }
    let io = start(move || crate::mach_sim::bind_thread_to(task))?;
    threads.insert(task, Arc::clone(&io));
    Ok(io)
}

/// Starts an I/O thread; `setup` runs first on the new thread.
fn start(setup: impl FnOnce() + Send + 'static) -> io::Result<Arc<Dispatch>> {
    let io = Arc::new(Dispatch::new()?);
    let worker = Arc::clone(&io);
    std::thread::Builder::new()
        .name("machproto-io".into())
        .spawn(move || {
            ON_IO_THREAD.with(|flag| flag.set(true));
            setup();
            while worker.wait(None) != Waited::Failed {}
        })?;
    Ok(io)
}

impl Dispatch {
    /// An empty dispatch; someone must call [`Dispatch::wait`].
    pub fn new() -> io::Result<Dispatch> {
        Ok(Dispatch {
            set: PortSet::new()?,
            inboxes: Mutex::new(HashMap::new()),
            writers: Mutex::new(HashMap::new()),
        })
    }

    /// Adds a bare receive right whose arrivals the caller reads itself
    /// off [`Dispatch::wait`] (an event loop's wake-up port).
    pub fn insert_port(&self, receive: crate::ReceiveRight) -> io::Result<Token> {
        self.set.insert(receive)
    }

    /// Waits up to `timeout` (forever with `None`) for one event and
    /// handles it.
    pub fn wait(&self, timeout: Option<std::time::Duration>) -> Waited {
        match self.set.recv(timeout) {
            Ok(PortSetEvent::Message(token, received)) => {
                if !self.deliver(token, ChannelEvent::Message(received)) {
                    return Waited::Port(token);
                }
            }
            Ok(PortSetEvent::Malformed(token, reason)) => {
                // A bad message closes only its channel.
                if let Some(right) = self.set.remove(token) {
                    drop(right);
                }
                self.close(token, CloseReason::BadMessage(reason));
            }
            Ok(PortSetEvent::PeerGone(token, _right)) => {
                self.close(token, CloseReason::PeerGone);
            }
            Ok(PortSetEvent::Writable(token)) => self.resume(token),
            Err(RecvError::Timeout) => return Waited::Nothing,
            Err(RecvError::PeerGone | RecvError::Malformed(_)) => {}
            // The set itself failed (its task is gone, under the
            // simulator): nothing more can arrive; close every channel.
            Err(_) => {
                let inboxes: Vec<_> = lock(&self.inboxes).drain().collect();
                for (_, inbox) in inboxes {
                    inbox.post(ChannelEvent::Closed(CloseReason::Failed(
                        "the channel's port set failed".into(),
                    )));
                }
                return Waited::Failed;
            }
        }
        Waited::Handled
    }

    /// Registers `receive`'s arrivals to go to `inbox`.
    pub(super) fn register(&self, receive: crate::ReceiveRight, inbox: Inbox) -> io::Result<Token> {
        // The inbox is registered before the right joins the set, so no
        // arrival can find the channel unknown.
        let mut inboxes = lock(&self.inboxes);
        let token = self.set.insert(receive)?;
        inboxes.insert(token, inbox);
        Ok(token)
    }

    /// Stops receiving on a channel: its right leaves the set, released.
    pub(super) fn unregister(&self, token: Token) {
        lock(&self.inboxes).remove(&token);
        drop(self.set.remove(token));
    }

    /// Hands `event` to its channel; false when no inbox has `token`.
    fn deliver(&self, token: Token, event: ChannelEvent) -> bool {
        let inbox = lock(&self.inboxes).get(&token).cloned();
        let Some(inbox) = inbox else {
            return false;
        };
        {
            let mut flow = lock(&inbox.flow);
            if flow.pending + 1 >= INBOX_LIMIT && !flow.paused && self.set.pause(token).is_ok() {
                flow.paused = true;
            }
        }
        if !inbox.post(event) {
            // Nobody listens any more: the owner dropped the channel.
            self.unregister(token);
        }
        true
    }

    fn close(&self, token: Token, reason: CloseReason) {
        let inbox = lock(&self.inboxes).remove(&token);
        if let Some(inbox) = inbox {
            inbox.post(ChannelEvent::Closed(reason));
        }
    }

    /// Sends what a channel queued while its peer was full, until the
    /// queue is empty or full again (then watches again).
    fn resume(&self, token: Token) {
        let Some(outbound) = lock(&self.writers).remove(&token) else {
            return;
        };
        let mut state = lock(&outbound.state);
        let OutboundState {
            send,
            queue,
            closing,
        } = &mut *state;
        let Some(right) = send.as_ref() else {
            return;
        };
        while let Some(message) = queue.pop_front() {
            match right.try_send(message) {
                Ok(()) => {}
                Err(TrySendError::QueueFull(message)) => {
                    queue.push_front(message);
                    self.watch(&outbound, right);
                    return;
                }
                Err(_) => {
                    // The peer is gone; its receive side reports the close.
                    queue.clear();
                    *send = None;
                    return;
                }
            }
        }
        if *closing {
            *send = None;
        }
    }

    /// Resumes `outbound` (whose state lock the caller holds, `send` being
    /// its right) when the peer has room.
    pub(super) fn watch(&self, outbound: &Arc<Outbound>, send: &SendRight) {
        if let Ok(token) = self.set.watch_writable(send) {
            lock(&self.writers).insert(token, Arc::clone(outbound));
        }
    }
}
