//! Channels over the process's one I/O thread: arrivals in order, peer
//! death as a close, one thread for any number of channels, and a stalled
//! peer that never blocks the sender. One test in its own binary, so the
//! thread count is not disturbed by other tests.
#![cfg(target_os = "linux")]

#[path = "support/channel_pair.rs"]
mod channel_pair;

use channel_pair::{WAIT, message, next, pair};
use machproto_runtime::channel::{Channel, ChannelEvent, CloseReason, SEND_QUEUE_LIMIT, SendError};
use machproto_runtime::platform;

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[test]
fn channels_share_one_io_thread_and_never_block_the_sender() {
    let before = threads();

    // Arrivals come out in order, then the close when the peer goes.
    let ((a, a_events), (b, b_events)) = pair();
    for i in 0..100u8 {
        a.send(message(&[i])).unwrap();
    }
    for i in 0..100u8 {
        match next(&b_events) {
            ChannelEvent::Message(received) => assert_eq!(received.message.bytes, [i]),
            other => panic!("{other:?}"),
        }
    }
    drop(a);
    drop(a_events);
    match next(&b_events) {
        ChannelEvent::Closed(reason) => assert_eq!(reason, CloseReason::PeerGone),
        other => panic!("{other:?}"),
    }
    drop((b, b_events));

    // A hundred open channels, one I/O thread.
    let many: Vec<_> = (0..100).map(|_| pair()).collect();
    assert_eq!(threads(), before + 1, "the runtime owns exactly one thread");

    // A peer that never reads (its receive right is held here, unread):
    // sends return at once, queued up to the documented limit, then
    // refused with the message back.
    let (unread, to_unread) = platform::port().unwrap();
    let (our_receive, _to_us) = platform::port().unwrap();
    let (stalled, _stalled_events) = Channel::open(our_receive, to_unread).unwrap();
    let mut accepted = 0u32;
    let mut refused = 0;
    for i in 0..100_000u32 {
        match stalled.send(message(&i.to_le_bytes())) {
            Ok(()) => accepted += 1,
            Err(SendError::Backpressure(back)) => {
                assert_eq!(back.bytes, i.to_le_bytes());
                refused += 1;
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(stalled.queued(), SEND_QUEUE_LIMIT);
    assert_eq!(accepted as usize + refused, 100_000);
    assert!(refused > 0);

    // Meanwhile the I/O thread keeps serving the other channels.
    let ((c, _c_events), (_d, d_events)) = &many[7];
    c.send(message(b"still served")).unwrap();
    match next(d_events) {
        ChannelEvent::Message(received) => assert_eq!(received.message.bytes, b"still served"),
        other => panic!("{other:?}"),
    }

    // When the peer reads again, the I/O thread resumes the queue: every
    // accepted message arrives, in order, none lost.
    for expected in 0..accepted {
        let received = unread.recv(Some(WAIT)).expect("a queued message");
        assert_eq!(received.message.bytes, expected.to_le_bytes());
    }
    assert_eq!(stalled.queued(), 0);
    assert_eq!(threads(), before + 1);
}
