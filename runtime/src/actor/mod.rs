//! Actors and where they run. So far: event loops with delivery priorities
//! and `[Compress]` (see `docs/runtime.md`); the actor tree, replies and
//! sync calls come next.

mod event_loop;
mod reply;

pub use event_loop::{CompressKey, EventLoop, Priority};
pub use reply::{
    ANSWERED, PendingReplies, RESPONDER_DROPPED, Reply, ReplyError, ReplySink, Responder,
    UnexpectedReply,
};
