//! Handles to actors: what generated send methods call. A handle is cheap
//! to clone and usable from any thread; once its actor is destroyed, sends
//! fail with a typed error (never a panic), and the message comes back.

use std::sync::Arc;
use std::time::Duration;

use crate::channel::{FrameFlags, FrameHeader, SendError, SyncCallError, on_io_thread};
use crate::wire::{MachMessage, Message};

use super::deliver;
use super::destroy::DestroyReason;
use super::event_loop::running_loop;
use super::handler::Actor;
use super::link::{Link, host_loop, lock};
use super::routes::{Routes, State};
use super::spec::SideSpec;
use super::{Priority, Reply};

/// An actor on our side of a channel.
#[derive(Clone)]
pub struct ActorHandle {
    link: Arc<Link>,
    routing: u32,
    spec: &'static SideSpec,
}

impl std::fmt::Debug for ActorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActorHandle")
            .field("protocol", &self.spec.protocol)
            .field("side", &self.spec.side)
            .field("routing", &self.routing)
            .finish()
    }
}

/// Why a message to an actor was not sent; the message comes back.
#[derive(Debug)]
pub enum ActorSendError {
    /// The actor was destroyed (deleted, or its constructor refused).
    Destroyed(Message),
    /// The actor's channel is closed or closing.
    Closed(Message),
    /// The peer is not keeping up (see [`crate::channel::SEND_QUEUE_LIMIT`]).
    Backpressure(Message),
    /// This channel has constructed 2³¹ actors; no routing id is left.
    RoutingIdsExhausted(Message),
    /// The parameters could not be encoded (a value over its bound, say);
    /// nothing was sent.
    Invalid(crate::wire::EncodeError),
    /// The kernel refused what the send needed (a port for a managed
    /// endpoint); nothing was sent.
    Kernel(std::io::Error),
}

impl std::fmt::Display for ActorSendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ActorSendError::Destroyed(_) => "the actor was destroyed",
            ActorSendError::Closed(_) => "the actor's channel is closed",
            ActorSendError::Backpressure(_) => "the peer is not keeping up",
            ActorSendError::RoutingIdsExhausted(_) => "no routing id is left on this channel",
            ActorSendError::Invalid(_) => "the parameters could not be encoded",
            ActorSendError::Kernel(_) => "the kernel refused a resource the send needed",
        })
    }
}

impl std::error::Error for ActorSendError {}

impl ActorSendError {
    /// The message that was not sent.
    pub fn into_message(self) -> Message {
        match self {
            ActorSendError::Destroyed(message)
            | ActorSendError::Closed(message)
            | ActorSendError::Backpressure(message)
            | ActorSendError::RoutingIdsExhausted(message) => message,
            ActorSendError::Invalid(_) | ActorSendError::Kernel(_) => Message::default(),
        }
    }
}

impl From<SendError> for ActorSendError {
    fn from(error: SendError) -> ActorSendError {
        match error {
            SendError::Backpressure(message) => ActorSendError::Backpressure(message),
            SendError::Closed(message) => ActorSendError::Closed(message),
        }
    }
}

/// Parameters that could not be encoded, so that generated send methods
/// can write `wire::encode(params)?`.
impl From<crate::wire::EncodeError> for ActorSendError {
    fn from(error: crate::wire::EncodeError) -> ActorSendError {
        ActorSendError::Invalid(error)
    }
}

impl ActorHandle {
    pub(super) fn new(link: Arc<Link>, routing: u32, spec: &'static SideSpec) -> ActorHandle {
        ActorHandle {
            link,
            routing,
            spec,
        }
    }

    /// The channel this actor is on.
    pub(super) fn link(&self) -> &Arc<Link> {
        &self.link
    }

    /// The actor's routing id on its channel (0 for the top-level actor).
    pub fn routing_id(&self) -> u32 {
        self.routing
    }

    /// The actor's protocol side.
    pub fn spec(&self) -> &'static SideSpec {
        self.spec
    }

    /// Whether the actor still exists and its channel is open.
    pub fn is_alive(&self) -> bool {
        let routes = lock(&self.link.routes);
        routes.closing.is_none() && routes.entries.contains_key(&self.routing)
    }

    /// Frames the I/O thread has handed this actor's channel so far
    /// (every arrival, before validation).
    pub fn arrivals(&self) -> u64 {
        self.link
            .arrivals
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Why nothing can be sent to this actor now, if so: its channel is
    /// closing, or it is gone (or being deleted by the peer).
    pub(super) fn refusal(&self, routes: &Routes) -> Option<fn(Message) -> ActorSendError> {
        if routes.closing.is_some() {
            return Some(ActorSendError::Closed);
        }
        match routes.entries.get(&self.routing) {
            Some(entry) if !entry.deleted_by_peer => None,
            _ => Some(ActorSendError::Destroyed),
        }
    }

    /// Checks that the actor can be sent to, with the table locked for
    /// the send (so a concurrent delete orders before or after it).
    fn checked<R>(
        &self,
        body: Message,
        send: impl FnOnce(Message) -> Result<R, ActorSendError>,
    ) -> Result<R, ActorSendError> {
        let routes = lock(&self.link.routes);
        match self.refusal(&routes) {
            Some(refused) => Err(refused(body)),
            None => send(body),
        }
    }

    fn header(&self, message: u32, flags: FrameFlags) -> FrameHeader {
        FrameHeader {
            routing: self.routing,
            message,
            flags,
            transaction: 0,
        }
    }

    /// Sends async message `message` with `body`. Never blocks.
    pub fn send(&self, message: u32, body: Message) -> Result<(), ActorSendError> {
        let header = self.header(message, FrameFlags::default());
        self.checked(body, |body| Ok(self.link.outgoing.send(header, body)?))
    }

    /// Sends async message `message` as a call whose answer decodes as
    /// `T`. Never blocks.
    pub fn call<T: MachMessage>(
        &self,
        message: u32,
        body: Message,
    ) -> Result<Reply<T>, ActorSendError> {
        let header = self.header(message, FrameFlags::default());
        self.checked(body, |body| Ok(self.link.outgoing.call(header, body)?))
    }

    /// Sends sync message `message` and blocks this thread until the
    /// answer or `timeout`. Refused with [`SyncCallError::WouldDeadlock`]
    /// on the I/O thread, or on the event loop that runs the callee.
    pub fn call_sync<T: MachMessage>(
        &self,
        message: u32,
        body: Message,
        timeout: Duration,
    ) -> Result<T, SyncCallError> {
        let peer = match self.link.side {
            crate::Side::Parent => crate::Side::Child,
            crate::Side::Child => crate::Side::Parent,
        };
        let callee_loop = host_loop(self.link.nonce, peer);
        if on_io_thread() || (callee_loop.is_some() && running_loop() == callee_loop) {
            return Err(SyncCallError::WouldDeadlock);
        }
        let refused = self.checked(body, Ok).map_err(|error| match error {
            ActorSendError::Destroyed(body) => SyncCallError::ActorDestroyed(body),
            other => SyncCallError::Send(SendError::Closed(other.into_message())),
        })?;
        let header = self.header(message, FrameFlags::SYNC);
        self.link.outgoing.call_sync(header, refused, timeout)
    }

    /// Constructs a managed actor under this one: `actor` is our side of
    /// it (described by `spec`), and constructor `message` with `body`
    /// makes the peer's side. Returns the new actor's handle.
    pub fn construct(
        &self,
        message: u32,
        body: Message,
        spec: &'static SideSpec,
        actor: Box<dyn Actor>,
    ) -> Result<ActorHandle, ActorSendError> {
        let mut routes = lock(&self.link.routes);
        if let Some(refused) = self.refusal(&routes) {
            return Err(refused(body));
        }
        let Some(routing) = routes.allocate() else {
            return Err(ActorSendError::RoutingIdsExhausted(body));
        };
        let mut bytes = Vec::with_capacity(4 + body.bytes.len());
        bytes.extend_from_slice(&routing.to_le_bytes());
        bytes.extend_from_slice(&body.bytes);
        let framed_body = Message {
            bytes,
            rights: body.rights,
        };
        let header = self.header(message, FrameFlags::CONSTRUCTOR);
        if let Err(error) = self.link.outgoing.send(header, framed_body) {
            let backpressure = matches!(error, SendError::Backpressure(_));
            let mut refused = error_message(error);
            refused.bytes.drain(..4);
            return Err(if backpressure {
                ActorSendError::Backpressure(refused)
            } else {
                ActorSendError::Closed(refused)
            });
        }
        routes.insert(routing, self.routing, spec, State::Live(actor));
        Ok(ActorHandle::new(Arc::clone(&self.link), routing, spec))
    }

    /// Deletes this actor with destructor `message` and `body`: the peer
    /// tears down its side, and ours is destroyed now, its subtree with
    /// [`DestroyReason::AncestorDeletion`] first, then it with
    /// [`DestroyReason::Deletion`] (the calls run on its event loop).
    pub fn delete(&self, message: u32, body: Message) -> Result<(), ActorSendError> {
        let header = self.header(message, FrameFlags::DELETE);
        let ended = {
            let mut routes = lock(&self.link.routes);
            // The top-level actor ends with its channel, not by `delete`.
            let refusal = self.refusal(&routes).or(match self.routing {
                0 => Some(ActorSendError::Destroyed as fn(Message) -> ActorSendError),
                _ => None,
            });
            if let Some(refused) = refusal {
                return Err(refused(body));
            }
            self.link.outgoing.send(header, body)?;
            let ended = routes.remove_and_bury(
                self.routing,
                DestroyReason::Deletion,
                DestroyReason::AncestorDeletion,
            );
            (ended, self.link.orphan_watches(&routes))
        };
        let (ended, orphans) = ended;
        drop(orphans);
        if !ended.is_empty() {
            self.link.event_loop.post(Priority::Control, None, move || {
                deliver::destroy_all(ended);
            });
        }
        Ok(())
    }

    /// Closes this actor's channel cleanly: the peer's actors and ours are
    /// all destroyed with [`DestroyReason::NormalShutdown`]. Messages
    /// queued for our actors and not yet handled are dropped.
    pub fn close(&self) {
        let goodbye = FrameHeader {
            routing: 0,
            message: 0,
            flags: FrameFlags::GOODBYE,
            transaction: 0,
        };
        let send_goodbye = || {
            // A peer already gone learns nothing either way.
            drop(self.link.outgoing.send_control(goodbye));
        };
        self.link
            .close_with(DestroyReason::NormalShutdown, true, send_goodbye);
    }
}

fn error_message(error: SendError) -> Message {
    match error {
        SendError::Backpressure(message) | SendError::Closed(message) => message,
    }
}
