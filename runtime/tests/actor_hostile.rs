//! A hostile peer against an actor: a raw peer (a bare bound channel, or
//! bare ports) sends what no generated code would. Each violation closes
//! only its channel with a typed `BadMessage`, reaches the app's hook once,
//! destroys the channel's actors once, releases every right the frame
//! carried, and never panics; a healthy channel on the same loop carries
//! on. One test runs every case, so the descriptor count it checks at the
//! end is not disturbed by other tests.
#![cfg(target_os = "linux")]

#[path = "support/scene.rs"]
mod scene;
#[path = "support/scene_actors.rs"]
mod scene_actors;

use std::sync::{Arc, Mutex};

use machproto_runtime::actor::{
    ActorOptions, BadMessage, BadMessageReport, EventLoop, UnexpectedReply,
};
use machproto_runtime::channel::{
    BindError, Bound, ChannelError, CloseReason, FrameError, FrameFlags, FrameHeader, Hello,
};
use machproto_runtime::platform::{self, RecvError};
use machproto_runtime::wire::{self, Message};
use machproto_runtime::{ReceiveRight, Right, create_endpoints};
use scene::*;
use scene_actors::{Log, WAIT, open_pair, parent_scene};

/// What one case sends, as the raw child of a `Scene` channel.
enum Attack {
    /// Frames through a bound channel (the hello was proper).
    Frames(Vec<(FrameHeader, Message)>),
    /// As `Frames`, keeping a port alive until the case ends (so a reply
    /// right to it is not a dead name in flight).
    FramesKeeping(Vec<(FrameHeader, Message)>, ReceiveRight),
    /// Raw bytes on the bare port, after a proper hello or none.
    Raw { hello: bool, bytes: Vec<u8> },
}

fn frame(routing: u32, message: u32, flags: FrameFlags, transaction: u64) -> FrameHeader {
    FrameHeader {
        routing,
        message,
        flags,
        transaction,
    }
}

fn body<T: machproto_runtime::MachMessage>(value: T, probe: Right) -> Message {
    let mut message = wire::encode(value).unwrap();
    message.rights.push(probe);
    message
}

fn constructor(routing: u32, probe: Option<Right>) -> Message {
    let mut message = wire::encode(LayerArgs { name: "l".into() }).unwrap();
    message.bytes.splice(0..0, routing.to_le_bytes());
    message.rights.extend(probe);
    message
}

struct Case {
    name: &'static str,
    attack: Box<dyn Fn(Right) -> Attack>,
    expected: BadMessage,
}

fn cases() -> Vec<Case> {
    let plain = FrameFlags::default();
    vec![
        Case {
            name: "unknown message id",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(0, 0xDEAD_BEEF, plain, 0),
                    body(SeqArgs { seq: 1 }, probe),
                )])
            }),
            expected: BadMessage::UnknownMessage {
                protocol: "test.Scene",
                message: 0xDEAD_BEEF,
            },
        },
        Case {
            name: "a message going the wrong way",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(0, PING, plain, 0),
                    body(SeqArgs { seq: 1 }, probe),
                )])
            }),
            expected: BadMessage::WrongDirection {
                protocol: "test.Scene",
                message: PING,
            },
        },
        Case {
            name: "an unknown routing id",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(77, NOTE, plain, 0),
                    body(NoteArgs { text: "x".into() }, probe),
                )])
            }),
            expected: BadMessage::UnknownRouting { routing: 77 },
        },
        Case {
            name: "a reply to a call never made",
            attack: Box::new(move |probe| {
                let mut reply = Message {
                    bytes: vec![0, 1, 0, 0, 0],
                    rights: Vec::new(),
                };
                reply.rights.push(probe);
                Attack::Frames(vec![(frame(0, DOUBLE, FrameFlags::REPLY, 4242), reply)])
            }),
            expected: BadMessage::Reply(UnexpectedReply::UnknownTransaction(4242)),
        },
        Case {
            name: "a body that does not decode",
            attack: Box::new(move |probe| {
                let garbage = Message {
                    bytes: vec![0xFF; 3],
                    rights: vec![probe],
                };
                Attack::Frames(vec![(frame(0, NOTE, plain, 0), garbage)])
            }),
            expected: BadMessage::Undecodable {
                message: "Note",
                error: wire::decode::<NoteArgs>(Message {
                    bytes: vec![0xFF; 3],
                    rights: Vec::new(),
                })
                .unwrap_err(),
            },
        },
        Case {
            name: "an async message sent as a sync call",
            attack: Box::new(move |probe| {
                let (port, reply_to) = platform::reply_port().unwrap();
                let mut message = body(NoteArgs { text: "x".into() }, probe);
                message.rights.push(Right::SendOnce(reply_to));
                Attack::FramesKeeping(vec![(frame(0, NOTE, FrameFlags::SYNC, 9), message)], port)
            }),
            expected: BadMessage::WrongKind { message: "Note" },
        },
        Case {
            name: "a call without a transaction",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(0, DOUBLE, plain, 0),
                    body(SeqArgs { seq: 2 }, probe),
                )])
            }),
            expected: BadMessage::WrongKind { message: "Double" },
        },
        Case {
            name: "a sync call without a reply right",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(0, SUM, FrameFlags::SYNC, 9),
                    body(SumArgs { a: 1, b: 2 }, probe),
                )])
            }),
            // The probe is a send right, not the send-once reply right.
            expected: BadMessage::SyncWithoutReplyRight,
        },
        Case {
            name: "a constructor taking an id that is ours to allocate",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(0, SCENE_LAYER, FrameFlags::CONSTRUCTOR, 0),
                    constructor(1, Some(probe)),
                )])
            }),
            expected: BadMessage::BadConstructor { routing: 1 },
        },
        Case {
            name: "a constructor reusing a live id",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![
                    (
                        frame(0, SCENE_LAYER, FrameFlags::CONSTRUCTOR, 0),
                        constructor(2, None),
                    ),
                    (
                        frame(0, SCENE_LAYER, FrameFlags::CONSTRUCTOR, 0),
                        constructor(2, Some(probe)),
                    ),
                ])
            }),
            expected: BadMessage::BadConstructor { routing: 2 },
        },
        Case {
            name: "a message to an actor after deleting it",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![
                    (
                        frame(0, SCENE_LAYER, FrameFlags::CONSTRUCTOR, 0),
                        constructor(2, None),
                    ),
                    (
                        frame(2, LAYER_DELETE, FrameFlags::DELETE, 0),
                        wire::encode(Empty {}).unwrap(),
                    ),
                    (frame(2, PAINT, plain, 0), body(SeqArgs { seq: 1 }, probe)),
                ])
            }),
            expected: BadMessage::AfterDelete { routing: 2 },
        },
        Case {
            name: "a delete of the top-level actor",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(0, LAYER_DELETE, FrameFlags::DELETE, 0),
                    body(Empty {}, probe),
                )])
            }),
            expected: BadMessage::UnknownMessage {
                protocol: "test.Scene",
                message: LAYER_DELETE,
            },
        },
        Case {
            name: "an acknowledgement of a removal that never happened",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![
                    (
                        frame(5, 0, FrameFlags::ACK, 0),
                        wire::encode(Empty {}).unwrap(),
                    ),
                    (
                        frame(0, NOTE, plain, 0),
                        body(NoteArgs { text: "x".into() }, probe),
                    ),
                ])
            }),
            expected: BadMessage::UnknownRouting { routing: 5 },
        },
        Case {
            name: "a refusal of a constructor never sent",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![
                    (
                        frame(3, 0, FrameFlags::CONSTRUCTOR | FrameFlags::DELETE, 0),
                        wire::encode(Empty {}).unwrap(),
                    ),
                    (
                        frame(0, NOTE, plain, 0),
                        body(NoteArgs { text: "x".into() }, probe),
                    ),
                ])
            }),
            expected: BadMessage::UnknownRouting { routing: 3 },
        },
        Case {
            name: "a managed endpoint announced under an actor that manages no such protocol",
            attack: Box::new(move |_probe| {
                let mut body = 1u32.to_le_bytes().to_vec();
                body.extend(0x1234_5678_9abc_def0u64.to_le_bytes());
                body.extend(7u128.to_le_bytes());
                Attack::Frames(vec![(
                    frame(0, 0, FrameFlags::MANAGED, 0),
                    Message {
                        bytes: body,
                        rights: Vec::new(),
                    },
                )])
            }),
            expected: BadMessage::NotManaged {
                protocol: "test.Scene",
                identity: 0x1234_5678_9abc_def0,
            },
        },
        Case {
            name: "a managed endpoint announcement carrying a right",
            attack: Box::new(move |probe| {
                let mut body = 2u32.to_le_bytes().to_vec();
                body.extend(0u64.to_le_bytes());
                body.extend(7u128.to_le_bytes());
                Attack::Frames(vec![(
                    frame(0, 0, FrameFlags::MANAGED, 0),
                    Message {
                        bytes: body,
                        rights: vec![probe],
                    },
                )])
            }),
            expected: BadMessage::WrongKind {
                message: "managed endpoint announcement",
            },
        },
        Case {
            name: "a managed endpoint announcement without its secret",
            attack: Box::new(move |_probe| {
                let mut body = 2u32.to_le_bytes().to_vec();
                body.extend(0u64.to_le_bytes());
                Attack::Frames(vec![(
                    frame(0, 0, FrameFlags::MANAGED, 0),
                    Message {
                        bytes: body,
                        rights: Vec::new(),
                    },
                )])
            }),
            expected: BadMessage::WrongKind {
                message: "managed endpoint announcement",
            },
        },
        Case {
            name: "a dropped managed endpoint that was never announced",
            attack: Box::new(move |probe| {
                Attack::Frames(vec![(
                    frame(42, 0, FrameFlags::MANAGED | FrameFlags::DELETE, 0),
                    Message {
                        bytes: Vec::new(),
                        rights: vec![probe],
                    },
                )])
            }),
            expected: BadMessage::UnknownRouting { routing: 42 },
        },
        Case {
            name: "bytes too short for a frame header",
            attack: Box::new(move |_probe| Attack::Raw {
                hello: true,
                bytes: vec![1, 2, 3],
            }),
            expected: BadMessage::Frame(FrameError::Truncated),
        },
        Case {
            name: "a frame before the hello",
            attack: Box::new(move |_probe| {
                let mut bytes = Vec::new();
                frame(0, NOTE, FrameFlags::default(), 0).encode(&mut bytes);
                bytes.extend(wire::encode(NoteArgs { text: "x".into() }).unwrap().bytes);
                Attack::Raw {
                    hello: false,
                    bytes,
                }
            }),
            expected: BadMessage::Bind(BindError::NoHello),
        },
    ]
}

fn probe() -> (ReceiveRight, Right) {
    let (receive, send) = platform::port().unwrap();
    (receive, Right::Send(send))
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Runs one case against a fresh parent actor on `event_loop`.
fn run(case: &Case, event_loop: &EventLoop) {
    let log = Log::default();
    let reports: Arc<Mutex<Vec<BadMessageReport>>> = Arc::default();
    let seen = Arc::clone(&reports);
    let options = ActorOptions::new("browser").on_bad_message(move |report| {
        seen.lock().unwrap().push(report.clone());
    });
    let (parent_end, child_end) = create_endpoints::<Scene>().unwrap();
    let _parent =
        SceneParentHandle::open(parent_end, event_loop, &options, parent_scene(&log)).unwrap();
    let (watch, probe_right) = probe();
    let mut raw_bound: Option<Bound<SceneChild>> = None;
    let mut raw_ports = None;
    let mut _kept = None;
    let (frames, raw) = match (case.attack)(probe_right) {
        Attack::FramesKeeping(frames, port) => {
            _kept = Some(port);
            (Some(frames), None)
        }
        Attack::Frames(frames) => (Some(frames), None),
        Attack::Raw { hello, bytes } => (None, Some((hello, bytes))),
    };
    match (frames, raw) {
        (Some(frames), _) => {
            let bound = child_end.bind("content", None).unwrap();
            for (header, message) in frames {
                // A violation in an early frame may close the channel before
                // the later ones go: a refused send hands its message back,
                // and its rights are released as it drops.
                if let Err(refused) = bound.send(header, message) {
                    assert!(
                        matches!(refused, machproto_runtime::channel::SendError::Closed(_)),
                        "{}: {refused}",
                        case.name
                    );
                    break;
                }
            }
            raw_bound = Some(bound);
        }
        (None, Some((hello, bytes))) => {
            let (receive, send, nonce) = child_end.into_parts();
            if hello {
                let hello = wire::encode(Hello::new::<SceneChild>(nonce, "content")).unwrap();
                let mut framed = Vec::new();
                frame(0, 0, FrameFlags::HELLO, 0).encode(&mut framed);
                framed.extend(hello.bytes);
                let hello = Message {
                    bytes: framed,
                    rights: Vec::new(),
                };
                send.send(hello, Some(WAIT)).unwrap();
            }
            let raw = Message {
                bytes,
                rights: Vec::new(),
            };
            send.send(raw, Some(WAIT)).unwrap();
            raw_ports = Some((receive, send));
        }
        (None, None) => {}
    }
    let expected = format!("parent scene destroyed BadMessage({:?})", case.expected);
    log.wait_line(&expected);
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.len(), 1, "{}: {reports:?}", case.name);
    assert_eq!(reports[0].reason, case.expected, "{}", case.name);
    assert_eq!(reports[0].protocol, "test.Scene");
    // The right the bad frame carried was released.
    let released = watch.recv(Some(WAIT));
    assert!(
        matches!(released, Err(RecvError::PeerGone)),
        "{}: {released:?}",
        case.name
    );
    // The raw peer sees its channel gone.
    if let Some(mut bound) = raw_bound {
        loop {
            match bound.recv(WAIT) {
                Ok(_) => continue,
                Err(ChannelError::Closed(CloseReason::PeerGone)) => break,
                Err(other) => panic!("{}: expected the channel gone, got {other}", case.name),
            }
        }
    }
    if let Some((receive, _send)) = raw_ports {
        loop {
            match receive.recv(Some(WAIT)) {
                Ok(_) => continue,
                Err(RecvError::PeerGone) => break,
                Err(other) => panic!("{}: expected the channel gone, got {other:?}", case.name),
            }
        }
    }
    // Exactly one end for each actor, with the bad message as its reason.
    let ends: Vec<String> = log
        .lines()
        .into_iter()
        .filter(|l| l.contains("destroyed"))
        .collect();
    let actors: std::collections::HashSet<&str> = ends
        .iter()
        .map(|l| l.split(" destroyed").next().unwrap_or(""))
        .collect();
    assert_eq!(actors.len(), ends.len(), "{}: {ends:?}", case.name);
    // The top-level actor ends last, for the bad message (a layer the
    // peer deleted first ended with `Deletion`).
    assert_eq!(ends.last(), Some(&expected), "{}", case.name);
}

#[test]
fn each_violation_closes_only_its_channel_and_releases_what_it_carried() {
    let (event_loop, _) = EventLoop::spawn("hostile-loop").unwrap();
    // A healthy channel on the same loop, which must carry on throughout.
    let healthy_log = Log::default();
    let (_healthy_parent, healthy_child) = open_pair(
        &event_loop,
        &event_loop,
        parent_scene(&healthy_log),
        &healthy_log,
    );
    assert_eq!(healthy_child.double(1).unwrap().wait(WAIT).unwrap(), 2);
    let cases = cases();
    // The first case also warms up what the process keeps (I/O thread).
    run(&cases[0], &event_loop);
    let fds_before = open_fds();
    for (round, case) in cases.iter().enumerate() {
        run(case, &event_loop);
        let seq = round as u32 + 10;
        assert_eq!(
            healthy_child.double(seq).unwrap().wait(WAIT).unwrap(),
            seq * 2,
            "the healthy channel after {}",
            case.name
        );
    }
    // Every case's descriptors were released (on Linux each right is one).
    #[cfg(not(feature = "mach-sim"))]
    assert_eq!(open_fds(), fds_before, "descriptors leaked");
    #[cfg(feature = "mach-sim")]
    let _ = fds_before;
    assert!(
        !healthy_log.lines().iter().any(|l| l.contains("destroyed")),
        "{:?}",
        healthy_log.lines()
    );
    event_loop.stop();
}
