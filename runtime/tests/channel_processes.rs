//! Channels between processes (simulated tasks under `mach-sim`): an
//! endpoint pair handed to two children who then talk directly (the
//! content↔GPU bridge), a peer killed mid-stream seen as a close, and
//! sync calls answered, timed out and ended by the callee's death.
#![cfg(target_os = "linux")]

#[path = "support/handover.rs"]
mod handover;

use std::time::{Duration, Instant};

use handover::{fetch, to_parent};
use machproto_macros::MachMessage;
use machproto_runtime::channel::{
    ChannelError, CloseReason, FrameFlags, FrameHeader, SyncCallError,
};
use machproto_runtime::testing::{PeerRoles, Role};
use machproto_runtime::wire::{self, Message};
use machproto_runtime::{
    Endpoint, Protocol, ProtocolSide, Right, Side, create_endpoints, platform,
};

const WAIT: Duration = Duration::from_secs(20);

struct Bridge;
struct BridgeParent;
struct BridgeChild;
impl ProtocolSide for BridgeParent {
    const PROTOCOL: &'static str = "test.Bridge";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for BridgeChild {
    const PROTOCOL: &'static str = "test.Bridge";
    const SIDE: Side = Side::Child;
}
impl Protocol for Bridge {
    type Parent = BridgeParent;
    type Child = BridgeChild;
}

#[derive(Debug, MachMessage)]
struct HandParent {
    endpoint: Endpoint<BridgeParent>,
}

#[derive(Debug, MachMessage)]
struct HandChild {
    endpoint: Endpoint<BridgeChild>,
}

static PEERS: PeerRoles = PeerRoles::new(
    "peer_entry",
    &[
        ("bridge_parent", bridge_parent as Role),
        ("bridge_child", bridge_child),
        ("stream_until_killed", stream_until_killed),
        ("answer_once_then_hang", answer_once_then_hang),
    ],
);

#[test]
fn peer_entry() {
    PEERS.serve();
}

fn header(message: u32) -> FrameHeader {
    FrameHeader {
        routing: 0,
        message,
        flags: FrameFlags::default(),
        transaction: 0,
    }
}

fn plain(bytes: &[u8]) -> Message {
    Message {
        bytes: bytes.to_vec(),
        rights: Vec::new(),
    }
}

fn bridge_parent(right: Right) -> Result<(), String> {
    let parent = to_parent(right)?;
    let HandParent { endpoint } = fetch(&parent)?;
    let mut bound = endpoint
        .bind("gpu", Some("content"))
        .map_err(|e| e.to_string())?;
    let frame = bound.recv(WAIT).map_err(|e| e.to_string())?;
    if frame.body != b"hello from content" {
        return Err(format!("unexpected {:?}", frame.body));
    }
    bound
        .send(header(2), plain(b"hello from gpu"))
        .map_err(|e| e.to_string())?;
    // Stay until the other child has read the answer and gone.
    match bound.recv(WAIT) {
        Err(ChannelError::Closed(CloseReason::PeerGone)) => Ok(()),
        other => Err(format!("expected the peer to leave, got {other:?}")),
    }
}

fn bridge_child(right: Right) -> Result<(), String> {
    let parent = to_parent(right)?;
    let HandChild { endpoint } = fetch(&parent)?;
    let mut bound = endpoint
        .bind("content", Some("gpu"))
        .map_err(|e| e.to_string())?;
    bound
        .send(header(1), plain(b"hello from content"))
        .map_err(|e| e.to_string())?;
    let frame = bound.recv(WAIT).map_err(|e| e.to_string())?;
    if frame.body != b"hello from gpu" {
        return Err(format!("unexpected {:?}", frame.body));
    }
    Ok(())
}

#[test]
fn an_endpoint_pair_handed_to_two_children_connects_them_directly() {
    let (parent_receive, to_parent) = platform::port().unwrap();
    let gpu = PEERS
        .spawn("bridge_parent", Right::Send(to_parent.try_clone().unwrap()))
        .unwrap();
    let content = PEERS.spawn("bridge_child", Right::Send(to_parent)).unwrap();
    let (parent_end, child_end) = create_endpoints::<Bridge>().unwrap();
    let mut parent_end = Some(parent_end);
    let mut child_end = Some(child_end);
    // Each child asks for its end; who asks first does not matter, so the
    // ends go out by the requests' credentials.
    let mut handed = 0;
    while handed < 2 {
        let request = parent_receive.recv(Some(WAIT)).unwrap();
        let Some(Right::Send(reply)) = request.message.rights.into_iter().next() else {
            panic!("a request carries a reply port");
        };
        let message = if request.sender.pid == gpu.id() {
            wire::encode(HandParent {
                endpoint: parent_end.take().expect("asked once"),
            })
        } else {
            wire::encode(HandChild {
                endpoint: child_end.take().expect("asked once"),
            })
        };
        reply.send(message.unwrap(), Some(WAIT)).unwrap();
        handed += 1;
    }
    // Nothing else reaches the parent: the children talk directly.
    assert!(content.wait(WAIT).unwrap().success());
    assert!(gpu.wait(WAIT).unwrap().success());
    assert!(matches!(
        parent_receive.recv(Some(Duration::from_millis(50))),
        Err(platform::RecvError::Timeout | platform::RecvError::PeerGone)
    ));
}

fn stream_until_killed(right: Right) -> Result<(), String> {
    let parent = to_parent(right)?;
    let HandChild { endpoint } = fetch(&parent)?;
    let bound = endpoint.bind("content", None).map_err(|e| e.to_string())?;
    let mut count: u32 = 0;
    loop {
        // Keep streaming; a full queue is fine, the parent reads.
        let _ = bound.send(header(1), plain(&count.to_le_bytes()));
        count = count.wrapping_add(1);
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_peer_killed_mid_stream_closes_the_channel_within_a_second() {
    let (parent_receive, to_parent) = platform::port().unwrap();
    let peer = PEERS
        .spawn("stream_until_killed", Right::Send(to_parent))
        .unwrap();
    let (parent_end, child_end) = create_endpoints::<Bridge>().unwrap();
    let request = parent_receive.recv(Some(WAIT)).unwrap();
    let Some(Right::Send(reply)) = request.message.rights.into_iter().next() else {
        panic!("a request carries a reply port");
    };
    reply
        .send(
            wire::encode(HandChild {
                endpoint: child_end,
            })
            .unwrap(),
            Some(WAIT),
        )
        .unwrap();
    let mut bound = parent_end.bind("gpu", None).unwrap();
    for _ in 0..20 {
        bound.recv(WAIT).expect("the stream flows");
    }
    peer.kill().unwrap();
    let killed = Instant::now();
    loop {
        match bound.recv(WAIT) {
            Ok(_) => continue,
            Err(ChannelError::Closed(CloseReason::PeerGone)) => break,
            Err(other) => panic!("expected the peer gone, got {other}"),
        }
    }
    // Messages already queued are delivered first; the close follows.
    assert!(
        killed.elapsed() < Duration::from_secs(1),
        "seen in {:?}",
        killed.elapsed()
    );
}

/// Message 3: `[Sync] Double(u32) returns (u32)`.
const DOUBLE: u32 = 3;

fn answer_once_then_hang(right: Right) -> Result<(), String> {
    let parent = to_parent(right)?;
    let HandChild { endpoint } = fetch(&parent)?;
    let mut bound = endpoint.bind("content", None).map_err(|e| e.to_string())?;
    let mut call = bound.recv(WAIT).map_err(|e| e.to_string())?;
    let responder = bound
        .responder::<u32>(&mut call)
        .ok_or("the first frame is not a call")?;
    let argument: u32 = wire::decode(Message {
        bytes: call.body,
        rights: call.rights,
    })
    .map_err(|e| e.to_string())?;
    responder.respond(argument * 2).map_err(|e| e.to_string())?;
    // Take the next calls and answer none of them, until killed.
    let mut held = Vec::new();
    loop {
        if let Ok(mut call) = bound.recv(WAIT) {
            held.push(bound.responder::<u32>(&mut call));
        }
    }
}

#[test]
fn sync_calls_to_a_child_are_answered_time_out_and_end_when_it_dies() {
    let (parent_receive, to_parent) = platform::port().unwrap();
    let peer = PEERS
        .spawn("answer_once_then_hang", Right::Send(to_parent))
        .unwrap();
    let (parent_end, child_end) = create_endpoints::<Bridge>().unwrap();
    let request = parent_receive.recv(Some(WAIT)).unwrap();
    let Some(Right::Send(reply)) = request.message.rights.into_iter().next() else {
        panic!("a request carries a reply port");
    };
    let handed = wire::encode(HandChild {
        endpoint: child_end,
    });
    reply.send(handed.unwrap(), Some(WAIT)).unwrap();
    let bound = parent_end.bind("gpu", None).unwrap();

    let argument = || wire::encode(21u32).unwrap();
    let answer = bound.call_sync::<u32>(0, DOUBLE, argument(), WAIT);
    assert_eq!(answer.unwrap(), 42);
    let short = Duration::from_millis(300);
    let unanswered = bound.call_sync::<u32>(0, DOUBLE, argument(), short);
    assert!(
        matches!(unanswered, Err(SyncCallError::Timeout)),
        "{unanswered:?}"
    );
    // The child holds this call's reply right when it dies; its death
    // releases the right, which ends the call long before its timeout.
    let killer = std::thread::spawn(move || {
        std::thread::sleep(short);
        peer.kill().unwrap();
        Instant::now()
    });
    let ended = bound.call_sync::<u32>(0, DOUBLE, argument(), WAIT);
    let killed = killer.join().unwrap();
    assert!(matches!(ended, Err(SyncCallError::NoReply)), "{ended:?}");
    assert!(
        killed.elapsed() < Duration::from_secs(1),
        "seen in {:?}",
        killed.elapsed()
    );
}
