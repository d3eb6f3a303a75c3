//! The kernel side of an event loop that hosts actors: a dispatch of its
//! channels' receive rights and a wake-up port. While the loop has no job
//! it waits on the dispatch, so an arrival wakes the thread that will
//! handle it; [`EventLoop::post`](super::EventLoop::post) from another
//! thread wakes it through the wake-up port.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use crate::channel::{Dispatch, Waited};
use crate::platform::{self, Token};
use crate::right::SendRight;
use crate::wire::Message;

/// Arrivals taken from the kernel before each job at most, so a flood of
/// them cannot starve the jobs already queued.
const DRAIN_LIMIT: usize = 64;

#[derive(Debug)]
pub(super) struct Kernel {
    pub(super) dispatch: Arc<Dispatch>,
    wake_token: Token,
    wake: SendRight,
}

impl Kernel {
    pub(super) fn new() -> io::Result<Kernel> {
        let dispatch = Arc::new(Dispatch::new()?);
        let (wake_receive, wake) = platform::port()?;
        let wake_token = dispatch.insert_port(wake_receive)?;
        Ok(Kernel {
            dispatch,
            wake_token,
            wake,
        })
    }

    /// Wakes the thread waiting in [`Kernel::wait`]. A full wake-up queue
    /// already holds a wake-up, which is as good.
    pub(super) fn wake(&self) {
        let ping = Message {
            bytes: vec![1],
            rights: Vec::new(),
        };
        drop(self.wake.try_send(ping));
    }

    /// Takes what has arrived, without waiting: its channels' events are
    /// queued (and their pump jobs posted) before the next job is chosen,
    /// so priorities order what arrived with what was already queued.
    /// False once the dispatch has failed.
    pub(super) fn drain(&self) -> bool {
        for _ in 0..DRAIN_LIMIT {
            match self.dispatch.wait(Some(Duration::ZERO)) {
                Waited::Handled | Waited::Port(_) => {}
                Waited::Nothing => return true,
                Waited::Failed => return false,
            }
        }
        true
    }

    /// Waits up to `timeout` (forever with `None`) for an arrival or a
    /// wake-up. False once the dispatch has failed.
    pub(super) fn wait(&self, timeout: Option<Duration>) -> bool {
        match self.dispatch.wait(timeout) {
            Waited::Port(token) if token != self.wake_token => true,
            Waited::Failed => false,
            _ => true,
        }
    }
}
