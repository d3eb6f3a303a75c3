//! `create_endpoints`: two crossed ports and one nonce per pair.
#![cfg(all(target_os = "linux", not(feature = "mach-sim")))]

use std::time::Duration;

use machproto_runtime::wire::Message;
use machproto_runtime::{Protocol, ProtocolSide, Side, create_endpoints};

struct Echo;
struct EchoParent;
struct EchoChild;
impl ProtocolSide for EchoParent {
    const PROTOCOL: &'static str = "test.Echo";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for EchoChild {
    const PROTOCOL: &'static str = "test.Echo";
    const SIDE: Side = Side::Child;
}
impl Protocol for Echo {
    type Parent = EchoParent;
    type Child = EchoChild;
}

fn message(text: &[u8]) -> Message {
    Message {
        bytes: text.to_vec(),
        rights: Vec::new(),
    }
}

#[test]
fn endpoints_are_crossed_and_share_a_fresh_nonce() {
    let (parent, child) = create_endpoints::<Echo>().unwrap();
    assert_eq!(parent.nonce(), child.nonce());
    let (other_parent, _) = create_endpoints::<Echo>().unwrap();
    assert_ne!(
        parent.nonce(),
        other_parent.nonce(),
        "every pair has its own nonce"
    );

    let (parent_receive, to_child, _) = parent.into_parts();
    let (child_receive, to_parent, _) = child.into_parts();
    let wait = Some(Duration::from_secs(5));
    to_child.try_send(message(b"down")).unwrap();
    assert_eq!(child_receive.recv(wait).unwrap().message.bytes, b"down");
    to_parent.try_send(message(b"up")).unwrap();
    assert_eq!(parent_receive.recv(wait).unwrap().message.bytes, b"up");
}
