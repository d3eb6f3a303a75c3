//! Sync calls: the caller's thread blocks on a reply port of its own, whose
//! send-once right travels as the call frame's last right. The reply never
//! passes through the I/O thread or any event loop, so waiting for it
//! cannot wait on the caller itself; the callee answers through the same
//! [`Responder`](crate::actor::Responder) as for async calls.

use std::time::Duration;

use super::bind::Bound;
use super::frame::{FrameFlags, FrameHeader};
use super::io::SendError;
use crate::endpoint::ProtocolSide;
use crate::wire::{DecodeError, MachMessage, Message};

/// Why a sync call gave no value.
#[derive(Debug)]
pub enum SyncCallError {
    /// The call was not sent: the channel is closed or its queue full; the
    /// body comes back in the error.
    Send(SendError),
    /// No reply port could be made.
    ReplyPort(std::io::Error),
    /// Nothing came before the timeout.
    Timeout,
    /// The callee dropped its responder without answering.
    ResponderDropped,
    /// The reply right was released unanswered: the peer dropped the call
    /// without making a responder, refused the channel, or died.
    NoReply,
    /// The reply did not start with a known status byte.
    BadReply,
    /// The reply did not decode as the call's reply type.
    Decode(DecodeError),
    /// The reply port failed.
    Failed(String),
    /// Refused before sending: the calling thread is the one that would
    /// have to deliver the call (the I/O thread, or the event loop running
    /// the callee's side of this channel), so it could never be answered.
    WouldDeadlock,
    /// The called actor was destroyed; the body comes back.
    ActorDestroyed(Message),
    /// The parameters could not be encoded; nothing was sent.
    Invalid(crate::wire::EncodeError),
}

impl std::fmt::Display for SyncCallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncCallError::Send(error) => write!(f, "call not sent: {error}"),
            SyncCallError::ReplyPort(error) => write!(f, "no reply port: {error}"),
            SyncCallError::Timeout => write!(f, "no reply in time"),
            SyncCallError::ResponderDropped => write!(f, "the callee dropped the call"),
            SyncCallError::NoReply => write!(f, "the reply right was released unanswered"),
            SyncCallError::BadReply => write!(f, "reply without a known status byte"),
            SyncCallError::Decode(error) => write!(f, "reply did not decode: {error}"),
            SyncCallError::Failed(error) => write!(f, "reply port failed: {error}"),
            SyncCallError::ActorDestroyed(_) => write!(f, "the called actor was destroyed"),
            SyncCallError::Invalid(error) => write!(f, "parameters not encoded: {error}"),
            SyncCallError::WouldDeadlock => {
                write!(
                    f,
                    "refused: this thread would have to deliver the call itself"
                )
            }
        }
    }
}

impl std::error::Error for SyncCallError {}

/// Parameters that could not be encoded, so that generated sync methods
/// can write `wire::encode(params)?`.
impl From<crate::wire::EncodeError> for SyncCallError {
    fn from(error: crate::wire::EncodeError) -> SyncCallError {
        SyncCallError::Invalid(error)
    }
}

impl<S: ProtocolSide> Bound<S> {
    /// Calls message `message` of actor `routing` and blocks this thread
    /// (only) until the reply or `timeout`. Frames arriving on this channel
    /// meanwhile wait, in order, for the next [`Bound::recv`].
    pub fn call_sync<T: MachMessage>(
        &self,
        routing: u32,
        message: u32,
        body: Message,
        timeout: Duration,
    ) -> Result<T, SyncCallError> {
        if self.is_closed() {
            return Err(SyncCallError::Send(SendError::Closed(body)));
        }
        let header = FrameHeader {
            routing,
            message,
            flags: FrameFlags::SYNC,
            transaction: 0,
        };
        self.outgoing().call_sync(header, body, timeout)
    }
}
