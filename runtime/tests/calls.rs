//! Calls over bound channels: a reply reaches its caller once, a dropped
//! responder and a closed channel end the call with a typed error, and a
//! peer's reply that answers no call closes the channel. Runs on both
//! backends.
#![cfg(target_os = "linux")]

mod support;

use std::thread;
use std::time::Duration;

use machproto_runtime::actor::{ReplyError, UnexpectedReply};
use machproto_runtime::channel::{Bound, ChannelError, CloseReason, FrameFlags};
use machproto_runtime::platform::{self, RecvError};
use machproto_runtime::wire::{self, Message};
use machproto_runtime::{ProtocolSide, ReceiveRight, Right};
use support::{DOUBLE, call_double, header, pair, reply_header};

const WAIT: Duration = Duration::from_secs(20);
const PUMP: Duration = Duration::from_millis(200);

/// Receives on `bound` until nothing comes for a moment, so replies that
/// arrived are handed to their calls (`recv` consumes them itself).
fn pump<S: ProtocolSide>(bound: &mut Bound<S>) -> ChannelError {
    match bound.recv(PUMP) {
        Ok(frame) => panic!("unexpected frame {:?}", frame.header),
        Err(error) => error,
    }
}

#[test]
fn a_call_is_answered_from_another_thread() {
    let (mut parent, mut child) = pair();
    let reply = call_double(&parent, 21);
    assert_eq!(parent.pending_calls(), 1);
    let mut frame = child.recv(WAIT).unwrap();
    assert_eq!(frame.header.message, DOUBLE);
    let responder = child.responder::<u32>(&mut frame).unwrap();
    // One call, one responder.
    assert!(child.responder::<u32>(&mut frame).is_none());
    let argument: u32 = wire::decode(Message {
        bytes: frame.body,
        rights: frame.rights,
    })
    .unwrap();
    // The responder outlives the borrow and answers from elsewhere.
    thread::spawn(move || responder.respond(argument * 2).unwrap())
        .join()
        .unwrap();
    assert!(matches!(pump(&mut parent), ChannelError::Timeout));
    assert_eq!(reply.wait(Duration::ZERO).unwrap(), 42);
    assert_eq!(parent.pending_calls(), 0);
}

#[test]
fn a_plain_message_has_no_responder() {
    let (parent, mut child) = pair();
    let plain = header(DOUBLE, FrameFlags::default(), 0);
    parent.send(plain, wire::encode(1u32).unwrap()).unwrap();
    let mut frame = child.recv(WAIT).unwrap();
    assert!(child.responder::<u32>(&mut frame).is_none());
}

#[test]
fn a_dropped_responder_rejects_the_call() {
    let (mut parent, mut child) = pair();
    let reply = call_double(&parent, 1);
    let mut frame = child.recv(WAIT).unwrap();
    drop(child.responder::<u32>(&mut frame));
    assert!(matches!(pump(&mut parent), ChannelError::Timeout));
    assert!(matches!(
        reply.wait(Duration::ZERO),
        Err(ReplyError::ResponderDropped)
    ));
}

#[test]
fn a_peer_that_goes_away_fails_pending_calls() {
    let (mut parent, child) = pair();
    let reply = call_double(&parent, 1);
    drop(child);
    assert!(matches!(
        pump(&mut parent),
        ChannelError::Closed(CloseReason::PeerGone)
    ));
    let result = reply.wait(Duration::ZERO);
    assert!(
        matches!(result, Err(ReplyError::Closed(CloseReason::PeerGone))),
        "{result:?}"
    );
    // A closed channel takes no new calls.
    assert!(parent.call::<u32>(0, DOUBLE, Message::default()).is_err());
}

#[test]
fn dropping_the_channel_fails_calls_still_waiting() {
    let (parent, _child) = pair();
    let reply = call_double(&parent, 1);
    drop(parent);
    assert!(matches!(
        reply.wait(WAIT),
        Err(ReplyError::Closed(CloseReason::Failed(_)))
    ));
}

/// What a hostile child does: sends a reply frame it was never asked for.
fn forged_reply(transaction: u64, body: Vec<u8>) -> ChannelError {
    let (mut parent, child) = pair();
    let reply = call_double(&parent, 1);
    let header = reply_header(transaction);
    child
        .send(
            header,
            Message {
                bytes: body,
                rights: Vec::new(),
            },
        )
        .unwrap();
    let error = pump(&mut parent);
    // The channel closed, and so the honest call failed with it.
    assert!(matches!(
        reply.wait(Duration::ZERO),
        Err(ReplyError::Closed(CloseReason::Failed(_)))
    ));
    assert!(matches!(parent.recv(PUMP), Err(ChannelError::Closed(_))));
    error
}

#[test]
fn a_reply_to_no_call_closes_the_channel() {
    let error = forged_reply(99, vec![0, 1, 0, 0, 0]);
    assert!(
        matches!(
            error,
            ChannelError::Reply(UnexpectedReply::UnknownTransaction(99))
        ),
        "{error}"
    );
    let error = forged_reply(0, vec![0, 1, 0, 0, 0]);
    assert!(
        matches!(
            error,
            ChannelError::Reply(UnexpectedReply::UnknownTransaction(0))
        ),
        "{error}"
    );
}

#[test]
fn a_reply_with_a_bad_status_closes_the_channel() {
    let error = forged_reply(1, vec![7]);
    assert!(
        matches!(
            error,
            ChannelError::Reply(UnexpectedReply::BadStatus(Some(7)))
        ),
        "{error}"
    );
}

#[test]
fn a_reply_of_the_wrong_shape_fails_only_that_call() {
    let (mut parent, child) = pair();
    let reply = call_double(&parent, 1);
    let header = reply_header(reply.transaction());
    let short = Message {
        bytes: vec![0, 1],
        rights: Vec::new(),
    };
    child.send(header, short).unwrap();
    assert!(matches!(pump(&mut parent), ChannelError::Timeout));
    assert!(matches!(
        reply.wait(Duration::ZERO),
        Err(ReplyError::Decode(_))
    ));
}

#[test]
fn the_owner_waits_for_a_reply_and_keeps_what_came_first() {
    let (mut parent, mut child) = pair();
    let reply = call_double(&parent, 5);
    let mut frame = child.recv(WAIT).unwrap();
    let responder = child.responder::<u32>(&mut frame).unwrap();
    let note = header(9, FrameFlags::default(), 0);
    child.send(note, wire::encode(1u32).unwrap()).unwrap();
    responder.respond(10).unwrap();
    assert_eq!(parent.wait_reply(reply, WAIT).unwrap(), 10);
    // The frame that came before the reply is still delivered, first.
    assert_eq!(parent.recv(WAIT).unwrap().header.message, 9);
}

#[test]
fn waiting_for_a_reply_that_never_comes_times_out() {
    let (mut parent, mut child) = pair();
    let reply = call_double(&parent, 5);
    let mut frame = child.recv(WAIT).unwrap();
    let responder = child.responder::<u32>(&mut frame).unwrap();
    assert!(matches!(
        parent.wait_reply(reply, PUMP),
        Err(ReplyError::Timeout)
    ));
    assert_eq!(parent.pending_calls(), 0);
    // The late answer is discarded, not taken for a forged reply.
    responder.respond(10).unwrap();
    assert!(matches!(pump(&mut parent), ChannelError::Timeout));
}

#[test]
fn waiting_for_a_reply_ends_when_the_peer_goes_away() {
    let (mut parent, child) = pair();
    let reply = call_double(&parent, 5);
    drop(child);
    let result = parent.wait_reply(reply, WAIT);
    assert!(
        matches!(result, Err(ReplyError::Closed(CloseReason::PeerGone))),
        "{result:?}"
    );
}

/// A probe port: the returned send right goes into a reply; once every
/// copy of it is released, the probe's `recv` reports `PeerGone`.
fn probe() -> (ReceiveRight, Right) {
    let (receive, send) = platform::port().unwrap();
    (receive, Right::Send(send))
}

fn assert_released(probe: &ReceiveRight) {
    let result = probe.recv(Some(WAIT));
    assert!(matches!(result, Err(RecvError::PeerGone)), "{result:?}");
}

#[test]
fn rights_in_refused_or_unwanted_replies_are_released() {
    // A forged reply: the channel closes and the right goes with it.
    let (mut parent, child) = pair();
    let (watch, right) = probe();
    let header = reply_header(42);
    let forged = Message {
        bytes: vec![0, 1, 0, 0, 0],
        rights: vec![right],
    };
    child.send(header, forged).unwrap();
    assert!(matches!(pump(&mut parent), ChannelError::Reply(_)));
    assert_released(&watch);

    // A reply whose value does not claim the right it carries.
    let (mut parent, child) = pair();
    let reply = call_double(&parent, 1);
    let (watch, right) = probe();
    let extra = Message {
        bytes: vec![0, 2, 0, 0, 0],
        rights: vec![right],
    };
    child
        .send(reply_header(reply.transaction()), extra)
        .unwrap();
    assert!(matches!(
        parent.wait_reply(reply, WAIT),
        Err(ReplyError::Decode(_))
    ));
    assert_released(&watch);

    // A late reply to a call its caller gave up on.
    let reply = call_double(&parent, 1);
    let transaction = reply.transaction();
    drop(reply);
    let (watch, right) = probe();
    let late = Message {
        bytes: vec![0, 2, 0, 0, 0],
        rights: vec![right],
    };
    child.send(reply_header(transaction), late).unwrap();
    assert!(matches!(pump(&mut parent), ChannelError::Timeout));
    assert_released(&watch);
}
