//! Binding an endpoint: its channel opens on the I/O thread, the first
//! frame it sends is a hello, and the first frame it accepts must be the
//! peer's hello — exactly one, of the same endpoint pair, protocol and the
//! other side. Anything else closes the channel with a typed error.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use super::dispatch::{Dispatch, Notify};
use super::frame::{FrameError, FrameFlags, FrameHeader};
use super::hello::{BindError, Hello, HelloRegistry};
use super::io::{Channel, ChannelEvent, ChannelEvents, CloseReason, SendError};
use super::outgoing::Outgoing;
use super::route::{ReplyPath, ReplyTo, RouteTable, Routed};
use crate::actor::{PendingReplies, UnexpectedReply};
use crate::endpoint::{Endpoint, ProtocolSide};
use crate::platform::Credentials;
use crate::right::Right;
use crate::wire::{self, DecodeError, Message};

/// A bound endpoint of side `S`: frames in and out of one channel.
pub struct Bound<S: ProtocolSide> {
    channel: Channel,
    /// Sends on `channel`; our calls waiting for the peer's replies.
    outgoing: Outgoing,
    events: ChannelEvents,
    hello: HelloRegistry,
    /// The reply routes the peer opened for its sync calls.
    routes: RouteTable,
    closed: Option<CloseReason>,
    /// Frames that arrived while the owner waited for a reply, in order.
    pub(super) backlog: VecDeque<Frame>,
    side: PhantomData<fn() -> S>,
}

/// One received frame.
#[derive(Debug)]
pub struct Frame {
    /// Routing and correlation.
    pub header: FrameHeader,
    /// The message body (wire format).
    pub body: Vec<u8>,
    /// The rights the body refers to.
    pub rights: Vec<Right>,
    /// Who sent it, as the kernel saw it.
    pub sender: Credentials,
    /// For a sync call: the right its reply goes to, which
    /// [`Bound::responder`] takes (dropped unanswered, the caller learns
    /// the call went unanswered).
    pub reply_to: Option<ReplyTo>,
    /// Whether [`Bound::responder`] already gave this call's responder: a
    /// second answer would look forged to the peer and close the channel.
    pub(super) answered: bool,
}

/// Why a bound channel did not deliver a frame.
#[derive(Debug)]
pub enum ChannelError {
    /// Nothing arrived in time.
    Timeout,
    /// The channel closed (also for every later call).
    Closed(CloseReason),
    /// The peer's hello was refused; the channel is closed.
    Bind(BindError),
    /// A frame without a valid header; the channel is closed.
    Frame(FrameError),
    /// A hello whose body did not decode; the channel is closed.
    Hello(DecodeError),
    /// A reply that answers no pending call; the channel is closed.
    Reply(UnexpectedReply),
    /// A sync call whose last right is not a send-once reply right; the
    /// channel is closed.
    SyncWithoutReplyRight,
}

impl std::fmt::Display for ChannelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChannelError::Timeout => write!(f, "nothing arrived in time"),
            ChannelError::Closed(reason) => write!(f, "channel closed: {reason:?}"),
            ChannelError::Bind(error) => write!(f, "bind refused: {error}"),
            ChannelError::Frame(error) => write!(f, "bad frame: {error}"),
            ChannelError::Hello(error) => write!(f, "bad hello: {error}"),
            ChannelError::Reply(error) => write!(f, "bad reply: {error}"),
            ChannelError::SyncWithoutReplyRight => {
                write!(f, "sync call without a send-once reply right")
            }
        }
    }
}

impl std::error::Error for ChannelError {}

impl<S: ProtocolSide> Endpoint<S> {
    /// Binds this endpoint as a process of kind `process_kind`, requiring
    /// the peer to be of kind `peer_kind` when the protocol says so
    /// (`[ChildProc]` / `[ParentProc]`).
    pub fn bind(self, process_kind: &str, peer_kind: Option<&str>) -> std::io::Result<Bound<S>> {
        self.bind_notifying(process_kind, peer_kind, None, None)
    }

    /// As [`Endpoint::bind`], with `notify` called on the I/O thread after
    /// each arrival it queues for this channel.
    pub(crate) fn bind_notifying(
        self,
        process_kind: &str,
        peer_kind: Option<&str>,
        notify: Option<Notify>,
        receiver: Option<Arc<Dispatch>>,
    ) -> std::io::Result<Bound<S>> {
        let (receive, send, nonce) = self.into_parts();
        let (channel, events) = Channel::open_notifying(receive, send, notify, receiver)?;
        let hello =
            wire::encode(Hello::new::<S>(nonce, process_kind)).map_err(std::io::Error::other)?;
        let header = FrameHeader {
            routing: 0,
            message: 0,
            flags: FrameFlags::HELLO,
            transaction: 0,
        };
        channel
            .send(framed(header, hello))
            .map_err(|error| std::io::Error::other(error.to_string()))?;
        let outgoing = Outgoing::new(channel.sender(), PendingReplies::new());
        Ok(Bound {
            channel,
            outgoing,
            events,
            hello: HelloRegistry::new::<S>(nonce, peer_kind),
            routes: RouteTable::default(),
            closed: None,
            backlog: VecDeque::new(),
            side: PhantomData,
        })
    }
}

/// `message` with `header` in front of its bytes.
pub(super) fn framed(header: FrameHeader, message: Message) -> Message {
    let mut bytes = Vec::with_capacity(FrameHeader::LEN + message.bytes.len());
    header.encode(&mut bytes);
    bytes.extend_from_slice(&message.bytes);
    Message {
        bytes,
        rights: message.rights,
    }
}

impl<S: ProtocolSide> Bound<S> {
    /// Sends a frame: `header`, then `message`'s body and rights. Never
    /// blocks (see [`Channel::send`]); a refused `message` comes back as given.
    pub fn send(&self, header: FrameHeader, message: Message) -> Result<(), SendError> {
        if self.closed.is_some() {
            return Err(SendError::Closed(message));
        }
        self.outgoing.send(header, message)
    }

    /// Whether the peer's hello has been accepted.
    pub fn is_bound(&self) -> bool {
        self.hello.is_bound()
    }

    /// The next frame from the peer, waiting up to `timeout` for each
    /// arrival. The peer's hello is checked, and replies handed to their
    /// calls, on the way; neither is returned.
    pub fn recv(&mut self, timeout: Duration) -> Result<Frame, ChannelError> {
        if let Some(frame) = self.backlog.pop_front() {
            return Ok(frame);
        }
        loop {
            if let Some(frame) = self.receive_one(timeout)? {
                return Ok(frame);
            }
        }
    }

    /// The next frame already here, without waiting: `Ok(None)` when the
    /// arrival was a hello or a reply (handled here), `Err(Timeout)` when
    /// nothing is waiting.
    pub(crate) fn try_next(&mut self) -> Result<Option<Frame>, ChannelError> {
        if let Some(frame) = self.backlog.pop_front() {
            return Ok(Some(frame));
        }
        self.receive_one(Duration::ZERO)
    }

    /// Takes one arrival: `Some` frame for the owner, or `None` when it was
    /// a hello or a reply (handled here).
    pub(super) fn receive_one(&mut self, timeout: Duration) -> Result<Option<Frame>, ChannelError> {
        if let Some(reason) = &self.closed {
            return Err(ChannelError::Closed(reason.clone()));
        }
        let received = match self.events.recv_timeout(timeout) {
            Ok(ChannelEvent::Message(received)) => received,
            Ok(ChannelEvent::Closed(reason)) => {
                self.mark_closed(reason.clone());
                return Err(ChannelError::Closed(reason));
            }
            Err(RecvTimeoutError::Timeout) => return Err(ChannelError::Timeout),
            Err(RecvTimeoutError::Disconnected) => {
                self.mark_closed(CloseReason::PeerGone);
                return Err(ChannelError::Closed(CloseReason::PeerGone));
            }
        };
        let sender = received.sender;
        let (header, body) = match FrameHeader::decode(&received.message.bytes) {
            Ok((header, body)) => (header, body.to_vec()),
            Err(error) => return Err(self.refuse(ChannelError::Frame(error))),
        };
        let rights = received.message.rights;
        if header.flags.contains(FrameFlags::HELLO) {
            let hello: Hello = match wire::decode(Message {
                bytes: body,
                rights,
            }) {
                Ok(hello) => hello,
                Err(error) => return Err(self.refuse(ChannelError::Hello(error))),
            };
            if let Err(error) = self.hello.accept(&hello) {
                return Err(self.refuse(ChannelError::Bind(error)));
            }
            return Ok(None);
        }
        if !self.hello.is_bound() {
            // Nothing but a hello may come first.
            return Err(self.refuse(ChannelError::Bind(BindError::NoHello)));
        }
        if header.flags.contains(FrameFlags::REPLY) {
            let body = Message {
                bytes: body,
                rights,
            };
            if let Err(error) = self.outgoing.pending().complete(header.transaction, body) {
                return Err(self.refuse(ChannelError::Reply(error)));
            }
            return Ok(None);
        }
        let (mut header, mut body, mut rights) = (header, body, rights);
        let reply_to = if header.flags.contains(FrameFlags::ROUTE) {
            match self.routes.accept(&mut header, &mut body, &mut rights) {
                Ok(Routed::Call(route)) => Some(ReplyTo(Some(ReplyPath::Route(route)))),
                Ok(Routed::Closed) => return Ok(None),
                Err(error) => {
                    return Err(self.refuse(ChannelError::Frame(FrameError::Route(error))));
                }
            }
        } else if header.flags.contains(FrameFlags::SYNC) {
            match rights.pop() {
                Some(Right::SendOnce(reply_to)) => Some(ReplyTo(Some(ReplyPath::Once(reply_to)))),
                // The rights taken so far are released as they drop.
                _ => return Err(self.refuse(ChannelError::SyncWithoutReplyRight)),
            }
        } else {
            None
        };
        Ok(Some(Frame {
            header,
            body,
            rights,
            sender,
            reply_to,
            answered: false,
        }))
    }

    /// Closes the channel because of `error` and returns it.
    fn refuse(&mut self, error: ChannelError) -> ChannelError {
        self.mark_closed(CloseReason::Failed(error.to_string()));
        // The peer sees the channel gone: our receive right is released.
        self.channel.close();
        self.discard_unread();
        error
    }

    /// Drops what arrived and will never be read now that the channel is
    /// closed, releasing its rights at once: a sync call's reply right
    /// among them tells its caller `NoReply` now, not when this goes.
    fn discard_unread(&mut self) {
        while self.events.recv_timeout(Duration::ZERO).is_ok() {}
    }
}

impl<S: ProtocolSide> Bound<S> {
    /// Records the close and fails every call still waiting for a reply.
    pub(super) fn mark_closed(&mut self, reason: CloseReason) {
        self.outgoing.pending().fail_all(&reason);
        // The peer's reply routes go now, not when this is dropped: a caller
        // blocked on one whose call will never be read learns it at once.
        self.routes = RouteTable::default();
        self.closed = Some(reason);
    }

    /// Whether the channel has closed.
    pub(super) fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    /// The sending half, shareable with other threads.
    pub fn outgoing(&self) -> &Outgoing {
        &self.outgoing
    }

    /// Closes the channel from our side: the receive right is released (the
    /// peer sees us gone), later sends fail, and every pending call fails
    /// with `reason`.
    pub(crate) fn shut(&mut self, reason: CloseReason) {
        if self.closed.is_none() {
            self.mark_closed(reason);
        }
        self.channel.close();
        self.discard_unread();
    }
}

impl<S: ProtocolSide> std::fmt::Debug for Bound<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound")
            .field("protocol", &S::PROTOCOL)
            .field("side", &S::SIDE)
            .field("channel", &self.channel)
            .field("closed", &self.closed)
            .field("pending", self.outgoing.pending())
            .field("backlog", &self.backlog.len())
            .finish()
    }
}

impl<S: ProtocolSide> Drop for Bound<S> {
    fn drop(&mut self) {
        // Callers still waiting on this channel learn it is gone now rather
        // than at their timeout.
        self.outgoing
            .pending()
            .fail_all(&CloseReason::Failed("the channel's owner closed it".into()));
    }
}
