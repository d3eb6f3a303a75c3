//! Errors of the platform layer.

use std::fmt;
use std::io;

use crate::wire::Message;

/// Why a received message was refused. The message's rights were released.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Shorter than the frame header, or a header that is not ours.
    BadHeader,
    /// The frame's length disagrees with its header.
    BadLength,
    /// A right kind the protocol does not know.
    BadRightKind(u8),
    /// More or fewer descriptors than the header declares.
    DescriptorCount {
        /// What the header declared (rights plus control descriptors).
        declared: usize,
        /// What arrived.
        received: usize,
    },
    /// The kernel could not deliver every descriptor (`MSG_CTRUNC`, for
    /// example because this process ran out of descriptors).
    ControlTruncated,
    /// A packet larger than any frame the sender may send.
    Oversized,
    /// A descriptor whose kernel object is not the kind declared for it.
    WrongObject {
        /// Position of the right in the message.
        index: usize,
    },
    /// Shared memory whose size is not sealed, so it could not be trusted.
    UnsealedMemory,
    /// The sender's credentials were missing.
    NoCredentials,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::BadHeader => write!(f, "bad frame header"),
            Malformed::BadLength => write!(f, "frame length disagrees with its header"),
            Malformed::BadRightKind(kind) => write!(f, "unknown right kind {kind}"),
            Malformed::DescriptorCount { declared, received } => {
                write!(f, "{received} descriptors received, {declared} declared")
            }
            Malformed::ControlTruncated => write!(f, "control data truncated (descriptors lost)"),
            Malformed::Oversized => write!(f, "packet larger than any valid frame"),
            Malformed::WrongObject { index } => {
                write!(f, "right {index} is not the kind of object declared")
            }
            Malformed::UnsealedMemory => write!(f, "shared memory size is not sealed"),
            Malformed::NoCredentials => write!(f, "sender credentials missing"),
        }
    }
}

/// Why receiving failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecvError {
    /// Nothing arrived before the timeout (or, for `try_recv`, nothing was queued).
    Timeout,
    /// Every send right to the port is gone and the queue is empty.
    PeerGone,
    /// A message arrived but was refused; its rights were released.
    Malformed(Malformed),
    /// The kernel reported an error.
    Io(io::Error),
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::Timeout => write!(f, "timed out"),
            RecvError::PeerGone => write!(f, "every sender is gone"),
            RecvError::Malformed(reason) => write!(f, "malformed message: {reason}"),
            RecvError::Io(error) => write!(f, "receive failed: {error}"),
        }
    }
}

impl std::error::Error for RecvError {}

impl From<io::Error> for RecvError {
    fn from(error: io::Error) -> RecvError {
        RecvError::Io(error)
    }
}

/// Why a non-blocking send did not happen. The message comes back, rights
/// included, unless it was the message that was wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum TrySendError {
    /// The port's queue is full; try again when it can take a message.
    QueueFull(Message),
    /// The receive right is gone.
    PeerGone(Message),
    /// The message has more rights than one message may carry.
    TooManyRights(Message),
    /// The kernel reported an error.
    Io(io::Error, Message),
}

impl TrySendError {
    /// The message that was not sent.
    pub fn into_message(self) -> Message {
        match self {
            TrySendError::QueueFull(message)
            | TrySendError::PeerGone(message)
            | TrySendError::TooManyRights(message)
            | TrySendError::Io(_, message) => message,
        }
    }
}

impl fmt::Display for TrySendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::QueueFull(_) => write!(f, "queue full"),
            TrySendError::PeerGone(_) => write!(f, "the receiver is gone"),
            TrySendError::TooManyRights(_) => write!(f, "too many rights for one message"),
            TrySendError::Io(error, _) => write!(f, "send failed: {error}"),
        }
    }
}

impl std::error::Error for TrySendError {}

/// Why a send that may wait did not happen.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The queue stayed full until the timeout.
    Timeout(Message),
    /// Any other failure.
    Failed(TrySendError),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Timeout(_) => write!(f, "queue stayed full until the timeout"),
            SendError::Failed(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for SendError {}
