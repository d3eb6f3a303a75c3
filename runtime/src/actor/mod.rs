//! Actors and where they run: event loops with delivery priorities and
//! `[Compress]`, replies to calls, and the actor tree of each channel
//! (see `docs/runtime.md`).

mod deliver;
mod destroy;
mod event_loop;
mod handle;
mod handler;
mod inbound;
mod link;
mod reply;
mod routes;
mod spec;

pub use destroy::{BadMessage, BadMessageHook, BadMessageReport, DestroyReason};
pub use event_loop::{CompressKey, EventLoop, Priority};
pub use handle::{ActorHandle, ActorSendError};
pub use handler::{Actor, Handled, Incoming};
pub use link::{ActorOptions, ActorSide};
pub(crate) use reply::read_reply_body;
pub use reply::{
    ANSWERED, PendingReplies, RESPONDER_DROPPED, Reply, ReplyError, ReplySink, Responder,
    UnexpectedReply,
};
pub use spec::{MessageKind, MessageSpec, SideSpec};
