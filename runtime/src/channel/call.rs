//! Calls over a bound channel: a frame with a transaction number goes out
//! and its [`Reply`] waits; the peer answers through a [`Responder`] made
//! from the frame it received.

use std::time::{Duration, Instant};

use super::bind::{Bound, ChannelError, Frame, framed};
use super::frame::{FrameFlags, FrameHeader};
use super::io::{ChannelSender, SendError};
use super::route::ReplyTo;
use crate::actor::{Reply, ReplyError, ReplySink, Responder};
use crate::endpoint::ProtocolSide;
use crate::wire::{MachMessage, Message};

/// Answers one call on the channel it came in on.
struct ChannelReplySink {
    sender: ChannelSender,
    routing: u32,
    message: u32,
}

impl ReplySink for ChannelReplySink {
    fn send_reply(self: Box<Self>, transaction: u64, body: Message) {
        let header = FrameHeader {
            routing: self.routing,
            message: self.message,
            flags: FrameFlags::REPLY,
            transaction,
        };
        // A closed channel already failed the caller's reply; the body's
        // rights are released with the returned message.
        drop(self.sender.send_reply(framed(header, body)));
    }
}

/// Answers one sync call on the reply right it carried or on the
/// caller's reply route.
struct SyncReplySink {
    reply_to: ReplyTo,
}

impl ReplySink for SyncReplySink {
    fn send_reply(self: Box<Self>, _transaction: u64, body: Message) {
        self.reply_to.answer(body);
    }
}

impl<S: ProtocolSide> Bound<S> {
    /// Sends message `message` to actor `routing` as a call whose answer
    /// decodes as `T`. Never blocks; on a full queue or a closed channel
    /// the body comes back and no reply is pending.
    pub fn call<T: MachMessage>(
        &self,
        routing: u32,
        message: u32,
        body: Message,
    ) -> Result<Reply<T>, SendError> {
        if self.is_closed() {
            return Err(SendError::Closed(body));
        }
        let header = FrameHeader {
            routing,
            message,
            flags: FrameFlags::default(),
            transaction: 0,
        };
        self.outgoing().call(header, body)
    }

    /// The responder for a received call, or `None` for a frame that
    /// expects no reply (transaction 0) or whose responder was already
    /// given. For a sync call it takes the frame's reply right. The
    /// responder may move to any thread and outlive this borrow.
    pub fn responder<T: MachMessage>(&self, frame: &mut Frame) -> Option<Responder<T>> {
        let (transaction, sink) = self.reply_sink(frame)?;
        Some(Responder::new(transaction, sink))
    }

    /// Where the answer to a received call goes, untyped: its transaction
    /// and sink, or `None` as for [`Bound::responder`].
    pub(crate) fn reply_sink(&self, frame: &mut Frame) -> Option<(u64, Box<dyn ReplySink>)> {
        if frame.answered {
            return None;
        }
        frame.answered = true;
        if let Some(reply_to) = frame.reply_to.take() {
            let sink = SyncReplySink { reply_to };
            return Some((frame.header.transaction, Box::new(sink)));
        }
        if frame.header.transaction == 0 || frame.header.flags.contains(FrameFlags::REPLY) {
            return None;
        }
        let sink = ChannelReplySink {
            sender: self.outgoing().sender().clone(),
            routing: frame.header.routing,
            message: frame.header.message,
        };
        Some((frame.header.transaction, Box::new(sink)))
    }

    /// Waits up to `timeout` for `reply` on the thread that owns this
    /// channel, receiving meanwhile: frames that arrive first are kept, in
    /// order, for the next [`Bound::recv`]. (A thread that does not own the
    /// channel uses [`Reply::wait`] while the owner receives.)
    pub fn wait_reply<T: MachMessage>(
        &mut self,
        reply: Reply<T>,
        timeout: Duration,
    ) -> Result<T, ReplyError> {
        let deadline = Instant::now() + timeout;
        while !reply.is_done() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receive_one(left) {
                Ok(Some(frame)) => self.backlog.push_back(frame),
                Ok(None) => {}
                Err(ChannelError::Timeout) => return Err(ReplyError::Timeout),
                // The close failed every pending call, this one included.
                Err(_) => break,
            }
        }
        reply.wait(Duration::ZERO)
    }

    /// Calls still waiting for the peer's reply.
    pub fn pending_calls(&self) -> usize {
        self.outgoing().pending().pending()
    }
}
