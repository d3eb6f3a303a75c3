//! What the call tests share: a small protocol with one call, a bound pair
//! of its endpoints, and the frames a hostile peer forges.
#![allow(dead_code)] // Each test file uses its own subset.

use machproto_runtime::actor::Reply;
use machproto_runtime::channel::{Bound, FrameFlags, FrameHeader};
use machproto_runtime::wire;
use machproto_runtime::{Protocol, ProtocolSide, Side, create_endpoints};

pub(crate) struct Calc;
pub(crate) struct CalcParent;
pub(crate) struct CalcChild;
impl ProtocolSide for CalcParent {
    const PROTOCOL: &'static str = "test.Calc";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for CalcChild {
    const PROTOCOL: &'static str = "test.Calc";
    const SIDE: Side = Side::Child;
}
impl Protocol for Calc {
    type Parent = CalcParent;
    type Child = CalcChild;
}

/// Message 3 of the test protocol: `Double(u32) returns (u32)`.
pub(crate) const DOUBLE: u32 = 3;

/// Both ends, bound in this process.
pub(crate) fn pair() -> (Bound<CalcParent>, Bound<CalcChild>) {
    let (parent, child) = create_endpoints::<Calc>().unwrap();
    (
        parent.bind("browser", None).unwrap(),
        child.bind("content", None).unwrap(),
    )
}

/// Calls `Double(argument)` asynchronously.
pub(crate) fn call_double(parent: &Bound<CalcParent>, argument: u32) -> Reply<u32> {
    parent
        .call::<u32>(0, DOUBLE, wire::encode(argument).unwrap())
        .unwrap()
}

/// A frame header for `message` with `flags` and `transaction`.
pub(crate) fn header(message: u32, flags: FrameFlags, transaction: u64) -> FrameHeader {
    FrameHeader {
        routing: 0,
        message,
        flags,
        transaction,
    }
}

/// The header of a reply to `Double` call `transaction`.
pub(crate) fn reply_header(transaction: u64) -> FrameHeader {
    header(DOUBLE, FrameFlags::REPLY, transaction)
}
