//! Sync calls: the caller's thread blocks on a reply port of its own, whose
//! send-once right travels as the call frame's last right. The reply never
//! passes through the I/O thread or any event loop, so waiting for it
//! cannot wait on the caller itself; the callee answers through the same
//! [`Responder`](crate::actor::Responder) as for async calls.

use std::time::Duration;

use super::bind::Bound;
use super::frame::{FrameFlags, FrameHeader};
use super::io::SendError;
use crate::actor::read_reply_body;
use crate::endpoint::ProtocolSide;
use crate::platform::{self, RecvError};
use crate::right::Right;
use crate::wire::{self, DecodeError, MachMessage, Message};

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
        }
    }
}

impl std::error::Error for SyncCallError {}

impl<S: ProtocolSide> Bound<S> {
    /// Calls message `message` of actor `routing` and blocks this thread
    /// (only) until the reply or `timeout`. Frames arriving on this channel
    /// meanwhile wait, in order, for the next [`Bound::recv`].
    pub fn call_sync<T: MachMessage>(
        &self,
        routing: u32,
        message: u32,
        mut body: Message,
        timeout: Duration,
    ) -> Result<T, SyncCallError> {
        // A fresh port per call: its one send-once right is the only way
        // in, so nothing but this call's answer can arrive on it.
        let (reply_port, reply_to) = platform::reply_port().map_err(SyncCallError::ReplyPort)?;
        body.rights.push(Right::SendOnce(reply_to));
        let header = FrameHeader {
            routing,
            message,
            flags: FrameFlags::SYNC,
            transaction: self.pending.next_transaction(),
        };
        if let Err(error) = self.send(header, body) {
            return Err(SyncCallError::Send(without_reply_right(error)));
        }
        let received = match reply_port.recv(Some(timeout)) {
            Ok(received) => received.message,
            Err(RecvError::Timeout) => return Err(SyncCallError::Timeout),
            Err(RecvError::PeerGone) => return Err(SyncCallError::NoReply),
            Err(RecvError::Malformed(_)) => return Err(SyncCallError::BadReply),
            Err(RecvError::Io(error)) => return Err(SyncCallError::Failed(error.to_string())),
        };
        match read_reply_body(received) {
            Ok(Ok(value)) => wire::decode(value).map_err(SyncCallError::Decode),
            Ok(Err(_)) => Err(SyncCallError::ResponderDropped),
            Err(_) => Err(SyncCallError::BadReply),
        }
    }
}

/// A refused call's body as the caller gave it: the reply right this call
/// added is taken off again (and released).
fn without_reply_right(error: SendError) -> SendError {
    let strip = |mut message: Message| {
        message.rights.pop();
        message
    };
    match error {
        SendError::Backpressure(message) => SendError::Backpressure(strip(message)),
        SendError::Closed(message) => SendError::Closed(strip(message)),
    }
}
