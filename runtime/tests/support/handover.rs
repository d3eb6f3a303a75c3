#![allow(dead_code)] // Each test file uses its own subset.
//! How a child process (a role) gets what its parent hands it: its one
//! inherited right is a send right to the parent, and it asks for the
//! rest on a fresh port.

use std::time::Duration;

use machproto_runtime::wire::{self, Message};
use machproto_runtime::{Right, SendRight, platform};

const WAIT: Duration = Duration::from_secs(20);

/// The inherited right as the send right to the parent it must be.
pub(crate) fn to_parent(right: Right) -> Result<SendRight, String> {
    match right {
        Right::Send(send) => Ok(send),
        other => Err(format!("expected a send right, got a {}", other.kind())),
    }
}

/// Asks the parent for a message of type `T` on a fresh port.
pub(crate) fn fetch<T: machproto_runtime::MachMessage>(parent: &SendRight) -> Result<T, String> {
    let (mine, to_me) = platform::port().map_err(|e| e.to_string())?;
    let request = Message {
        bytes: Vec::new(),
        rights: vec![Right::Send(to_me)],
    };
    parent
        .send(request, Some(WAIT))
        .map_err(|e| e.to_string())?;
    let received = mine.recv(Some(WAIT)).map_err(|e| e.to_string())?;
    wire::decode(received.message).map_err(|e| e.to_string())
}
