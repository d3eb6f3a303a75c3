//! A channel whose owner stops taking events: the I/O thread stops
//! reading it at the inbox bound, the sender is pushed back, and nothing
//! is lost once the owner takes events again.
#![cfg(target_os = "linux")]

#[path = "support/channel_pair.rs"]
mod channel_pair;

use std::time::Duration;

use channel_pair::{WAIT, message, next, pair};
use machproto_runtime::channel::{ChannelEvent, INBOX_LIMIT, SendError};

#[test]
fn an_owner_that_stops_taking_events_stops_the_io_thread_reading_its_channel() {
    let ((sender, _sender_events), (_receiver, events)) = pair();
    let mut accepted = Vec::new();
    let mut refused = 0;
    for i in 0..100_000u32 {
        match sender.send(message(&i.to_le_bytes())) {
            Ok(()) => accepted.push(i),
            Err(SendError::Backpressure(_)) => refused += 1,
            Err(other) => panic!("{other}"),
        }
    }
    assert!(refused > 0, "the sender was never pushed back");
    let deadline = std::time::Instant::now() + WAIT;
    while events.waiting() < INBOX_LIMIT {
        assert!(
            std::time::Instant::now() < deadline,
            "the inbox never filled"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    // A broken bound would show given time; a correct one never moves.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(events.waiting(), INBOX_LIMIT, "the I/O thread read on");
    // Taking events lets it read on: everything accepted arrives, in order.
    for expected in accepted {
        match next(&events) {
            ChannelEvent::Message(received) => {
                assert_eq!(received.message.bytes, expected.to_le_bytes());
            }
            other => panic!("{other:?}"),
        }
    }
}
