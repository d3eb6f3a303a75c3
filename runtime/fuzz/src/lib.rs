//! The message type the `decode_message` target decodes, and the layout of a
//! fuzz input: a table of rights, then the message's bytes.
//!
//! Input layout (so that seeds are easy to write and crashes easy to read):
//!
//! | bytes | meaning |
//! |---|---|
//! | 1 | number of rights, modulo [`MAX_RIGHTS`] + 1 |
//! | 1 per right | kind, modulo 4: send, send-once, receive, shared memory |
//! | 2 (shared memory only) | the region's length, little-endian |
//! | the rest | the message's plain bytes |

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use machproto_macros::MachMessage;
use machproto_runtime::testing::RightCounter;
use machproto_runtime::{
    Endpoint, ProtocolSide, ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory,
    Side,
};
use serde::{Deserialize, Serialize};

/// The most rights one input carries.
pub const MAX_RIGHTS: u8 = 8;

/// One entry of the input's table of rights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RightSpec {
    /// A send right.
    Send,
    /// A send-once right.
    SendOnce,
    /// A receive right.
    Receive,
    /// A shared memory region of this many bytes.
    SharedMemory(u16),
}

impl RightSpec {
    /// A counting right of this kind.
    pub fn make(self, counter: &RightCounter) -> Right {
        match self {
            RightSpec::Send => Right::Send(counter.send_right()),
            RightSpec::SendOnce => Right::SendOnce(counter.send_once_right()),
            RightSpec::Receive => Right::Receive(counter.receive_right()),
            RightSpec::SharedMemory(len) => {
                Right::SharedMemory(counter.shared_memory(u64::from(len)))
            }
        }
    }

    /// The spec of an encoded right, for writing seeds.
    pub fn of(right: &Right) -> RightSpec {
        match right {
            Right::Send(_) => RightSpec::Send,
            Right::SendOnce(_) => RightSpec::SendOnce,
            Right::Receive(_) => RightSpec::Receive,
            Right::SharedMemory(memory) => {
                RightSpec::SharedMemory(u16::try_from(memory.len()).unwrap_or(u16::MAX))
            }
            other => panic!("no spec for a {}", other.kind()),
        }
    }

    /// The kind this spec makes.
    pub fn kind(self) -> RightKind {
        match self {
            RightSpec::Send => RightKind::Send,
            RightSpec::SendOnce => RightKind::SendOnce,
            RightSpec::Receive => RightKind::Receive,
            RightSpec::SharedMemory(_) => RightKind::SharedMemory,
        }
    }
}

/// One fuzz input: a table of rights and the plain bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Input {
    /// The table of rights.
    pub rights: Vec<RightSpec>,
    /// The message's plain bytes.
    pub bytes: Vec<u8>,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let count = u.bytes(1)?[0] % (MAX_RIGHTS + 1);
        let mut rights = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            rights.push(match u.bytes(1)?[0] % 4 {
                0 => RightSpec::Send,
                1 => RightSpec::SendOnce,
                2 => RightSpec::Receive,
                _ => {
                    let len = u.bytes(2)?;
                    RightSpec::SharedMemory(u16::from_le_bytes([len[0], len[1]]))
                }
            });
        }
        Ok(Input {
            rights,
            bytes: u.bytes(u.len())?.to_vec(),
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

impl Input {
    /// The raw fuzz input that [`Arbitrary`] reads back as this input.
    pub fn to_fuzz_bytes(&self) -> Vec<u8> {
        let count = u8::try_from(self.rights.len()).expect("few rights");
        assert!(count <= MAX_RIGHTS, "at most {MAX_RIGHTS} rights");
        let mut out = vec![count];
        for right in &self.rights {
            match right {
                RightSpec::Send => out.push(0),
                RightSpec::SendOnce => out.push(1),
                RightSpec::Receive => out.push(2),
                RightSpec::SharedMemory(len) => {
                    out.push(3);
                    out.extend_from_slice(&len.to_le_bytes());
                }
            }
        }
        out.extend_from_slice(&self.bytes);
        out
    }

    /// The table of rights, made of counting doubles.
    pub fn make_rights(&self, counter: &RightCounter) -> Vec<Right> {
        self.rights.iter().map(|spec| spec.make(counter)).collect()
    }
}

/// The parent side of the fuzz protocol, for an endpoint field.
#[derive(Debug)]
pub struct FuzzParent;

impl ProtocolSide for FuzzParent {
    const PROTOCOL: &'static str = "fuzz.Fuzz";
    const SIDE: Side = Side::Parent;
}

/// The decoded type: every shape the wire layer knows.
#[derive(Debug, MachMessage)]
pub struct Root {
    /// A bounded string.
    #[mach(bound = 32)]
    pub name: String,
    /// A nested struct.
    pub header: Header,
    /// A fieldless enum with explicit values.
    pub state: State,
    /// A bounded sequence of an enum with data.
    #[mach(bound = 16)]
    pub items: Vec<Item>,
    /// Recursion through `Option<Box<…>>` and `Vec`.
    pub tree: Option<Box<Node>>,
    /// A map with struct values.
    pub table: BTreeMap<u16, Entry>,
    /// A tuple and an array.
    pub pair: (i16, bool),
    /// An array of three.
    pub corners: [u16; 3],
    /// An optional send-once right (a reply port).
    pub reply: Option<SendOnceRight>,
    /// An optional endpoint: two rights and a protocol check.
    pub endpoint: Option<Endpoint<FuzzParent>>,
    /// Plain data through serde.
    #[mach(serde)]
    pub meta: Meta,
}

/// A nested struct of scalars.
#[derive(Debug, MachMessage)]
pub struct Header {
    /// An identifier.
    pub id: u64,
    /// A float (NaN payloads must survive).
    pub scale: f32,
    /// Bytes.
    #[mach(bound = 64)]
    pub blob: Vec<u8>,
}

/// A fieldless enum.
#[derive(Debug, Clone, Copy, MachMessage)]
pub enum State {
    /// Nothing going on.
    Idle,
    /// Working.
    Busy = 5,
    /// Done.
    Closed = 9,
}

/// An enum with data, holding every kind of right.
#[derive(Debug, MachMessage)]
pub enum Item {
    /// Text.
    Text(#[mach(bound = 16)] String),
    /// A send right with a weight.
    Port {
        /// The port.
        port: SendRight,
        /// Its weight.
        weight: i32,
    },
    /// Shared memory.
    Memory(SharedMemory),
    /// A receive right.
    Receiver(ReceiveRight),
    /// Nothing.
    Empty,
}

/// A recursive tree.
#[derive(Debug, MachMessage)]
pub struct Node {
    /// A value.
    pub value: i64,
    /// An optional right at each node.
    pub right: Option<SendRight>,
    /// Children.
    pub children: Vec<Node>,
    /// A linked list through `Box`.
    pub next: Option<Box<Node>>,
}

/// A map value.
#[derive(Debug, MachMessage)]
pub struct Entry {
    /// A bounded list of strings.
    #[mach(bound = 4)]
    pub labels: Vec<String>,
    /// Optional shared memory.
    pub memory: Option<SharedMemory>,
}

/// Plain data through serde.
#[derive(Debug, Serialize, Deserialize)]
pub struct Meta {
    /// A string.
    pub note: String,
    /// Numbers.
    pub numbers: Vec<u32>,
    /// An enum with data.
    pub mode: Mode,
    /// A map.
    pub extra: BTreeMap<String, Option<i8>>,
}

/// A serde enum.
#[derive(Debug, Serialize, Deserialize)]
pub enum Mode {
    /// A unit variant.
    Off,
    /// A newtype variant.
    Level(u8),
    /// A struct variant.
    Window {
        /// Width.
        width: u16,
        /// Height.
        height: u16,
    },
}
