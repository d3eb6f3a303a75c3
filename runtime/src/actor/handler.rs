//! The runtime's view of one actor. Generated glue implements [`Actor`]
//! for each protocol side, decoding each [`Incoming`] message and calling
//! the app's handler trait; apps do not usually implement it themselves.

use crate::platform::Credentials;
use crate::wire::{self, MachMessage, Message};

use super::Responder;
use super::destroy::{BadMessage, DestroyReason};
use super::handle::ActorHandle;
use super::spec::MessageSpec;

/// One actor: receives validated messages on its event loop, and learns
/// once that it was destroyed.
pub trait Actor: Send + 'static {
    /// Handles one message, already validated against the actor's side
    /// (known id, right direction, right kind). Decoding its body is the
    /// glue's job: an `Err` (say, from [`Incoming::decode`]) closes the
    /// channel with [`DestroyReason::BadMessage`].
    fn receive(&mut self, incoming: Incoming) -> Result<Handled, BadMessage>;

    /// The actor is gone and gets no more messages. Called exactly once,
    /// on its event loop, after every descendant's.
    fn destroyed(&mut self, reason: DestroyReason);
}

/// What handling a message gave.
pub enum Handled {
    /// Nothing more to do.
    Done,
    /// For a constructor: the new actor, which then receives the messages
    /// that came for it.
    Constructed(Box<dyn Actor>),
    /// For a constructor: the app refused it. The peer's actor is
    /// destroyed with [`DestroyReason::FailedConstructor`].
    Refused,
}

impl std::fmt::Debug for Handled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handled::Done => "Done",
            Handled::Constructed(_) => "Constructed",
            Handled::Refused => "Refused",
        })
    }
}

/// One validated message for an actor.
pub struct Incoming {
    pub(super) spec: &'static MessageSpec,
    pub(super) body: Option<Message>,
    pub(super) sender: Credentials,
    pub(super) actor: ActorHandle,
    pub(super) new_actor: Option<ActorHandle>,
    /// A call's answer, untyped until the glue asks for it; dropped
    /// untaken, it rejects the call.
    pub(super) reply: Option<Responder<()>>,
}

impl std::fmt::Debug for Incoming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incoming")
            .field("message", &self.spec.name)
            .field("actor", &self.actor.routing_id())
            .field("sender", &self.sender)
            .finish()
    }
}

impl Incoming {
    /// The message's declaration.
    pub fn spec(&self) -> &'static MessageSpec {
        self.spec
    }

    /// Its identifier.
    pub fn id(&self) -> u32 {
        self.spec.id
    }

    /// Who sent it, as the kernel saw it.
    pub fn sender(&self) -> Credentials {
        self.sender
    }

    /// The actor it was sent to.
    pub fn actor(&self) -> &ActorHandle {
        &self.actor
    }

    /// For a constructor: the handle of the actor being constructed (it
    /// receives messages once [`Handled::Constructed`] gives its handler).
    pub fn new_actor(&self) -> Option<&ActorHandle> {
        self.new_actor.as_ref()
    }

    /// Decodes the body as `T` (once; a second call finds it empty). A
    /// failure is the peer's: returned as [`BadMessage::Undecodable`], it
    /// closes the channel, and the rights the body carried are released.
    pub fn decode<T: MachMessage>(&mut self) -> Result<T, BadMessage> {
        let body = self.body.take().unwrap_or(Message {
            bytes: Vec::new(),
            rights: Vec::new(),
        });
        wire::decode(body).map_err(|error| BadMessage::Undecodable {
            message: self.spec.name,
            error,
        })
    }

    /// The responder of a call (async with a reply, or sync), once. A call
    /// whose responder is never taken is rejected with `ResponderDropped`
    /// when this message is dropped.
    pub fn responder<T: MachMessage>(&mut self) -> Option<Responder<T>> {
        Some(self.reply.take()?.retype())
    }
}
