//! Sync calls: the caller's thread blocks on its own reply port until the
//! answer, a rejection, the reply right's release, or the timeout; a sync
//! frame without a reply right closes the channel. Runs on both backends.
#![cfg(target_os = "linux")]

mod support;

use std::thread;
use std::time::Duration;

use machproto_runtime::Right;
use machproto_runtime::channel::{Bound, ChannelError, FrameFlags, SyncCallError};
use machproto_runtime::platform::{self, RecvError};
use machproto_runtime::wire::{self, Message};
use support::{CalcChild, CalcParent, DOUBLE, header, pair};

const WAIT: Duration = Duration::from_secs(20);
const SHORT: Duration = Duration::from_millis(200);

/// Runs `callee` on the child's side in another thread while this one
/// makes the sync call.
fn call_with(
    callee: impl FnOnce(Bound<CalcChild>) + Send + 'static,
    timeout: Duration,
) -> (Bound<CalcParent>, Result<u32, SyncCallError>) {
    let (parent, child) = pair();
    let callee = thread::spawn(move || callee(child));
    let result = parent.call_sync::<u32>(0, DOUBLE, wire::encode(21u32).unwrap(), timeout);
    callee.join().unwrap();
    (parent, result)
}

#[test]
fn a_sync_call_blocks_until_the_answer() {
    let (mut parent, result) = call_with(
        |mut child| {
            let mut frame = child.recv(WAIT).unwrap();
            assert!(frame.header.flags.contains(FrameFlags::SYNC));
            let responder = child.responder::<u32>(&mut frame).unwrap();
            // The reply right was taken off; the body's rights are its own.
            assert!(frame.rights.is_empty());
            let note = header(9, FrameFlags::default(), 0);
            child.send(note, Message::default()).unwrap();
            let argument: u32 = wire::decode(Message {
                bytes: frame.body,
                rights: frame.rights,
            })
            .unwrap();
            responder.respond(argument * 2).unwrap();
            // Kept open until the caller has seen the note.
            thread::sleep(SHORT);
        },
        WAIT,
    );
    assert_eq!(result.unwrap(), 42);
    // What arrived while the caller was blocked is still there, in order.
    assert_eq!(parent.recv(WAIT).unwrap().header.message, 9);
}

#[test]
fn a_dropped_responder_rejects_the_sync_call() {
    let (_, result) = call_with(
        |mut child| {
            let mut frame = child.recv(WAIT).unwrap();
            drop(child.responder::<u32>(&mut frame));
        },
        WAIT,
    );
    assert!(
        matches!(result, Err(SyncCallError::ResponderDropped)),
        "{result:?}"
    );
}

#[test]
fn a_call_dropped_without_a_responder_ends_with_no_reply() {
    let (_, result) = call_with(
        |mut child| {
            drop(child.recv(WAIT).unwrap());
        },
        WAIT,
    );
    assert!(matches!(result, Err(SyncCallError::NoReply)), "{result:?}");
}

#[test]
fn a_callee_that_goes_away_ends_the_call_with_no_reply() {
    let (_, result) = call_with(
        |child| {
            // Gone before it reads: the queued call and its reply right
            // are destroyed with the channel.
            thread::sleep(SHORT);
            drop(child);
        },
        WAIT,
    );
    assert!(matches!(result, Err(SyncCallError::NoReply)), "{result:?}");
}

#[test]
fn a_sync_call_times_out() {
    let (_, result) = call_with(
        |mut child| {
            let mut frame = child.recv(WAIT).unwrap();
            let responder = child.responder::<u32>(&mut frame).unwrap();
            // Answers only after the caller gave up: the answer is lost
            // quietly, its reply port being gone.
            thread::sleep(SHORT * 3);
            responder.respond(1).unwrap();
        },
        SHORT,
    );
    assert!(matches!(result, Err(SyncCallError::Timeout)), "{result:?}");
}

#[test]
fn a_sync_frame_without_a_reply_right_closes_the_channel() {
    for with_wrong_right in [false, true] {
        let (mut parent, child) = pair();
        let (probe, probe_send) = platform::port().unwrap();
        let rights = if with_wrong_right {
            vec![Right::Send(probe_send)]
        } else {
            drop(probe_send);
            Vec::new()
        };
        let sync = header(DOUBLE, FrameFlags::SYNC, 1);
        let body = Message {
            bytes: wire::encode(1u32).unwrap().bytes,
            rights,
        };
        child.send(sync, body).unwrap();
        let error = parent.recv(WAIT).unwrap_err();
        assert!(
            matches!(error, ChannelError::SyncWithoutReplyRight),
            "{error}"
        );
        assert!(matches!(parent.recv(SHORT), Err(ChannelError::Closed(_))));
        // Whatever right it carried instead was released.
        let result = probe.recv(Some(WAIT));
        assert!(matches!(result, Err(RecvError::PeerGone)), "{result:?}");
    }
}

#[test]
fn a_sync_call_on_a_closed_channel_is_not_sent() {
    let (mut parent, child) = pair();
    drop(child);
    assert!(parent.recv(WAIT).is_err());
    let result = parent.call_sync::<u32>(0, DOUBLE, wire::encode(1u32).unwrap(), WAIT);
    match result {
        Err(SyncCallError::Send(error)) => {
            let machproto_runtime::channel::SendError::Closed(body) = error else {
                panic!("expected Closed, got {error}");
            };
            // The body comes back as given, without the reply right.
            assert!(body.rights.is_empty());
        }
        other => panic!("expected a send error, got {other:?}"),
    }
}

#[test]
fn a_late_answer_never_reaches_a_later_call() {
    let (parent, mut child) = pair();
    let callee = thread::spawn(move || {
        let mut first = child.recv(WAIT).unwrap();
        let late = child.responder::<u32>(&mut first).unwrap();
        // The caller gives up on the first call and makes a second.
        let mut second = child.recv(WAIT).unwrap();
        late.respond(1111).unwrap();
        let responder = child.responder::<u32>(&mut second).unwrap();
        responder.respond(2222).unwrap();
        thread::sleep(SHORT);
        child
    });
    let first = parent.call_sync::<u32>(0, DOUBLE, wire::encode(1u32).unwrap(), SHORT);
    assert!(matches!(first, Err(SyncCallError::Timeout)), "{first:?}");
    let second = parent.call_sync::<u32>(0, DOUBLE, wire::encode(2u32).unwrap(), WAIT);
    assert_eq!(second.unwrap(), 2222);
    drop(callee.join().unwrap());
}

#[test]
fn a_call_dropped_on_a_channel_still_open_ends_with_no_reply() {
    let (parent, mut child) = pair();
    let callee = thread::spawn(move || {
        drop(child.recv(WAIT).unwrap());
        // The channel stays open: its reply route with it.
        thread::sleep(SHORT * 2);
        child
    });
    let result = parent.call_sync::<u32>(0, DOUBLE, wire::encode(1u32).unwrap(), WAIT);
    assert!(matches!(result, Err(SyncCallError::NoReply)), "{result:?}");
    drop(callee.join().unwrap());
}

#[test]
fn more_sync_calls_at_once_than_routes_all_get_their_answers() {
    use machproto_runtime::channel::ROUTE_LIMIT;
    let calls = ROUTE_LIMIT + 4;
    let (parent, mut child) = pair();
    let callee = thread::spawn(move || {
        // Every call is waiting before the first is answered, so some
        // must have gone out on one-shot reply ports.
        let mut frames: Vec<_> = (0..calls).map(|_| child.recv(WAIT).unwrap()).collect();
        for frame in &mut frames {
            let responder = child.responder::<u32>(frame).unwrap();
            let argument: u32 = wire::decode(Message {
                bytes: std::mem::take(&mut frame.body),
                rights: std::mem::take(&mut frame.rights),
            })
            .unwrap();
            responder.respond(argument * 2).unwrap();
        }
        child
    });
    let callers: Vec<_> = (0..calls as u32)
        .map(|argument| {
            let outgoing = parent.outgoing().clone();
            thread::spawn(move || {
                let body = wire::encode(argument).unwrap();
                let header = header(DOUBLE, FrameFlags::default(), 0);
                outgoing.call_sync::<u32>(header, body, WAIT)
            })
        })
        .collect();
    for (argument, caller) in callers.into_iter().enumerate() {
        assert_eq!(caller.join().unwrap().unwrap(), argument as u32 * 2);
    }
    drop(callee.join().unwrap());
}

#[test]
fn broken_route_frames_close_the_channel() {
    use machproto_runtime::channel::{FrameError, RouteError};
    let unknown_route = {
        let mut body = wire::encode(1u32).unwrap();
        body.bytes.extend_from_slice(&7u32.to_le_bytes());
        (FrameFlags::SYNC | FrameFlags::ROUTE, body)
    };
    let new_route_without_right = {
        let mut body = wire::encode(1u32).unwrap();
        body.bytes.extend_from_slice(&8u32.to_le_bytes());
        let flags = FrameFlags::SYNC | FrameFlags::ROUTE | FrameFlags::NEW_ROUTE;
        (flags, body)
    };
    let cases = [
        (unknown_route, RouteError::UnknownRoute(7)),
        (new_route_without_right, RouteError::NoSendRight),
    ];
    for ((flags, body), expected) in cases {
        let (mut parent, child) = pair();
        child.send(header(DOUBLE, flags, 1), body).unwrap();
        let error = parent.recv(WAIT).unwrap_err();
        assert!(
            matches!(&error, ChannelError::Frame(FrameError::Route(found)) if *found == expected),
            "{error}"
        );
        assert!(matches!(parent.recv(SHORT), Err(ChannelError::Closed(_))));
    }
}

#[test]
fn a_new_route_with_the_wrong_right_closes_the_channel_and_releases_it() {
    use machproto_runtime::channel::{FrameError, RouteError};
    let (mut parent, child) = pair();
    let (probe, probe_once) = platform::reply_port().unwrap();
    let mut body = wire::encode(1u32).unwrap();
    body.bytes.extend_from_slice(&3u32.to_le_bytes());
    body.rights.push(Right::SendOnce(probe_once));
    let flags = FrameFlags::SYNC | FrameFlags::ROUTE | FrameFlags::NEW_ROUTE;
    child.send(header(DOUBLE, flags, 1), body).unwrap();
    let error = parent.recv(WAIT).unwrap_err();
    assert!(
        matches!(
            error,
            ChannelError::Frame(FrameError::Route(RouteError::NoSendRight))
        ),
        "{error}"
    );
    // The send-once right it carried instead was released, once.
    let result = probe.recv(Some(WAIT));
    assert!(matches!(result, Err(RecvError::PeerGone)), "{result:?}");
}

/// Callers use reply routes on the Linux backend only (see
/// `channel::route`).
#[cfg(not(feature = "mach-sim"))]
#[test]
fn sync_calls_reuse_one_reply_route() {
    use machproto_runtime::channel::FrameHeader;
    let (parent_end, child_end) = machproto_runtime::create_endpoints::<support::Calc>().unwrap();
    let parent = parent_end.bind("browser", None).unwrap();
    // The callee is raw, to see the frames as they travel.
    let (receive, _send, _nonce) = child_end.into_parts();
    let callee = thread::spawn(move || {
        let mut route = None;
        let mut seen = Vec::new();
        // The caller's hello comes first.
        receive.recv(Some(WAIT)).unwrap();
        for _ in 0..3 {
            let mut message = receive.recv(Some(WAIT)).unwrap().message;
            let (frame, body) = FrameHeader::decode(&message.bytes).unwrap();
            let (arguments, id) = body.split_at(body.len() - 4);
            let argument: u32 = wire::decode(Message {
                bytes: arguments.to_vec(),
                rights: Vec::new(),
            })
            .unwrap();
            seen.push((frame.flags, message.rights.len(), id.to_vec()));
            if frame.flags.contains(FrameFlags::NEW_ROUTE) {
                let Some(Right::Send(send)) = message.rights.pop() else {
                    panic!("a new route without its send right");
                };
                route = Some(send);
            }
            // Status byte "answered", then the value.
            let mut answer = vec![0u8];
            answer.extend(wire::encode(argument * 2).unwrap().bytes);
            let answer = Message {
                bytes: answer,
                rights: Vec::new(),
            };
            route.as_ref().unwrap().try_send(answer).unwrap();
        }
        seen
    });
    for argument in 1..=3u32 {
        let body = wire::encode(argument).unwrap();
        assert_eq!(
            parent.call_sync::<u32>(0, DOUBLE, body, WAIT).unwrap(),
            argument * 2
        );
    }
    let seen = callee.join().unwrap();
    let call = FrameFlags::SYNC | FrameFlags::ROUTE;
    let id = seen[0].2.clone();
    // The first call opens the route with its send right; the others only
    // name it: no port is made and no right travels.
    assert_eq!(
        seen,
        vec![
            (call | FrameFlags::NEW_ROUTE, 1, id.clone()),
            (call, 0, id.clone()),
            (call, 0, id)
        ]
    );
}

#[test]
fn a_callee_that_refuses_its_channel_ends_a_queued_call_at_once() {
    let (parent, mut child) = pair();
    let callee = thread::spawn(move || {
        // The first call opens a reply route (on Linux) and is answered.
        let mut frame = child.recv(WAIT).unwrap();
        child
            .responder::<u32>(&mut frame)
            .unwrap()
            .respond(2)
            .unwrap();
        // Both the bad frame and the next call are queued before this
        // reads: the bad one closes the channel; the call is never read.
        thread::sleep(SHORT);
        let error = child.recv(WAIT).unwrap_err();
        assert!(matches!(error, ChannelError::Frame(_)), "{error}");
        // Still alive: the caller must not wait for it to go.
        thread::sleep(SHORT * 5);
        child
    });
    let call = |argument: u32, timeout| {
        parent.call_sync::<u32>(0, DOUBLE, wire::encode(argument).unwrap(), timeout)
    };
    assert_eq!(call(1, WAIT).unwrap(), 2);
    let unknown_flags = FrameFlags(1 << 20);
    parent
        .send(header(DOUBLE, unknown_flags, 0), Message::default())
        .unwrap();
    let started = std::time::Instant::now();
    let result = call(2, WAIT);
    assert!(
        matches!(result, Err(SyncCallError::NoReply | SyncCallError::Send(_))),
        "{result:?}"
    );
    // Learnt when the callee refused the channel, not at the timeout.
    assert!(started.elapsed() < WAIT / 2, "{:?}", started.elapsed());
    drop(callee.join().unwrap());
}
