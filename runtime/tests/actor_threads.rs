//! The runtime's threads and a stalled peer, with actors: a hundred open
//! actor channels cost one runtime thread besides the event loop the app
//! asked for, and a peer that stops reading never blocks an actor's sends
//! nor the other channels. One test, so the thread count it checks is not
//! disturbed by other tests.
#![cfg(target_os = "linux")]

#[path = "support/scene.rs"]
mod scene;
#[path = "support/scene_actors.rs"]
mod scene_actors;

use machproto_runtime::actor::{ActorOptions, ActorSendError, EventLoop};
use machproto_runtime::channel::{FrameFlags, FrameHeader, SEND_QUEUE_LIMIT};
use machproto_runtime::create_endpoints;
use machproto_runtime::wire::{self, Message};
use scene::*;
use scene_actors::{Log, WAIT, open_pair, parent_scene};

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[test]
fn a_hundred_actor_channels_use_one_runtime_thread_and_a_stalled_peer_blocks_nothing() {
    let before = threads();
    let (event_loop, _) = EventLoop::spawn("app-loop").unwrap();
    let log = Log::default();
    // A hundred pairs (two hundred channels), every side on the one loop.
    let pairs: Vec<_> = (0..100)
        .map(|_| open_pair(&event_loop, &event_loop, parent_scene(&log), &log))
        .collect();
    for (i, (_, child)) in pairs.iter().enumerate() {
        let i = i as u32;
        assert_eq!(
            child.double(i + 1).unwrap().wait(WAIT).unwrap(),
            2 * (i + 1)
        );
    }
    // The loop the app asked for, and the I/O thread: nothing else.
    assert_eq!(threads(), before + 2, "the runtime owns exactly one thread");

    // A child that never reads: its ports are held here, unread.
    let (parent_end, child_end) = create_endpoints::<Scene>().unwrap();
    let (unread, _to_parent, _nonce) = child_end.into_parts();
    let stalled = SceneParentHandle::open(
        parent_end,
        &event_loop,
        &ActorOptions::new("browser"),
        parent_scene(&log),
    )
    .unwrap();
    let mut accepted = 0u32;
    let mut refused = 0u32;
    for seq in 0..100_000u32 {
        match stalled.ping(seq) {
            Ok(()) => accepted += 1,
            Err(ActorSendError::Backpressure(back)) => {
                let SeqArgs { seq: back } = wire::decode(back).unwrap();
                assert_eq!(back, seq, "the refused message comes back");
                refused += 1;
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(accepted + refused, 100_000);
    assert!(refused > 0 && accepted as usize >= SEND_QUEUE_LIMIT);

    // Meanwhile the I/O thread and the loop serve every other channel.
    for (i, (_, child)) in pairs.iter().enumerate().step_by(10) {
        let i = i as u32;
        assert_eq!(child.sum(i, 1, WAIT).unwrap(), i + 1);
    }

    // When the peer reads, everything accepted arrives, in order, after
    // the parent's hello.
    let first = unread.recv(Some(WAIT)).unwrap();
    let (hello, _) = FrameHeader::decode(&first.message.bytes).unwrap();
    assert!(hello.flags.contains(FrameFlags::HELLO));
    for expected in 0..accepted {
        let received = unread.recv(Some(WAIT)).expect("an accepted ping");
        let (header, body) = FrameHeader::decode(&received.message.bytes).unwrap();
        assert_eq!(header.message, PING);
        let SeqArgs { seq } = wire::decode(Message {
            bytes: body.to_vec(),
            rights: received.message.rights,
        })
        .unwrap();
        assert_eq!(seq, expected);
    }
    assert_eq!(threads(), before + 2);
    event_loop.stop();
}
