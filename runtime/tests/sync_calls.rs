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
