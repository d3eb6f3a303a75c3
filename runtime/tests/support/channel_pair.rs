#![allow(dead_code)] // Each test file uses its own subset.
//! Two raw channels joined by two ports, and plain messages for them.

use std::time::Duration;

use machproto_runtime::channel::{Channel, ChannelEvent, ChannelEvents};
use machproto_runtime::platform;
use machproto_runtime::wire::Message;

pub(crate) const WAIT: Duration = Duration::from_secs(20);

pub(crate) fn message(bytes: &[u8]) -> Message {
    Message {
        bytes: bytes.to_vec(),
        rights: Vec::new(),
    }
}

/// Two channel ends joined by two ports.
pub(crate) fn pair() -> ((Channel, ChannelEvents), (Channel, ChannelEvents)) {
    let (a_receive, to_a) = platform::port().unwrap();
    let (b_receive, to_b) = platform::port().unwrap();
    (
        Channel::open(a_receive, to_b).unwrap(),
        Channel::open(b_receive, to_a).unwrap(),
    )
}

/// The next event, which must come.
pub(crate) fn next(events: &ChannelEvents) -> ChannelEvent {
    events.recv_timeout(WAIT).expect("an event arrives")
}
