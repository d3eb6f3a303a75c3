//! Endpoints: one side of a new channel of a protocol, carried in messages.
//!
//! An [`Endpoint`] holds its own receive right, a send right to its peer,
//! and the random nonce shared by the pair, and is typed by the protocol
//! side it is ([`ProtocolSide`]). Decoding checks that an incoming endpoint
//! is of the declared protocol and side. Binding an endpoint to a channel,
//! and the one-bind-per-nonce handshake, belong to the channel layer.

use std::fmt;
use std::marker::PhantomData;

use crate::right::{ReceiveRight, SendRight};
use crate::wire::{DecodeError, DecodeErrorKind, Decoder, EncodeError, Encoder, MachMessage};

/// Which side of a protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The parent side (receives `parent:` messages).
    Parent,
    /// The child side (receives `child:` messages).
    Child,
}

/// A side of a protocol, as a type: generated code declares one per side
/// (`CompositorParent`, `CompositorChild`).
pub trait ProtocolSide: 'static {
    /// The protocol's full name, `package.Protocol`.
    const PROTOCOL: &'static str;
    /// Which side this is.
    const SIDE: Side;
}

/// A top-level protocol: its two sides, as types.
pub trait Protocol: 'static {
    /// The parent side.
    type Parent: ProtocolSide;
    /// The child side.
    type Child: ProtocolSide;
}

/// The two endpoints of a new channel of protocol `P`.
pub type EndpointPair<P> = (
    Endpoint<<P as Protocol>::Parent>,
    Endpoint<<P as Protocol>::Child>,
);

/// A new channel of protocol `P`: the parent's endpoint and the child's.
/// Each holds its own receive right and a send right to the other's; both
/// carry the same fresh nonce, which the handshake uses to accept exactly
/// one bind of each.
#[cfg(any(target_os = "linux", target_vendor = "apple"))]
pub fn create_endpoints<P: Protocol>() -> std::io::Result<EndpointPair<P>> {
    let (parent_receive, to_parent) = crate::platform::port()?;
    let (child_receive, to_child) = crate::platform::port()?;
    let nonce = fresh_nonce();
    Ok((
        Endpoint::from_parts(parent_receive, to_child, nonce),
        Endpoint::from_parts(child_receive, to_parent, nonce),
    ))
}

/// A nonce no other pair in this process has: a per-process random key
/// (from the standard library's hash seeds) mixed with a counter.
pub(crate) fn fresh_nonce() -> u128 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let key = KEY.get_or_init(std::collections::hash_map::RandomState::new);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let half = |salt: u64| {
        let mut hasher = key.build_hasher();
        hasher.write_u64(count);
        hasher.write_u64(salt);
        hasher.write_u32(std::process::id());
        hasher.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// One side of a channel of protocol side `S`, not yet bound.
pub struct Endpoint<S: ProtocolSide> {
    receive: ReceiveRight,
    send: SendRight,
    nonce: u128,
    side: PhantomData<fn() -> S>,
}

impl<S: ProtocolSide> fmt::Debug for Endpoint<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("protocol", &S::PROTOCOL)
            .field("side", &S::SIDE)
            .field("receive", &self.receive)
            .field("send", &self.send)
            .finish_non_exhaustive()
    }
}

impl<S: ProtocolSide> Endpoint<S> {
    /// An endpoint made of its rights and the pair's nonce. The channel
    /// layer's `create_endpoints` is the usual way to get one.
    pub fn from_parts(receive: ReceiveRight, send: SendRight, nonce: u128) -> Endpoint<S> {
        Endpoint {
            receive,
            send,
            nonce,
            side: PhantomData,
        }
    }

    /// The rights and nonce.
    pub fn into_parts(self) -> (ReceiveRight, SendRight, u128) {
        (self.receive, self.send, self.nonce)
    }

    /// The nonce shared by the two endpoints of a pair.
    pub fn nonce(&self) -> u128 {
        self.nonce
    }
}

/// FNV-1a over the protocol's full name: a stable identity on the wire.
pub(crate) fn protocol_identity(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn side_byte(side: Side) -> u8 {
    match side {
        Side::Parent => 0,
        Side::Child => 1,
    }
}

/// Writes which protocol side `S` is, as endpoints carry it.
pub(crate) fn put_side<S: ProtocolSide>(encoder: &mut Encoder) {
    encoder.put_bytes(&protocol_identity(S::PROTOCOL).to_le_bytes());
    encoder.put_u8(side_byte(S::SIDE));
}

/// Reads what [`put_side`] wrote: the protocol's identity and the side.
pub(crate) fn take_side(decoder: &mut Decoder<'_>) -> Result<(u64, u8), DecodeError> {
    Ok((u64::decode(decoder)?, decoder.take_u8()?))
}

/// Whether what [`take_side`] read names side `S`; the error names what
/// was expected, after `kind` (`""`, or `"managed "`).
pub(crate) fn check_side<S: ProtocolSide>(
    (identity, side): (u64, u8),
    kind: &str,
) -> Result<(), DecodeError> {
    if identity == protocol_identity(S::PROTOCOL) && side == side_byte(S::SIDE) {
        return Ok(());
    }
    let suffix = match S::SIDE {
        Side::Parent => "Parent",
        Side::Child => "Child",
    };
    Err(DecodeError::new(DecodeErrorKind::WrongEndpoint {
        expected: format!("{kind}{}{suffix}", S::PROTOCOL),
    }))
}

impl<S: ProtocolSide> MachMessage for Endpoint<S> {
    const MIN_ENCODED_SIZE: usize = 8 + 1 + 16 + 4 + 4;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        put_side::<S>(encoder);
        encoder.put_bytes(&self.nonce.to_le_bytes());
        self.receive.encode(encoder)?;
        self.send.encode(encoder)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let side = take_side(decoder)?;
        let nonce = u128::decode(decoder)?;
        // Claim the rights before judging the header, so that a rejected
        // endpoint's rights are released here and cannot be claimed by a
        // later field.
        let receive = ReceiveRight::decode(decoder)?;
        let send = SendRight::decode(decoder)?;
        check_side::<S>(side, "")?;
        Ok(Endpoint::from_parts(receive, send, nonce))
    }
}
