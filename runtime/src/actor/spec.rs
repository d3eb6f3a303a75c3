//! What generated code declares about each protocol side, as static
//! tables: the messages it receives, how each is delivered, and which
//! managed protocols its constructors create. The runtime validates every
//! incoming frame against these tables before any handler runs.

use crate::actor::Priority;
use crate::endpoint::Side;

/// One protocol side: what it receives.
#[derive(Debug)]
pub struct SideSpec {
    /// The protocol's full name, `package.Protocol`.
    pub protocol: &'static str,
    /// Which side.
    pub side: Side,
    /// The messages this side receives.
    pub receives: &'static [MessageSpec],
    /// The ids of the messages this side sends (the other side's
    /// `receives`), so that a frame going the wrong way is reported as
    /// such rather than as unknown.
    pub sends: &'static [u32],
    /// The process kind the peer must declare to bind the other side
    /// (`[ChildProc]` on the parent side, `[ParentProc]` on the child side).
    pub peer_process: Option<&'static str>,
    /// This side of each protocol this one manages: what a managed
    /// endpoint the peer opens under an actor of this side binds as.
    pub manages: &'static [&'static SideSpec],
}

impl SideSpec {
    /// This side of the managed protocol whose wire identity is
    /// `identity`, if this protocol manages it.
    pub fn managed(&self, identity: u64) -> Option<&'static SideSpec> {
        self.manages
            .iter()
            .copied()
            .find(|spec| crate::endpoint::protocol_identity(spec.protocol) == identity)
    }

    /// The message `id` this side receives.
    pub fn receiving(&self, id: u32) -> Option<&'static MessageSpec> {
        self.receives.iter().find(|message| message.id == id)
    }
}

/// One message a side receives.
#[derive(Debug)]
pub struct MessageSpec {
    /// Its identifier (LANGUAGE.md L28).
    pub id: u32,
    /// Its name in the protocol, for reports.
    pub name: &'static str,
    /// How it is sent and answered.
    pub kind: MessageKind,
    /// Delivery priority on the receiving event loop.
    pub priority: Priority,
    /// `[Compress]`: a queued, undelivered instance is replaced.
    pub compress: bool,
}

/// How a message travels.
#[derive(Debug)]
pub enum MessageKind {
    /// Async, no reply.
    Async,
    /// Async with a reply: the frame carries a transaction.
    Call,
    /// Sync: the frame carries a send-once reply right.
    Sync,
    /// Constructs an actor of a managed protocol on the receiving side,
    /// whose receiving side is described by the spec.
    Constructor(&'static SideSpec),
    /// Tears the actor and its subtree down.
    Delete,
}
