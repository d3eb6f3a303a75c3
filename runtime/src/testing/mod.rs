//! Counting test doubles for rights (feature `test-util`).
//!
//! A [`RightCounter`] makes rights that count their own release, so a test
//! can assert that every right a message carried was released exactly once,
//! whether decoding succeeded or failed half-way:
//!
//! ```
//! use machproto_runtime::testing::RightCounter;
//!
//! let counter = RightCounter::new();
//! let right = counter.send_right();
//! assert_eq!(counter.live(), 1);
//! drop(right);
//! assert_eq!((counter.created(), counter.released()), (1, 1));
//! ```

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::right::{Handle, ReceiveRight, SendOnceRight, SendRight, SharedMemory};

#[derive(Debug, Default)]
struct Counts {
    created: AtomicUsize,
    released: AtomicUsize,
}

/// Makes counting rights and reports how many were created and released.
#[derive(Clone, Debug, Default)]
pub struct RightCounter {
    counts: Arc<Counts>,
}

/// The handle of a counting right.
pub(crate) struct CountedHandle {
    counts: Arc<Counts>,
    serial: usize,
}

impl fmt::Debug for CountedHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Counted#{}", self.serial)
    }
}

impl Drop for CountedHandle {
    fn drop(&mut self) {
        self.counts.released.fetch_add(1, Ordering::SeqCst);
    }
}

impl RightCounter {
    /// A counter with nothing created yet.
    #[must_use]
    pub fn new() -> RightCounter {
        RightCounter::default()
    }

    fn handle(&self) -> Handle {
        let serial = self.counts.created.fetch_add(1, Ordering::SeqCst);
        Handle::Counted(CountedHandle {
            counts: Arc::clone(&self.counts),
            serial,
        })
    }

    /// A counting send right.
    pub fn send_right(&self) -> SendRight {
        SendRight {
            handle: self.handle(),
        }
    }

    /// A counting send-once right.
    pub fn send_once_right(&self) -> SendOnceRight {
        SendOnceRight {
            handle: self.handle(),
        }
    }

    /// A counting receive right.
    pub fn receive_right(&self) -> ReceiveRight {
        ReceiveRight {
            handle: self.handle(),
        }
    }

    /// A counting shared memory region of `len` bytes.
    pub fn shared_memory(&self, len: u64) -> SharedMemory {
        SharedMemory {
            handle: self.handle(),
            len,
        }
    }

    /// Rights created so far.
    pub fn created(&self) -> usize {
        self.counts.created.load(Ordering::SeqCst)
    }

    /// Rights released so far.
    pub fn released(&self) -> usize {
        self.counts.released.load(Ordering::SeqCst)
    }

    /// Rights created and not yet released.
    pub fn live(&self) -> usize {
        self.created().saturating_sub(self.released())
    }
}

#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod peer;
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
pub use peer::{Peer, PeerRoles, Role};
#[cfg(feature = "mach-sim")]
mod sim_peer;
#[cfg(feature = "mach-sim")]
pub use sim_peer::{Peer, PeerRoles, Role, isolated};

/// Runs one platform test. Over the Mach simulator the test runs in a fresh
/// simulated task and ends by asserting that the task leaked no right; over
/// a real kernel it simply runs (leaks there are checked by counting
/// descriptors in the tests that can).
#[cfg(not(feature = "mach-sim"))]
pub fn isolated<R>(test: impl FnOnce() -> R) -> R {
    test()
}

/// Starts a thread of this process. Over the Mach simulator it belongs to
/// the simulated task of the calling thread (a test's [`isolated`] task),
/// as a real thread belongs to its process.
pub fn spawn_in_task<T: Send + 'static>(
    body: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    #[cfg(feature = "mach-sim")]
    let task = crate::mach_sim::current_task();
    std::thread::spawn(move || {
        #[cfg(feature = "mach-sim")]
        crate::mach_sim::bind_thread_to(task);
        body()
    })
}
