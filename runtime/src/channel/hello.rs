//! The binding handshake: the first frame on a channel says which endpoint
//! pair, protocol and side the sender is, and the receiver accepts exactly
//! one such hello per channel.

use std::fmt;

use crate::endpoint::{ProtocolSide, Side, protocol_identity};
use crate::wire::{DecodeError, DecodeErrorKind, Decoder, EncodeError, Encoder, MachMessage};

/// The longest process kind a hello may name (`[ChildProc = …]`).
const MAX_PROCESS_KIND: u64 = 64;

/// What a binding endpoint announces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hello {
    /// The nonce shared by the endpoint pair.
    pub nonce: u128,
    /// FNV-1a of the protocol's full name.
    pub protocol: u64,
    /// The sender's side.
    pub side: Side,
    /// The sender's process kind, checked against `[ChildProc]` /
    /// `[ParentProc]`.
    pub process_kind: String,
}

impl Hello {
    /// The hello of an endpoint of side `S` with `nonce`.
    pub fn new<S: ProtocolSide>(nonce: u128, process_kind: &str) -> Hello {
        Hello {
            nonce,
            protocol: protocol_identity(S::PROTOCOL),
            side: S::SIDE,
            process_kind: process_kind.to_owned(),
        }
    }
}

impl MachMessage for Hello {
    const MIN_ENCODED_SIZE: usize = 16 + 8 + 1 + 4;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        self.nonce.encode(encoder)?;
        self.protocol.encode(encoder)?;
        encoder.put_u8(match self.side {
            Side::Parent => 0,
            Side::Child => 1,
        });
        encoder.with_bound(MAX_PROCESS_KIND, |e| self.process_kind.encode(e))
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let nonce = u128::decode(decoder)?;
        let protocol = u64::decode(decoder)?;
        let side = match decoder.take_u8()? {
            0 => Side::Parent,
            1 => Side::Child,
            other => {
                return Err(DecodeError::new(DecodeErrorKind::UnknownVariant(
                    u32::from(other),
                )));
            }
        };
        let process_kind = decoder.with_bound(MAX_PROCESS_KIND, String::decode)?;
        Ok(Hello {
            nonce,
            protocol,
            side,
            process_kind,
        })
    }
}

/// Why a bind was refused; the channel is closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindError {
    /// The hello names another endpoint pair.
    WrongNonce,
    /// This channel already accepted a hello: the endpoint was bound twice.
    SecondBind,
    /// The hello is for another protocol.
    WrongProtocol,
    /// The hello comes from the same side as ours.
    WrongSide,
    /// A frame came before the peer's hello.
    NoHello,
    /// The sender's process kind is not the one the protocol allows.
    ProcessKindRefused {
        /// What the protocol allows.
        expected: String,
        /// What the sender said it is.
        found: String,
    },
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindError::WrongNonce => write!(f, "the hello belongs to another endpoint pair"),
            BindError::SecondBind => write!(f, "the endpoint was bound a second time"),
            BindError::WrongProtocol => write!(f, "the hello is for another protocol"),
            BindError::WrongSide => write!(f, "the hello comes from the same side"),
            BindError::NoHello => write!(f, "a frame came before the peer's hello"),
            BindError::ProcessKindRefused { expected, found } => {
                write!(
                    f,
                    "process kind `{found}` may not bind this side (expected `{expected}`)"
                )
            }
        }
    }
}

impl std::error::Error for BindError {}

/// The receiving side's check of hellos on one channel.
#[derive(Debug)]
pub struct HelloRegistry {
    nonce: u128,
    protocol: u64,
    own_side: Side,
    peer_kind: Option<String>,
    accepted: bool,
}

impl HelloRegistry {
    /// Checks for the channel of our endpoint of side `S` with `nonce`;
    /// `peer_kind` is the process kind the protocol requires of the peer.
    pub fn new<S: ProtocolSide>(nonce: u128, peer_kind: Option<&str>) -> HelloRegistry {
        HelloRegistry {
            nonce,
            protocol: protocol_identity(S::PROTOCOL),
            own_side: S::SIDE,
            peer_kind: peer_kind.map(str::to_owned),
            accepted: false,
        }
    }

    /// Accepts `hello` if it is the first one of the peer endpoint.
    pub fn accept(&mut self, hello: &Hello) -> Result<(), BindError> {
        if self.accepted {
            return Err(BindError::SecondBind);
        }
        if hello.protocol != self.protocol {
            return Err(BindError::WrongProtocol);
        }
        if hello.side == self.own_side {
            return Err(BindError::WrongSide);
        }
        if hello.nonce != self.nonce {
            return Err(BindError::WrongNonce);
        }
        if let Some(expected) = &self.peer_kind {
            if *expected != hello.process_kind {
                return Err(BindError::ProcessKindRefused {
                    expected: expected.clone(),
                    found: hello.process_kind.clone(),
                });
            }
        }
        self.accepted = true;
        Ok(())
    }

    /// Whether the peer has bound.
    pub fn is_bound(&self) -> bool {
        self.accepted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire;

    struct EchoParent;
    impl ProtocolSide for EchoParent {
        const PROTOCOL: &'static str = "test.Echo";
        const SIDE: Side = Side::Parent;
    }
    struct EchoChild;
    impl ProtocolSide for EchoChild {
        const PROTOCOL: &'static str = "test.Echo";
        const SIDE: Side = Side::Child;
    }
    struct OtherChild;
    impl ProtocolSide for OtherChild {
        const PROTOCOL: &'static str = "test.Other";
        const SIDE: Side = Side::Child;
    }

    #[test]
    fn exactly_one_hello_of_the_right_pair_protocol_and_side() {
        let mut registry = HelloRegistry::new::<EchoParent>(42, Some("content"));
        let hello = Hello::new::<EchoChild>(42, "content");
        let back: Hello = wire::decode(wire::encode(hello.clone()).unwrap()).unwrap();
        assert_eq!(back, hello);
        assert_eq!(
            registry.accept(&Hello::new::<OtherChild>(42, "content")),
            Err(BindError::WrongProtocol)
        );
        assert_eq!(
            registry.accept(&Hello::new::<EchoParent>(42, "content")),
            Err(BindError::WrongSide)
        );
        assert_eq!(
            registry.accept(&Hello::new::<EchoChild>(7, "content")),
            Err(BindError::WrongNonce)
        );
        assert!(matches!(
            registry.accept(&Hello::new::<EchoChild>(42, "gpu")),
            Err(BindError::ProcessKindRefused { .. })
        ));
        assert!(!registry.is_bound());
        assert_eq!(registry.accept(&hello), Ok(()));
        assert_eq!(registry.accept(&hello), Err(BindError::SecondBind));
    }

    #[test]
    fn a_long_process_kind_is_refused_on_the_wire() {
        let hello = Hello::new::<EchoChild>(1, &"x".repeat(65));
        assert!(wire::encode(hello).is_err());
    }
}
