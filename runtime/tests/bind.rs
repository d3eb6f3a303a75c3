//! Binding endpoints: the hello handshake accepts exactly one bind of the
//! right pair, protocol and side, and refuses the rest with a typed error
//! that closes the channel. Runs on both backends.
#![cfg(target_os = "linux")]

use std::time::Duration;

use machproto_runtime::channel::{BindError, ChannelError, FrameFlags, FrameHeader};
use machproto_runtime::wire::Message;
use machproto_runtime::{Endpoint, Protocol, ProtocolSide, Side, create_endpoints, platform};

const WAIT: Duration = Duration::from_secs(20);

struct Echo;
struct EchoParent;
struct EchoChild;
struct OtherChild;
impl ProtocolSide for EchoParent {
    const PROTOCOL: &'static str = "test.Echo";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for EchoChild {
    const PROTOCOL: &'static str = "test.Echo";
    const SIDE: Side = Side::Child;
}
impl ProtocolSide for OtherChild {
    const PROTOCOL: &'static str = "test.Other";
    const SIDE: Side = Side::Child;
}
impl Protocol for Echo {
    type Parent = EchoParent;
    type Child = EchoChild;
}

fn data(text: &[u8]) -> (FrameHeader, Message) {
    (
        FrameHeader {
            routing: 0,
            message: 7,
            flags: FrameFlags::default(),
            transaction: 0,
        },
        Message {
            bytes: text.to_vec(),
            rights: Vec::new(),
        },
    )
}

#[test]
fn bound_endpoints_exchange_frames_after_the_handshake() {
    let (parent, child) = create_endpoints::<Echo>().unwrap();
    let mut parent = parent.bind("gpu", Some("content")).unwrap();
    let mut child = child.bind("content", Some("gpu")).unwrap();
    let (header, message) = data(b"frame");
    child.send(header, message).unwrap();
    let frame = parent.recv(WAIT).unwrap();
    assert!(parent.is_bound());
    assert_eq!(frame.header.message, 7);
    assert_eq!(frame.body, b"frame");
    // Both ends live in this process (on the simulator: in its main task,
    // which reports the real pid).
    assert_eq!(frame.sender.pid, std::process::id());
    let (header, message) = data(b"back");
    parent.send(header, message).unwrap();
    assert_eq!(child.recv(WAIT).unwrap().body, b"back");
}

/// The refusal the parent sees when `bind_child` binds the child side.
fn refusal(bind_child: impl FnOnce(Endpoint<EchoChild>)) -> ChannelError {
    let (parent, child) = create_endpoints::<Echo>().unwrap();
    let mut parent = parent.bind("gpu", None).unwrap();
    bind_child(child);
    loop {
        match parent.recv(WAIT) {
            Ok(_) => continue,
            Err(error) => return error,
        }
    }
}

#[test]
fn a_second_bind_of_the_same_endpoint_is_refused() {
    let error = refusal(|child| {
        // What a hostile process holding a copy of the endpoint does: bind
        // it twice (here: a forged twin sharing its send right and nonce).
        let (receive, send, nonce) = child.into_parts();
        let twin_send = send.try_clone().unwrap();
        let (twin_receive, _) = platform::port().unwrap();
        let first = Endpoint::<EchoChild>::from_parts(receive, send, nonce).bind("content", None);
        let second =
            Endpoint::<EchoChild>::from_parts(twin_receive, twin_send, nonce).bind("content", None);
        // Dropped at once: the hellos are queued before the channels close.
        drop((first, second));
    });
    assert!(
        matches!(error, ChannelError::Bind(BindError::SecondBind)),
        "{error}"
    );
}

#[test]
fn a_wrong_protocol_or_side_or_kind_is_refused() {
    let error = refusal(|child| {
        let (receive, send, nonce) = child.into_parts();
        let bound = Endpoint::<OtherChild>::from_parts(receive, send, nonce).bind("content", None);
        drop(bound);
    });
    assert!(
        matches!(error, ChannelError::Bind(BindError::WrongProtocol)),
        "{error}"
    );

    let error = refusal(|child| {
        let (receive, send, nonce) = child.into_parts();
        let bound = Endpoint::<EchoParent>::from_parts(receive, send, nonce).bind("content", None);
        drop(bound);
    });
    assert!(
        matches!(error, ChannelError::Bind(BindError::WrongSide)),
        "{error}"
    );

    let (parent, child) = create_endpoints::<Echo>().unwrap();
    let mut parent = parent.bind("gpu", Some("content")).unwrap();
    let _child = child.bind("plugin", None).unwrap();
    let error = parent.recv(WAIT).unwrap_err();
    assert!(
        matches!(
            error,
            ChannelError::Bind(BindError::ProcessKindRefused { .. })
        ),
        "{error}"
    );
    // The channel stays closed.
    assert!(matches!(parent.recv(WAIT), Err(ChannelError::Closed(_))));
}
