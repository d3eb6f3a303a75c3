//! The frame header in front of every message on a channel.

use std::fmt;

/// Bits of [`FrameHeader::flags`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FrameFlags(pub u32);

impl FrameFlags {
    /// A reply to the call with the same transaction.
    pub const REPLY: FrameFlags = FrameFlags(1);
    /// A sync call: the sender is blocked until the reply.
    pub const SYNC: FrameFlags = FrameFlags(2);
    /// A constructor: creates the actor named by the routing id.
    pub const CONSTRUCTOR: FrameFlags = FrameFlags(4);
    /// A destructor: tears down the actor and its subtree.
    pub const DELETE: FrameFlags = FrameFlags(8);
    /// The binding handshake.
    pub const HELLO: FrameFlags = FrameFlags(16);
    /// A clean close of the channel.
    pub const GOODBYE: FrameFlags = FrameFlags(32);
    /// Acknowledges the peer's removal of an actor (a delete, or a refused
    /// constructor): frames for it in flight have all arrived.
    pub const ACK: FrameFlags = FrameFlags(64);
    /// A managed endpoint was opened (alone: routing names its manager,
    /// the body the new id and protocol) or dropped unbound (with
    /// `DELETE`: routing names the actor).
    pub const MANAGED: FrameFlags = FrameFlags(128);
    /// With `SYNC`: answer on the caller's reply route named by the
    /// body's last 4 bytes (see `channel::route`). With `GOODBYE` alone,
    /// body the id: the caller closed that route.
    pub const ROUTE: FrameFlags = FrameFlags(256);
    /// With `SYNC | ROUTE`: the route is new; its send right is the
    /// frame's last right.
    pub const NEW_ROUTE: FrameFlags = FrameFlags(512);
    const KNOWN: u32 = 1023;

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: FrameFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for FrameFlags {
    type Output = FrameFlags;
    fn bitor(self, other: FrameFlags) -> FrameFlags {
        FrameFlags(self.0 | other.0)
    }
}

/// Routing and correlation of one channel message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The actor: 0 is the channel's top-level actor.
    pub routing: u32,
    /// The protocol message (LANGUAGE.md L28).
    pub message: u32,
    /// What kind of frame.
    pub flags: FrameFlags,
    /// Non-zero for calls that expect a reply, echoed by the reply.
    pub transaction: u64,
}

/// A frame that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// Fewer bytes than a header.
    Truncated,
    /// Flag bits this version does not know.
    UnknownFlags(u32),
    /// A reply-route frame that breaks the route rules.
    Route(RouteError),
}

/// How a frame broke the reply-route rules (see `channel::route`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// Route flags in a combination that means nothing.
    BadFlags(u32),
    /// The body is too short to end with a route id.
    NoRouteId,
    /// A call on a route the caller never opened (or closed).
    UnknownRoute(u32),
    /// A new route whose id is already open.
    ReusedRoute(u32),
    /// A new route beyond the open routes a caller may hold.
    TooManyRoutes,
    /// A new route whose last right is not a send right.
    NoSendRight,
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::BadFlags(bits) => write!(f, "route flags in a meaningless mix {bits:#x}"),
            RouteError::NoRouteId => write!(f, "route frame without a route id"),
            RouteError::UnknownRoute(id) => write!(f, "call on unknown reply route {id}"),
            RouteError::ReusedRoute(id) => write!(f, "reply route {id} opened twice"),
            RouteError::TooManyRoutes => write!(f, "more reply routes than a caller may hold"),
            RouteError::NoSendRight => write!(f, "new reply route without a send right"),
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Truncated => write!(f, "frame shorter than its header"),
            FrameError::UnknownFlags(bits) => write!(f, "unknown frame flags {bits:#x}"),
            FrameError::Route(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for FrameError {}

impl FrameHeader {
    /// Bytes the header takes.
    pub const LEN: usize = 20;

    /// Appends the header to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.routing.to_le_bytes());
        out.extend_from_slice(&self.message.to_le_bytes());
        out.extend_from_slice(&self.flags.0.to_le_bytes());
        out.extend_from_slice(&self.transaction.to_le_bytes());
    }

    /// Reads a header from the front of `bytes`; returns it and the body.
    pub fn decode(bytes: &[u8]) -> Result<(FrameHeader, &[u8]), FrameError> {
        let (head, body) = bytes
            .split_at_checked(Self::LEN)
            .ok_or(FrameError::Truncated)?;
        let word =
            |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        let flags = word(8);
        if flags & !FrameFlags::KNOWN != 0 {
            return Err(FrameError::UnknownFlags(flags));
        }
        let mut transaction = [0u8; 8];
        transaction.copy_from_slice(&head[12..20]);
        Ok((
            FrameHeader {
                routing: word(0),
                message: word(4),
                flags: FrameFlags(flags),
                transaction: u64::from_le_bytes(transaction),
            },
            body,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_and_damage_is_refused() {
        let header = FrameHeader {
            routing: 7,
            message: 0xdead_beef,
            flags: FrameFlags::REPLY | FrameFlags::SYNC,
            transaction: u64::MAX,
        };
        let mut bytes = Vec::new();
        header.encode(&mut bytes);
        bytes.extend_from_slice(b"body");
        assert_eq!(FrameHeader::decode(&bytes), Ok((header, &b"body"[..])));
        assert_eq!(
            FrameHeader::decode(&bytes[..19]),
            Err(FrameError::Truncated)
        );
        bytes[9] = 0x04;
        assert_eq!(
            FrameHeader::decode(&bytes),
            Err(FrameError::UnknownFlags(0x403))
        );
    }
}
