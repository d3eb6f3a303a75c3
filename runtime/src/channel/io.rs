//! The I/O thread: one per process, started by the first channel. It waits
//! on one port set holding every channel's receive right, hands what
//! arrives to each channel's event queue, and resumes sends that met a full
//! peer queue. It never runs user code and never blocks on a send.

use std::collections::{HashMap, VecDeque};
use std::io;
#[cfg(not(feature = "mach-sim"))]
use std::sync::OnceLock;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::platform::{Malformed, PortSet, PortSetEvent, Received, RecvError, Token, TrySendError};
use crate::right::{ReceiveRight, SendRight};
use crate::wire::Message;

/// Frames a channel holds for a slow peer before sends report
/// [`SendError::Backpressure`]: sends never block and never grow memory
/// without bound.
pub const SEND_QUEUE_LIMIT: usize = 4096;

/// Arrivals a channel holds for an owner that has not taken them before
/// the I/O thread stops reading that channel; it reads again once the
/// owner has taken half. A stalled owner thus costs bounded memory, and its
/// peer meets a full queue (backpressure) instead.
pub const INBOX_LIMIT: usize = 4096;

/// What the I/O thread hands a channel's owner.
#[derive(Debug)]
pub enum ChannelEvent {
    /// A message arrived.
    Message(Received),
    /// The channel closed; nothing more will arrive.
    Closed(CloseReason),
}

/// Why a channel closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// Every send right of the peer is gone: it exited, crashed or dropped
    /// its end.
    PeerGone,
    /// The peer sent a message that failed validation.
    BadMessage(Malformed),
    /// The kernel reported an error on the channel.
    Failed(String),
}

/// Why a send was not accepted.
#[derive(Debug)]
pub enum SendError {
    /// The peer is slow and this channel already holds
    /// [`SEND_QUEUE_LIMIT`] frames for it; the message comes back.
    Backpressure(Message),
    /// The channel is closed; the message comes back.
    Closed(Message),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Backpressure(_) => write!(f, "the peer is not keeping up"),
            SendError::Closed(_) => write!(f, "the channel is closed"),
        }
    }
}

impl std::error::Error for SendError {}

/// The sending half of a channel and its queue for a slow peer.
#[derive(Debug)]
struct Outbound {
    state: Mutex<OutboundState>,
}

#[derive(Debug)]
struct OutboundState {
    /// `None` once closed: the right is released, so the peer sees us gone.
    send: Option<SendRight>,
    queue: VecDeque<Message>,
    /// No new sends; the right goes once the queue has drained.
    closing: bool,
}

/// A channel registered with the I/O thread: its receive right is in the
/// port set, arrivals go to `events`.
#[derive(Debug)]
pub struct Channel {
    sender: ChannelSender,
    token: Token,
}

#[derive(Debug)]
struct IoThread {
    set: PortSet,
    inboxes: Mutex<HashMap<Token, Inbox>>,
    writers: Mutex<HashMap<Token, Arc<Outbound>>>,
}

/// Called by the I/O thread after it queued an event for a channel, so the
/// channel's owner (an event loop) can come and take it. It must not block
/// and must not run user code.
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// Where one channel's arrivals go.
#[derive(Clone)]
struct Inbox {
    events: mpsc::Sender<ChannelEvent>,
    notify: Option<Notify>,
    flow: Arc<Mutex<Flow>>,
}

/// How far a channel's owner is behind the I/O thread.
#[derive(Debug, Default)]
struct Flow {
    /// Events queued and not yet taken.
    pending: usize,
    /// Whether the I/O thread stopped reading the channel.
    paused: bool,
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

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is a single map or queue operation, so a
    // panic elsewhere cannot leave the data inconsistent.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(not(feature = "mach-sim"))]
static IO: OnceLock<Arc<IoThread>> = OnceLock::new();
/// Held while the I/O thread is being started, so only one is.
#[cfg(not(feature = "mach-sim"))]
static STARTING: Mutex<()> = Mutex::new(());

/// The process's I/O thread, started on first use.
#[cfg(not(feature = "mach-sim"))]
fn io_thread() -> io::Result<Arc<IoThread>> {
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
fn io_thread() -> io::Result<Arc<IoThread>> {
    static PER_TASK: Mutex<Option<HashMap<crate::mach_sim::TaskId, Arc<IoThread>>>> =
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
fn start(setup: impl FnOnce() + Send + 'static) -> io::Result<Arc<IoThread>> {
    let io = Arc::new(IoThread {
        set: PortSet::new()?,
        inboxes: Mutex::new(HashMap::new()),
        writers: Mutex::new(HashMap::new()),
    });
    let worker = Arc::clone(&io);
    std::thread::Builder::new()
        .name("machproto-io".into())
        .spawn(move || {
            ON_IO_THREAD.with(|flag| flag.set(true));
            setup();
            worker.run();
        })?;
    Ok(io)
}

impl IoThread {
    fn run(&self) {
        loop {
            match self.set.recv(None) {
                Ok(PortSetEvent::Message(token, received)) => {
                    self.deliver(token, ChannelEvent::Message(received));
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
                Err(RecvError::Timeout | RecvError::PeerGone | RecvError::Malformed(_)) => {}
                // The set itself failed (its task is gone, under the
                // simulator): nothing more can arrive; close every channel.
                Err(_) => {
                    let inboxes: Vec<_> = lock(&self.inboxes).drain().collect();
                    for (_, inbox) in inboxes {
                        inbox.post(ChannelEvent::Closed(CloseReason::Failed(
                            "the I/O thread's port set failed".into(),
                        )));
                    }
                    return;
                }
            }
        }
    }

    fn deliver(&self, token: Token, event: ChannelEvent) {
        let inbox = lock(&self.inboxes).get(&token).cloned();
        if let Some(inbox) = inbox {
            {
                let mut flow = lock(&inbox.flow);
                if flow.pending + 1 >= INBOX_LIMIT && !flow.paused && self.set.pause(token).is_ok()
                {
                    flow.paused = true;
                }
            }
            if !inbox.post(event) {
                // Nobody listens any more: the owner dropped the channel.
                lock(&self.inboxes).remove(&token);
                drop(self.set.remove(token));
            }
        }
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
    fn watch(&self, outbound: &Arc<Outbound>, send: &SendRight) {
        if let Ok(token) = self.set.watch_writable(send) {
            lock(&self.writers).insert(token, Arc::clone(outbound));
        }
    }
}

impl Channel {
    /// Registers a channel made of our `receive` right and a `send` right
    /// to the peer; what arrives (and the close) comes out of the returned
    /// events, in order.
    pub fn open(receive: ReceiveRight, send: SendRight) -> io::Result<(Channel, ChannelEvents)> {
        Channel::open_notifying(receive, send, None)
    }

    /// As [`Channel::open`], calling `notify` on the I/O thread after each
    /// event it queues.
    pub fn open_notifying(
        receive: ReceiveRight,
        send: SendRight,
        notify: Option<Notify>,
    ) -> io::Result<(Channel, ChannelEvents)> {
        let io = io_thread()?;
        let (events, inbox) = mpsc::channel();
        let flow = Arc::new(Mutex::new(Flow::default()));
        let events = Inbox {
            events,
            notify,
            flow: Arc::clone(&flow),
        };
        // The inbox is registered before the right joins the set, so no
        // arrival can find the channel unknown.
        let token = {
            let mut inboxes = lock(&io.inboxes);
            let token = io.set.insert(receive)?;
            inboxes.insert(token, events);
            token
        };
        let outbound = Arc::new(Outbound {
            state: Mutex::new(OutboundState {
                send: Some(send),
                queue: VecDeque::new(),
                closing: false,
            }),
        });
        let events = ChannelEvents {
            events: inbox,
            flow,
            io: Arc::clone(&io),
            token,
        };
        Ok((
            Channel {
                sender: ChannelSender { io, outbound },
                token,
            },
            events,
        ))
    }

    /// Sends `message` without ever blocking: straight to the peer when its
    /// queue has room, else into this channel's queue (bounded by
    /// [`SEND_QUEUE_LIMIT`]), which the I/O thread drains as the peer reads.
    pub fn send(&self, message: Message) -> Result<(), SendError> {
        self.sender.send(message)
    }

    /// A handle that sends on this channel from anywhere (a `Responder`
    /// answering from another thread); it does not keep the channel open
    /// for receiving.
    pub fn sender(&self) -> ChannelSender {
        self.sender.clone()
    }

    /// Frames waiting for the peer.
    pub fn queued(&self) -> usize {
        lock(&self.sender.outbound.state).queue.len()
    }

    /// The channel's token in the I/O thread's port set.
    pub fn token(&self) -> Token {
        self.token
    }
}

/// What arrives on a [`Channel`], in order; taking events is what lets
/// the I/O thread read on (see [`INBOX_LIMIT`]).
#[derive(Debug)]
pub struct ChannelEvents {
    events: mpsc::Receiver<ChannelEvent>,
    flow: Arc<Mutex<Flow>>,
    io: Arc<IoThread>,
    token: Token,
}

impl ChannelEvents {
    /// The next event, waiting up to `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<ChannelEvent, RecvTimeoutError> {
        let event = self.events.recv_timeout(timeout)?;
        self.took();
        Ok(event)
    }

    fn took(&self) {
        let mut flow = lock(&self.flow);
        flow.pending = flow.pending.saturating_sub(1);
        if flow.paused && flow.pending <= INBOX_LIMIT / 2 && self.io.set.resume(self.token).is_ok()
        {
            flow.paused = false;
        }
    }
}

/// The sending half of a [`Channel`], cloneable and shareable.
#[derive(Clone, Debug)]
pub struct ChannelSender {
    io: Arc<IoThread>,
    outbound: Arc<Outbound>,
}

impl ChannelSender {
    /// As [`Channel::send`].
    pub fn send(&self, message: Message) -> Result<(), SendError> {
        self.send_within(message, SEND_QUEUE_LIMIT)
    }

    /// Sends a reply, which may exceed [`SEND_QUEUE_LIMIT`]: the caller is
    /// waiting for it, and replies are bounded by the calls the peer made.
    pub fn send_reply(&self, message: Message) -> Result<(), SendError> {
        self.send_within(message, usize::MAX)
    }

    fn send_within(&self, message: Message, limit: usize) -> Result<(), SendError> {
        let mut state = lock(&self.outbound.state);
        let OutboundState {
            send,
            queue,
            closing,
        } = &mut *state;
        let Some(right) = send.as_ref().filter(|_| !*closing) else {
            return Err(SendError::Closed(message));
        };
        if !queue.is_empty() {
            if queue.len() >= limit {
                return Err(SendError::Backpressure(message));
            }
            queue.push_back(message);
            return Ok(());
        }
        match right.try_send(message) {
            Ok(()) => Ok(()),
            Err(TrySendError::QueueFull(message)) => {
                queue.push_back(message);
                // The I/O thread resumes the queue when the peer has room.
                self.io.watch(&self.outbound, right);
                Ok(())
            }
            Err(other) => {
                *send = None;
                Err(SendError::Closed(other.into_message()))
            }
        }
    }

    /// Stops sending: what is queued is dropped (its rights released) and
    /// the send right goes, so the peer sees the channel gone once every
    /// other sender of it is gone too. Idempotent.
    pub fn close(&self) {
        let mut state = lock(&self.outbound.state);
        state.queue.clear();
        state.send = None;
    }

    /// Stops sending once what is queued has gone out (a goodbye, say):
    /// new sends fail now, the right goes when the queue is empty.
    pub fn close_after_queue(&self) {
        let mut state = lock(&self.outbound.state);
        state.closing = true;
        if state.queue.is_empty() {
            state.send = None;
        }
    }
}

impl Channel {
    /// Stops receiving: the receive right leaves the I/O thread's set and
    /// is released, so the peer sees the channel gone. Idempotent.
    pub fn close(&self) {
        let io = &self.sender.io;
        lock(&io.inboxes).remove(&self.token);
        drop(io.set.remove(self.token));
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.close();
    }
}
