//! Why actors end, and how a peer's protocol violation is reported.

use std::fmt;
use std::sync::Arc;

use crate::channel::{BindError, FrameError};
use crate::platform::{Credentials, Malformed};
use crate::wire::DecodeError;

use super::UnexpectedReply;

/// Why an actor was destroyed; each actor learns exactly one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DestroyReason {
    /// It was deleted (by either side).
    Deletion,
    /// An actor above it was deleted.
    AncestorDeletion,
    /// Its channel was closed cleanly, by either side.
    NormalShutdown,
    /// Its channel's peer went away without closing: it exited, crashed
    /// or was killed.
    AbnormalShutdown,
    /// The peer refused to construct it.
    FailedConstructor,
    /// The managed endpoint that would have bound it was dropped.
    ManagedEndpointDropped,
    /// The peer sent a message that failed validation, closing the channel.
    BadMessage(BadMessage),
    /// A handler of ours on this channel panicked: the channel was closed
    /// (the peer sees `AbnormalShutdown`), and the loop carries on.
    HandlerPanicked,
}

/// What was wrong with a message a peer sent. Every variant closes the
/// channel it came in on, and only that one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadMessage {
    /// The frame header could not be read.
    Frame(FrameError),
    /// The kernel-level message was malformed (wrong right kinds, a
    /// truncated payload).
    Transport(Malformed),
    /// The handshake was refused (or a frame came before it).
    Bind(BindError),
    /// A hello whose body did not decode.
    Hello(DecodeError),
    /// No actor with this routing id exists or ever existed.
    UnknownRouting {
        /// The routing id the frame named.
        routing: u32,
    },
    /// The actor's protocol side receives no message with this id.
    UnknownMessage {
        /// The protocol of the addressed actor.
        protocol: &'static str,
        /// The message id.
        message: u32,
    },
    /// A message this side sends came in: it goes the other way.
    WrongDirection {
        /// The protocol of the addressed actor.
        protocol: &'static str,
        /// The message id.
        message: u32,
    },
    /// The frame's flags do not match how the message travels (a call
    /// without a transaction, a sync message sent async, …).
    WrongKind {
        /// The message's name.
        message: &'static str,
    },
    /// A constructor whose new routing id is not the peer's to allocate,
    /// already in use, or not above the peer's previous one.
    BadConstructor {
        /// The routing id it asked for.
        routing: u32,
    },
    /// A message to an actor the peer itself deleted.
    AfterDelete {
        /// The routing id.
        routing: u32,
    },
    /// The body did not decode as the message's parameters.
    Undecodable {
        /// The message's name.
        message: &'static str,
        /// What the decoder found.
        error: DecodeError,
    },
    /// A reply that answers no call of ours.
    Reply(UnexpectedReply),
    /// A sync call without a send-once reply right as its last right.
    SyncWithoutReplyRight,
    /// More messages for a managed endpoint nobody has bound yet than
    /// may wait for it (`UNBOUND_LIMIT`).
    UnboundOverflow {
        /// The routing id.
        routing: u32,
    },
    /// A managed endpoint announced under an actor whose protocol does
    /// not manage the endpoint's.
    NotManaged {
        /// The manager's protocol.
        protocol: &'static str,
        /// The wire identity of the announced protocol.
        identity: u64,
    },
}

impl fmt::Display for BadMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadMessage::Frame(error) => write!(f, "bad frame: {error}"),
            BadMessage::Transport(error) => write!(f, "malformed message: {error:?}"),
            BadMessage::Bind(error) => write!(f, "bind refused: {error}"),
            BadMessage::Hello(error) => write!(f, "bad hello: {error}"),
            BadMessage::UnknownRouting { routing } => write!(f, "no actor {routing}"),
            BadMessage::UnknownMessage { protocol, message } => {
                write!(f, "{protocol} receives no message {message:#x}")
            }
            BadMessage::WrongDirection { protocol, message } => {
                write!(f, "message {message:#x} of {protocol} goes the other way")
            }
            BadMessage::WrongKind { message } => {
                write!(f, "{message} sent in a way its declaration does not allow")
            }
            BadMessage::BadConstructor { routing } => {
                write!(f, "constructor with an invalid new routing id {routing}")
            }
            BadMessage::AfterDelete { routing } => {
                write!(f, "message to actor {routing} after its deletion")
            }
            BadMessage::Undecodable { message, error } => {
                write!(f, "{message} did not decode: {error}")
            }
            BadMessage::Reply(error) => write!(f, "bad reply: {error}"),
            BadMessage::SyncWithoutReplyRight => {
                write!(f, "sync call without a send-once reply right")
            }
            BadMessage::UnboundOverflow { routing } => write!(
                f,
                "too many messages for managed endpoint {routing}, which nobody has bound"
            ),
            BadMessage::NotManaged { protocol, identity } => write!(
                f,
                "a managed endpoint of protocol {identity:#x}, which {protocol} does not manage"
            ),
        }
    }
}

impl std::error::Error for BadMessage {}

/// What the app's bad-message hook is told.
#[derive(Clone, Debug)]
pub struct BadMessageReport {
    /// The protocol of the channel's top-level actor.
    pub protocol: &'static str,
    /// What was wrong.
    pub reason: BadMessage,
    /// Who sent it, as the kernel saw it (to kill a misbehaving child),
    /// when the message got that far.
    pub sender: Option<Credentials>,
}

/// Called on the event loop when a peer's message closes a channel.
pub type BadMessageHook = Arc<dyn Fn(&BadMessageReport) + Send + Sync>;
