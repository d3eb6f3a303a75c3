//! The check-in handshake, the same on every backend once the child holds
//! a send right to the launcher's bootstrap port:
//!
//! 1. the child sends `CHECK_IN` carrying one send-once right, its reply
//!    port;
//! 2. the launcher takes the kernel's word for the sender's pid (never the
//!    message's), refuses anyone but the process it started, and answers
//!    on the send-once right with the child's [`Endpoint`].
//!
//! The launcher meanwhile watches the child, so one that exits or hangs
//! before checking in is a typed error, not a wait forever.

use std::process::ExitStatus;
use std::time::{Duration, Instant};

use super::LaunchError;
use crate::platform::RecvError;
use crate::right::{ReceiveRight, Right, SendRight};
use crate::wire::{self, Message};
use crate::{Endpoint, ProtocolSide};

/// The request's bytes: what it is and the handshake's version.
const CHECK_IN: &[u8] = b"machproto check-in v1";
/// How often the launcher looks at the child while it waits.
const POLL: Duration = Duration::from_millis(10);
/// Check-ins from other processes the launcher refuses before it gives up.
const MAX_IMPOSTORS: u32 = 16;

/// What the launcher knows of the process it started.
pub(crate) trait Launchee {
    /// The pid the kernel will report for it.
    fn pid(&self) -> u32;
    /// Its exit status, once it has exited.
    fn exited(&mut self) -> Option<ExitStatus>;
}

/// Launcher side: waits until `deadline` for the launchee's check-in on
/// `bootstrap` and hands it `endpoint`.
pub(crate) fn serve<S: ProtocolSide>(
    bootstrap: &ReceiveRight,
    launchee: &mut dyn Launchee,
    deadline: Instant,
    endpoint: Endpoint<S>,
) -> Result<(), LaunchError> {
    let mut impostors = 0;
    let mut impostor = None;
    loop {
        let now = Instant::now();
        if now >= deadline || impostors >= MAX_IMPOSTORS {
            // Someone else's check-in says more than a plain timeout.
            return Err(match impostor {
                Some(actual) => LaunchError::WrongIdentity {
                    expected: launchee.pid(),
                    actual,
                },
                None => LaunchError::TimedOut,
            });
        }
        match bootstrap.recv(Some(POLL.min(deadline - now))) {
            Ok(received) if received.sender.pid != launchee.pid() => {
                // Refused: the message and its reply right are dropped (the
                // sender sees `Refused`), and the launched child may still
                // check in.
                impostors += 1;
                impostor = Some(received.sender.pid);
            }
            Ok(received) => return answer(received.message, endpoint),
            Err(RecvError::Timeout) => {
                if let Some(status) = launchee.exited() {
                    return Err(LaunchError::ExitedBeforeCheckIn(status));
                }
            }
            // Every send right is gone: the child exited or dropped its
            // end. Wait (bounded) to tell which.
            Err(RecvError::PeerGone) => return Err(gone_without_check_in(launchee, deadline)),
            Err(RecvError::Malformed(reason)) => {
                return Err(LaunchError::BadCheckIn(reason.to_string()));
            }
            Err(RecvError::Io(error)) => return Err(LaunchError::Setup(error)),
        }
    }
}

fn answer<S: ProtocolSide>(request: Message, endpoint: Endpoint<S>) -> Result<(), LaunchError> {
    let Message { bytes, mut rights } = request;
    let reply = match (bytes.as_slice(), rights.len(), rights.pop()) {
        (CHECK_IN, 1, Some(Right::SendOnce(reply))) => reply,
        _ => {
            return Err(LaunchError::BadCheckIn(
                "not a check-in request with one reply right".into(),
            ));
        }
    };
    let message = wire::encode(endpoint).map_err(|e| LaunchError::BadCheckIn(e.to_string()))?;
    reply
        .send(message)
        .map_err(|_| LaunchError::BadCheckIn("the child's reply port is gone".into()))
}

fn gone_without_check_in(launchee: &mut dyn Launchee, deadline: Instant) -> LaunchError {
    loop {
        if let Some(status) = launchee.exited() {
            return LaunchError::ExitedBeforeCheckIn(status);
        }
        if Instant::now() >= deadline {
            return LaunchError::BadCheckIn(
                "the child closed its bootstrap channel without checking in".into(),
            );
        }
        std::thread::sleep(POLL);
    }
}

/// Child side: checks in through `to_launcher` and waits up to `timeout`
/// for the endpoint. `to_launcher` is released on return.
pub(crate) fn request<S: ProtocolSide>(
    to_launcher: SendRight,
    timeout: Duration,
) -> Result<Endpoint<S>, LaunchError> {
    let (replies, reply) = crate::platform::reply_port().map_err(LaunchError::Setup)?;
    let request = Message {
        bytes: CHECK_IN.to_vec(),
        rights: vec![Right::SendOnce(reply)],
    };
    to_launcher
        .send(request, Some(timeout))
        .map_err(|_| LaunchError::LauncherGone)?;
    drop(to_launcher);
    let received = replies.recv(Some(timeout)).map_err(|error| match error {
        RecvError::Timeout => LaunchError::TimedOut,
        // The launcher dropped our reply right: it refused us.
        RecvError::PeerGone => LaunchError::Refused,
        other => LaunchError::BadCheckIn(other.to_string()),
    })?;
    wire::decode::<Endpoint<S>>(received.message).map_err(|error| LaunchError::WrongEndpoint {
        reason: error.to_string(),
    })
}
