//! Actors between processes (simulated tasks under `mach-sim`): a `Scene`
//! endpoint pair handed by this process to two children, who open actors on
//! it and talk directly (managed layers, calls, sync calls, a clean close);
//! and a child killed mid-stream, whose every actor ends with
//! `AbnormalShutdown` within a second.
#![cfg(target_os = "linux")]

#[path = "support/handover.rs"]
mod handover;
#[path = "support/scene.rs"]
mod scene;
#[path = "support/scene_actors.rs"]
mod scene_actors;

use std::time::{Duration, Instant};

use handover::{fetch, to_parent};
use machproto_macros::MachMessage;
use machproto_runtime::actor::{ActorOptions, EventLoop};
use machproto_runtime::testing::{PeerRoles, Role};
use machproto_runtime::wire::{self, Message};
use machproto_runtime::{Endpoint, ReceiveRight, Right, create_endpoints, platform};
use scene::*;
use scene_actors::{ChildLayer, ChildScene, Log, WAIT, parent_scene};

#[derive(Debug, MachMessage)]
struct HandParent {
    endpoint: Endpoint<SceneParent>,
}

#[derive(Debug, MachMessage)]
struct HandChild {
    endpoint: Endpoint<SceneChild>,
}

static PEERS: PeerRoles = PeerRoles::new(
    "peer_entry",
    &[
        ("gpu", gpu as Role),
        ("content", content),
        ("content_streams", content_streams),
    ],
);

#[test]
fn peer_entry() {
    PEERS.serve();
}

/// Answers one child's request with `message`; returns the asker's pid.
fn answer(requests: &ReceiveRight, message: Message) -> u32 {
    let request = requests.recv(Some(WAIT)).unwrap();
    let Some(Right::Send(reply)) = request.message.rights.into_iter().next() else {
        panic!("a request carries a reply port");
    };
    reply.send(message, Some(WAIT)).unwrap();
    request.sender.pid
}

/// Fails the role with the log when `line` never shows.
fn expect(log: &Log, line: &str) -> Result<(), String> {
    let deadline = Instant::now() + WAIT;
    while !log.lines().iter().any(|l| l == line) {
        if Instant::now() > deadline {
            return Err(format!("never saw {line}: {:?}", log.lines()));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}

/// The GPU process: the parent side of the bridge.
fn gpu(right: Right) -> Result<(), String> {
    let parent = to_parent(right)?;
    let HandParent { endpoint } = fetch(&parent)?;
    let (event_loop, _) = EventLoop::spawn("gpu-loop").map_err(|e| e.to_string())?;
    let log = Log::default();
    let options = ActorOptions::new("gpu");
    let scene = SceneParentHandle::open(endpoint, &event_loop, &options, parent_scene(&log))
        .map_err(|e| e.to_string())?;
    scene.ping(7).map_err(|e| e.to_string())?;
    // The content process closes when done; everything it did came first.
    for line in [
        "parent layer a",
        "parent a paint 1",
        "parent double 21",
        "parent sum 2 3",
        "parent a destroyed NormalShutdown",
        "parent scene destroyed NormalShutdown",
    ] {
        expect(&log, line)?;
    }
    Ok(())
}

/// A content process's start: the child side of the bridge it fetches
/// from its parent, open on a loop of its own.
fn open_content(right: Right) -> Result<(SceneChildHandle, Log, EventLoop), String> {
    let parent = to_parent(right)?;
    let HandChild { endpoint } = fetch(&parent)?;
    let (event_loop, _) = EventLoop::spawn("content-loop").map_err(|e| e.to_string())?;
    let log = Log::default();
    let scene = SceneChildHandle::open(
        endpoint,
        &event_loop,
        &ActorOptions::new("content"),
        ChildScene { log: log.clone() },
    )
    .map_err(|e| e.to_string())?;
    Ok((scene, log, event_loop))
}

/// A content process: the child side of the bridge.
fn content(right: Right) -> Result<(), String> {
    let (scene, log, _event_loop) = open_content(right)?;
    expect(&log, "child ping 7")?;
    let layer = scene
        .layer("a", ChildLayer::new(&log, "a"))
        .map_err(|e| e.to_string())?;
    layer.paint(1).map_err(|e| e.to_string())?;
    let doubled = scene
        .double(21)
        .map_err(|e| e.to_string())?
        .wait(WAIT)
        .map_err(|e| e.to_string())?;
    let sum = scene.sum(2, 3, WAIT).map_err(|e| e.to_string())?;
    if (doubled, sum) != (42, 5) {
        return Err(format!("answers {doubled} and {sum}"));
    }
    scene.close();
    expect(&log, "child a destroyed NormalShutdown")?;
    expect(&log, "child scene destroyed NormalShutdown")
}

#[test]
fn actors_on_an_endpoint_pair_handed_to_two_children_talk_directly() {
    let (requests, to_parent) = platform::port().unwrap();
    let gpu = PEERS
        .spawn("gpu", Right::Send(to_parent.try_clone().unwrap()))
        .unwrap();
    let content = PEERS.spawn("content", Right::Send(to_parent)).unwrap();
    let (parent_end, child_end) = create_endpoints::<Scene>().unwrap();
    let mut parent_end = Some(parent_end);
    let mut child_end = Some(child_end);
    for _ in 0..2 {
        // Whoever asks first gets its own end, told apart by credentials.
        let request = requests.recv(Some(WAIT)).unwrap();
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
    }
    assert!(
        content.wait(WAIT).unwrap().success(),
        "the content role failed"
    );
    assert!(gpu.wait(WAIT).unwrap().success(), "the gpu role failed");
    // Nothing else came through this process: the children talked directly.
    assert!(matches!(
        requests.recv(Some(Duration::from_millis(50))),
        Err(platform::RecvError::Timeout | platform::RecvError::PeerGone)
    ));
}

/// Builds a small tree of layers, then streams notes until killed.
fn content_streams(right: Right) -> Result<(), String> {
    let (scene, log, _event_loop) = open_content(right)?;
    let a = scene
        .layer("a", ChildLayer::new(&log, "a"))
        .map_err(|e| e.to_string())?;
    let b = a
        .layer("b", ChildLayer::new(&log, "b"))
        .map_err(|e| e.to_string())?;
    let _c = scene
        .layer("c", ChildLayer::new(&log, "c"))
        .map_err(|e| e.to_string())?;
    let mut seq = 0u32;
    loop {
        // A full queue is fine: the parent reads.
        let _ = b.paint(seq);
        seq = seq.wrapping_add(1);
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_child_killed_mid_stream_ends_every_actor_of_its_channel_within_a_second() {
    let (requests, to_parent) = platform::port().unwrap();
    let peer = PEERS
        .spawn("content_streams", Right::Send(to_parent))
        .unwrap();
    let (parent_end, child_end) = create_endpoints::<Scene>().unwrap();
    answer(
        &requests,
        wire::encode(HandChild {
            endpoint: child_end,
        })
        .unwrap(),
    );
    let (event_loop, _) = EventLoop::spawn("parent-loop").unwrap();
    let log = Log::default();
    let _scene = SceneParentHandle::open(
        parent_end,
        &event_loop,
        &ActorOptions::new("browser"),
        parent_scene(&log),
    )
    .unwrap();
    log.wait_line("parent b paint 20");
    peer.kill().unwrap();
    let killed = Instant::now();
    let ends = log.wait_for("every actor's end", |lines| {
        lines.iter().filter(|l| l.contains(" destroyed ")).count() == 4
    });
    let elapsed = killed.elapsed();
    let ends: Vec<&String> = ends.iter().filter(|l| l.contains(" destroyed ")).collect();
    // Children before their managers; every one for the peer's death.
    assert_eq!(
        ends,
        [
            "parent b destroyed AbnormalShutdown",
            "parent a destroyed AbnormalShutdown",
            "parent c destroyed AbnormalShutdown",
            "parent scene destroyed AbnormalShutdown",
        ]
    );
    assert!(elapsed < Duration::from_secs(1), "seen in {elapsed:?}");
    event_loop.stop();
}
