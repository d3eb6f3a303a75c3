//! Watching a bare port on the I/O thread: what arrives on it, and its
//! end (every send right gone), reach a callback in order. The actor layer
//! uses it to learn whether a managed endpoint was bound or dropped,
//! wherever it went.

use std::io;
use std::sync::{Arc, Mutex, mpsc};

use super::dispatch::{Dispatch, Flow, Inbox, io_thread, lock};
use super::io::ChannelEvent;
use crate::platform::Token;
use crate::right::ReceiveRight;

/// A port being watched; dropping it stops the watch and releases the
/// right.
pub struct PortWatch {
    dispatch: Arc<Dispatch>,
    token: Token,
}

impl std::fmt::Debug for PortWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortWatch")
            .field("token", &self.token)
            .finish()
    }
}

impl PortWatch {
    /// Watches `receive`: `on_event` runs on the I/O thread for each
    /// arrival and then for the close, in order. It must not block and
    /// must not run user code (post a job to an event loop instead).
    pub fn new(
        receive: ReceiveRight,
        on_event: impl Fn(ChannelEvent) + Send + Sync + 'static,
    ) -> io::Result<PortWatch> {
        let (events, arrived) = mpsc::channel();
        let arrived = Mutex::new(arrived);
        let flow = Arc::new(Mutex::new(Flow::default()));
        let taken = Arc::clone(&flow);
        let notify = Arc::new(move || {
            let arrived = lock(&arrived);
            while let Ok(event) = arrived.try_recv() {
                lock(&taken).pending -= 1;
                on_event(event);
            }
        });
        let dispatch = io_thread()?;
        let inbox = Inbox {
            events,
            notify: Some(notify),
            flow,
        };
        let token = dispatch.register(receive, inbox)?;
        Ok(PortWatch { dispatch, token })
    }
}

impl Drop for PortWatch {
    fn drop(&mut self) {
        self.dispatch.unregister(self.token);
    }
}
