//! The sending side of a bound channel, shareable across threads: frames,
//! async calls whose replies come back through the channel, and sync calls
//! answered on a reply port of the calling thread's own. [`Bound`] sends
//! through one; actor handles clone it.
//!
//! [`Bound`]: super::Bound

use std::sync::Arc;
use std::time::Duration;

use super::bind::framed;
use super::frame::{FrameFlags, FrameHeader};
use super::io::{ChannelSender, SendError};
use super::route::{RELEASED_UNANSWERED, ReplyRoutes};
use super::sync_call::SyncCallError;
use crate::actor::{PendingReplies, Reply, read_reply_body};
use crate::platform::{self, RecvError};
use crate::right::Right;
use crate::wire::{self, MachMessage, Message};

/// Sends frames on one channel from any thread.
#[derive(Clone, Debug)]
pub struct Outgoing {
    sender: ChannelSender,
    pending: PendingReplies,
    /// Reply ports kept for this channel's sync calls.
    routes: Arc<ReplyRoutes>,
}

impl Outgoing {
    pub(super) fn new(sender: ChannelSender, pending: PendingReplies) -> Outgoing {
        Outgoing {
            sender,
            pending,
            routes: Arc::default(),
        }
    }

    /// Sends a frame: `header`, then `message`'s body and rights. Never
    /// blocks; a refused `message` comes back as given.
    pub fn send(&self, header: FrameHeader, message: Message) -> Result<(), SendError> {
        self.sender
            .send(framed(header, message))
            .map_err(|error| error.map_message(unframed))
    }

    /// Sends a control frame with an empty body, past the queue bound
    /// (like replies, control frames answer what the peer did).
    pub fn send_control(&self, header: FrameHeader) -> Result<(), SendError> {
        let empty = Message {
            bytes: Vec::new(),
            rights: Vec::new(),
        };
        self.sender
            .send_reply(framed(header, empty))
            .map_err(|error| error.map_message(unframed))
    }

    /// Sends a call (`header` gets a fresh transaction) whose answer
    /// decodes as `T`. On a full queue or a closed channel the body comes
    /// back and no reply is pending.
    pub fn call<T: MachMessage>(
        &self,
        mut header: FrameHeader,
        body: Message,
    ) -> Result<Reply<T>, SendError> {
        let (transaction, reply) = match self.pending.register::<T>() {
            Ok(registered) => registered,
            Err(_) => return Err(SendError::Closed(body)),
        };
        header.transaction = transaction;
        match self.send(header, body) {
            Ok(()) => Ok(reply),
            Err(error) => {
                reply.cancel();
                Err(error)
            }
        }
    }

    /// Sends a sync call and blocks this thread (only) until its reply or
    /// `timeout`. The reply comes to a port of this channel's caller side
    /// (a reply route, see `channel::route`), or with every route busy to a
    /// fresh port whose send-once right travels as the frame's last right.
    /// Either way it never passes through the I/O thread or an event loop.
    pub fn call_sync<T: MachMessage>(
        &self,
        mut header: FrameHeader,
        mut body: Message,
        timeout: Duration,
    ) -> Result<T, SyncCallError> {
        header.flags = header.flags | FrameFlags::SYNC;
        header.transaction = self.pending.next_transaction();
        if !REPLY_ROUTES {
            return self.call_sync_once(header, body, timeout);
        }
        let Ok(Some((route, new_route))) = self.routes.take() else {
            return self.call_sync_once(header, body, timeout);
        };
        body.bytes.extend_from_slice(&route.id.to_le_bytes());
        header.flags = header.flags | FrameFlags::ROUTE;
        let new = new_route.is_some();
        if let Some(send) = new_route {
            header.flags = header.flags | FrameFlags::NEW_ROUTE;
            body.rights.push(Right::Send(send));
        }
        if let Err(error) = self.send(header, body) {
            let error = error.map_message(|mut message| {
                if new {
                    message.rights.pop();
                }
                message.bytes.truncate(message.bytes.len() - 4);
                message
            });
            if new {
                self.routes.unsent(route);
            } else {
                self.routes.give_back(route);
            }
            return Err(SyncCallError::Send(error));
        }
        let received = route.port.recv(Some(timeout));
        if received.is_ok() {
            self.routes.give_back(route);
        } else {
            // An answer may still come: the route cannot carry another call.
            self.routes.discard(route, &self.sender);
        }
        sync_answer(received)
    }

    /// A sync call answered on a fresh port: its one send-once right is
    /// the only way in, so nothing but this call's answer can arrive.
    fn call_sync_once<T: MachMessage>(
        &self,
        header: FrameHeader,
        mut body: Message,
        timeout: Duration,
    ) -> Result<T, SyncCallError> {
        let (reply_port, reply_to) = platform::reply_port().map_err(SyncCallError::ReplyPort)?;
        body.rights.push(Right::SendOnce(reply_to));
        if let Err(error) = self.send(header, body) {
            return Err(SyncCallError::Send(without_reply_right(error)));
        }
        sync_answer(reply_port.recv(Some(timeout)))
    }

    /// The calls of this channel still waiting for a reply.
    pub fn pending(&self) -> &PendingReplies {
        &self.pending
    }

    /// Stops sending on this channel (see [`ChannelSender::close`]); with
    /// `flush`, only after what is queued has gone out.
    pub fn close(&self, flush: bool) {
        // No more calls: the reply ports kept for them go now, not when
        // the last handle does.
        self.routes.forget_idle();
        if flush {
            self.sender.close_after_queue();
        } else {
            self.sender.close();
        }
    }

    /// The raw sender, for replies.
    pub(super) fn sender(&self) -> &ChannelSender {
        &self.sender
    }
}

/// Whether sync calls use reply routes: where a fresh reply port per call
/// is costly, on the Linux backend (a socket pair and a passed descriptor
/// per call). On Mach a sync call keeps its send-once reply right, the
/// kernel's own way to be answered exactly once (a port is cheap there).
const REPLY_ROUTES: bool = cfg!(all(target_os = "linux", not(feature = "mach-sim")));

/// What a sync call's reply port gave: the answer, or why there is none.
fn sync_answer<T: MachMessage>(
    received: Result<crate::platform::Received, RecvError>,
) -> Result<T, SyncCallError> {
    let received = match received {
        Ok(received) if received.message.bytes == [RELEASED_UNANSWERED] => {
            return Err(SyncCallError::NoReply);
        }
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

/// The body of a message [`framed`] made, as the caller gave it.
fn unframed(message: Message) -> Message {
    Message {
        bytes: message.bytes[FrameHeader::LEN..].to_vec(),
        rights: message.rights,
    }
}

/// A refused call's body as the caller gave it: the reply right this call
/// added is taken off again (and released).
fn without_reply_right(error: SendError) -> SendError {
    error.map_message(|mut message| {
        message.rights.pop();
        message
    })
}
