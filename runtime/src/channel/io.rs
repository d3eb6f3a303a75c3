//! Channels: a receive right registered with a [`Dispatch`] (the I/O
//! thread's, or an event loop's), and a send right with a bounded queue
//! for a slow peer. Sends never block; what arrives comes out of
//! [`ChannelEvents`] in order.

use std::collections::VecDeque;
use std::io;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::dispatch::{Dispatch, Flow, Inbox, Notify, io_thread, lock};
use crate::platform::{Malformed, Received, Token, TrySendError};
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

impl SendError {
    /// The same refusal, its message passed through `f` (to hand back the
    /// message as the caller gave it).
    pub(crate) fn map_message(self, f: impl FnOnce(Message) -> Message) -> SendError {
        match self {
            SendError::Backpressure(message) => SendError::Backpressure(f(message)),
            SendError::Closed(message) => SendError::Closed(f(message)),
        }
    }
}

/// The sending half of a channel and its queue for a slow peer.
#[derive(Debug)]
pub(super) struct Outbound {
    pub(super) state: Mutex<OutboundState>,
}

#[derive(Debug)]
pub(super) struct OutboundState {
    /// `None` once closed: the right is released, so the peer sees us gone.
    pub(super) send: Option<SendRight>,
    pub(super) queue: VecDeque<Message>,
    /// No new sends; the right goes once the queue has drained.
    pub(super) closing: bool,
}

/// A channel registered with the I/O thread: its receive right is in the
/// port set, arrivals go to `events`.
#[derive(Debug)]
pub struct Channel {
    sender: ChannelSender,
    token: Token,
    /// Where the receive right is.
    receiver: Arc<Dispatch>,
}

impl Channel {
    /// Registers a channel made of our `receive` right and a `send` right
    /// to the peer; what arrives (and the close) comes out of the returned
    /// events, in order.
    pub fn open(receive: ReceiveRight, send: SendRight) -> io::Result<(Channel, ChannelEvents)> {
        Channel::open_notifying(receive, send, None, None)
    }

    /// As [`Channel::open`], receiving on `receiver` (the I/O thread's
    /// dispatch when `None`) and calling `notify` after each event queued.
    pub fn open_notifying(
        receive: ReceiveRight,
        send: SendRight,
        notify: Option<Notify>,
        receiver: Option<Arc<Dispatch>>,
    ) -> io::Result<(Channel, ChannelEvents)> {
        let io = io_thread()?;
        let receiver = receiver.unwrap_or_else(|| Arc::clone(&io));
        let (events, inbox) = mpsc::channel();
        let flow = Arc::new(Mutex::new(Flow::default()));
        let events = Inbox {
            events,
            notify,
            flow: Arc::clone(&flow),
        };
        let token = receiver.register(receive, events)?;
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
            receiver: Arc::clone(&receiver),
            token,
        };
        Ok((
            Channel {
                sender: ChannelSender { io, outbound },
                token,
                receiver,
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
    receiver: Arc<Dispatch>,
    token: Token,
}

impl ChannelEvents {
    /// The next event, waiting up to `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<ChannelEvent, RecvTimeoutError> {
        // Not waiting needs no clock: a pump looks here twice per message.
        let event = if timeout.is_zero() {
            self.events.try_recv().map_err(|error| match error {
                mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })?
        } else {
            self.events.recv_timeout(timeout)?
        };
        self.took();
        Ok(event)
    }

    /// Events queued and not yet taken (at most about [`INBOX_LIMIT`]).
    pub fn waiting(&self) -> usize {
        lock(&self.flow).pending
    }

    fn took(&self) {
        let mut flow = lock(&self.flow);
        flow.pending = flow.pending.saturating_sub(1);
        if flow.paused
            && flow.pending <= INBOX_LIMIT / 2
            && self.receiver.set.resume(self.token).is_ok()
        {
            flow.paused = false;
        }
    }
}

/// The sending half of a [`Channel`], cloneable and shareable.
#[derive(Clone, Debug)]
pub struct ChannelSender {
    io: Arc<Dispatch>,
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
        self.receiver.unregister(self.token);
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.close();
    }
}
