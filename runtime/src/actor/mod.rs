//! Actors and where they run. So far: event loops with delivery priorities
//! and `[Compress]`, and replies to async calls (see `docs/runtime.md`);
//! the actor tree and sync calls come next.

mod event_loop;
mod reply;

pub use event_loop::{CompressKey, EventLoop, Priority};
pub(crate) use reply::read_reply_body;
pub use reply::{
    ANSWERED, PendingReplies, RESPONDER_DROPPED, Reply, ReplyError, ReplySink, Responder,
    UnexpectedReply,
};
