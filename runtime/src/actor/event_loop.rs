//! Event loops: where actors' messages are delivered. A loop is a queue
//! ordered by priority (FIFO within one priority), run either by a thread
//! the runtime starts ([`EventLoop::spawn`]) or by the app's own thread
//! ([`EventLoop::run_until`], [`EventLoop::run_one`]), so an app can keep
//! its actors on, say, its main thread.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kernel::Kernel;

/// Delivery priority (LANGUAGE.md §6): higher ones are delivered first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Background work.
    Low,
    /// The default.
    #[default]
    Normal,
    /// User input.
    Input,
    /// Frame timing.
    Vsync,
    /// Control messages.
    Control,
}

/// What a `[Compress]` message is replaced by: the actor and the message.
pub type CompressKey = (u64, u32);

type Job = Box<dyn FnOnce() + Send>;

/// A queued job, and whether it only takes arrivals off a channel (a
/// pump, which runs no handler and posts what it takes as jobs).
struct Queued {
    job: Job,
    takes_arrivals: bool,
}

#[derive(Default)]
struct Queue {
    /// Ordered by priority (highest first), then arrival.
    jobs: BTreeMap<(Reverse<Priority>, u64), Queued>,
    /// Where the undelivered instance of each compressible message sits.
    compressed: HashMap<CompressKey, (Reverse<Priority>, u64)>,
    /// The key of each compressible queued job, to forget it on delivery.
    keys: HashMap<(Reverse<Priority>, u64), CompressKey>,
    next: u64,
    /// Queued jobs that are not pumps (see [`Queued`]).
    handlers: usize,
    stopped: bool,
    /// The loop's channels, once an actor is opened on it.
    kernel: Option<Arc<Kernel>>,
    /// Whether the runner waits in the kernel (a post must wake it there).
    in_kernel: bool,
    /// Runners waiting on the condition variable (none: a post need not
    /// signal it).
    on_condvar: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    id: u64,
}

thread_local! {
    /// The loop whose job this thread is running, if any.
    static RUNNING: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
    /// The loop in whose kernel this thread waits, if any: what it posts
    /// while receiving there (an arrival's pump job) needs no wake-up.
    static IN_KERNEL: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// The id of the event loop whose job the calling thread is running.
pub(crate) fn running_loop() -> Option<u64> {
    RUNNING.with(std::cell::Cell::get)
}

/// Marks the calling thread as waiting in loop `id`'s kernel until
/// dropped (restored even if the wait unwinds).
struct InKernelGuard(Option<u64>);

impl InKernelGuard {
    fn enter(id: u64) -> InKernelGuard {
        InKernelGuard(IN_KERNEL.with(|in_kernel| in_kernel.replace(Some(id))))
    }
}

impl Drop for InKernelGuard {
    fn drop(&mut self) {
        IN_KERNEL.with(|in_kernel| in_kernel.set(self.0));
    }
}

/// Marks the calling thread as running a job of loop `id` until dropped.
struct RunningGuard(Option<u64>);

impl RunningGuard {
    fn enter(id: u64) -> RunningGuard {
        RunningGuard(RUNNING.with(|running| running.replace(Some(id))))
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        RUNNING.with(|running| running.set(self.0));
    }
}

/// An event loop's queue; cheap to clone and to send to other threads.
#[derive(Clone)]
pub struct EventLoop {
    shared: Arc<Shared>,
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let queue = self.lock();
        f.debug_struct("EventLoop")
            .field("queued", &queue.jobs.len())
            .field("stopped", &queue.stopped)
            .finish()
    }
}

impl Default for EventLoop {
    fn default() -> EventLoop {
        EventLoop::new()
    }
}

impl EventLoop {
    /// A loop nobody runs yet: run it with [`EventLoop::run_until`] or
    /// [`EventLoop::run_one`] on a thread of yours.
    pub fn new() -> EventLoop {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        EventLoop {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue::default()),
                ready: Condvar::new(),
                id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            }),
        }
    }

    /// This loop's identity, unique in the process.
    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// A loop run by a new thread named `name`, until [`EventLoop::stop`].
    pub fn spawn(name: &str) -> std::io::Result<(EventLoop, JoinHandle<()>)> {
        let event_loop = EventLoop::new();
        let runner = event_loop.clone();
        // Over the simulator, a thread belongs to the simulated task (the
        // process) of the thread that started it.
        #[cfg(feature = "mach-sim")]
        let task = crate::mach_sim::current_task();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                #[cfg(feature = "mach-sim")]
                crate::mach_sim::bind_thread_to(task);
                while runner.run_one(None) {}
            })?;
        Ok((event_loop, thread))
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Jobs run outside the lock; a panic cannot leave the queue torn.
        self.shared
            .queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues `job` at `priority`. With a `compress` key, a queued and not
    /// yet delivered job of the same key is replaced by this one, in its
    /// place: the newest data is delivered, once, as early as the first.
    pub fn post(
        &self,
        priority: Priority,
        compress: Option<CompressKey>,
        job: impl FnOnce() + Send + 'static,
    ) {
        self.enqueue(priority, compress, Box::new(job), false);
    }

    /// Queues a pump: a job that takes a channel's arrivals and posts them
    /// as jobs. It runs first (at `Control`), and the job chosen after it
    /// counts as chosen right after the loop looked at the kernel.
    pub(crate) fn post_arrivals(&self, job: impl FnOnce() + Send + 'static) {
        self.enqueue(Priority::Control, None, Box::new(job), true);
    }

    fn enqueue(
        &self,
        priority: Priority,
        compress: Option<CompressKey>,
        job: Job,
        takes_arrivals: bool,
    ) {
        let job = Queued {
            job,
            takes_arrivals,
        };
        let mut queue = self.lock();
        if queue.stopped {
            // Nobody will run it: dropped now (outside the lock), so what
            // it holds is released.
            drop(queue);
            drop(job);
            return;
        }
        if let Some(key) = compress {
            if let Some(slot) = queue.compressed.get(&key).copied() {
                queue.jobs.insert(slot, job);
                return;
            }
        }
        let slot = (Reverse(priority), queue.next);
        queue.next += 1;
        queue.handlers += usize::from(!job.takes_arrivals);
        queue.jobs.insert(slot, job);
        if let Some(key) = compress {
            queue.compressed.insert(key, slot);
            queue.keys.insert(slot, key);
        }
        // The runner posting from inside its own kernel wait will look at
        // the queue when the wait returns; waking it would cost a message.
        let from_runner = IN_KERNEL.with(std::cell::Cell::get) == Some(self.shared.id);
        let kernel = (queue.in_kernel && !from_runner)
            .then(|| queue.kernel.clone())
            .flatten();
        let on_condvar = queue.on_condvar > 0;
        drop(queue);
        if let Some(kernel) = kernel {
            kernel.wake();
        } else if on_condvar {
            self.shared.ready.notify_one();
        }
    }

    /// The dispatch this loop receives its actors' channels on, made on
    /// first use (by the thread opening the first actor, in its process).
    pub(crate) fn dispatch(&self) -> std::io::Result<Arc<crate::channel::Dispatch>> {
        let mut queue = self.lock();
        if let Some(kernel) = &queue.kernel {
            return Ok(Arc::clone(&kernel.dispatch));
        }
        let kernel = Arc::new(Kernel::new()?);
        let dispatch = Arc::clone(&kernel.dispatch);
        queue.kernel = Some(kernel);
        drop(queue);
        // A runner waiting on the condition variable waits in the kernel
        // from now on.
        self.shared.ready.notify_all();
        Ok(dispatch)
    }

    /// Runs the most urgent queued job, waiting up to `timeout` (forever
    /// with `None`) for one. Returns false when the loop was stopped or
    /// nothing came in time.
    pub fn run_one(&self, timeout: Option<Duration>) -> bool {
        let deadline = timeout.map(|t| Instant::now() + t);
        // Whether everything that had arrived was taken, with only pumps
        // run since.
        let mut looked = false;
        loop {
            let kernel = {
                let queue = self.lock();
                // Arrivals are taken before a job is chosen, so priorities
                // order them with what is queued. With no handler job queued
                // there is no choice to make: pumps run first anyway, and
                // the wait below takes what comes.
                let choosing = queue.handlers > 0 && !looked;
                queue.kernel.clone().filter(|_| choosing)
            };
            looked |= kernel.is_some();
            if let Some(kernel) = &kernel {
                if !kernel.drain() {
                    // The loop's port set failed (its process is gone,
                    // under the simulator): jobs only, from now on.
                    self.lock().kernel = None;
                }
            }
            let mut queue = self.lock();
            if queue.stopped {
                return false;
            }
            if let Some((slot, queued)) = queue.jobs.pop_first() {
                if let Some(key) = queue.keys.remove(&slot) {
                    queue.compressed.remove(&key);
                }
                queue.handlers -= usize::from(!queued.takes_arrivals);
                drop(queue);
                {
                    let _running = RunningGuard::enter(self.shared.id);
                    // A job that panics (an app's posted job; handlers are
                    // contained where they run) must not end the loop.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(queued.job));
                }
                // A pump only moved arrivals into the queue: go on to
                // choose among them. With nothing queued, the caller may be
                // waiting for what the pump did (a reply): this run counts.
                if !queued.takes_arrivals || self.lock().jobs.is_empty() {
                    return true;
                }
                continue;
            }
            let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
            if left.is_some_and(|left| left.is_zero()) {
                return false;
            }
            match queue.kernel.clone() {
                Some(kernel) => {
                    queue.in_kernel = true;
                    drop(queue);
                    let alive = {
                        let _in_kernel = InKernelGuard::enter(self.shared.id);
                        kernel.wait(left)
                    };
                    // A wait takes one arrival; others may have come too.
                    looked = false;
                    let mut queue = self.lock();
                    queue.in_kernel = false;
                    if !alive {
                        queue.kernel = None;
                    }
                }
                None => {
                    queue.on_condvar += 1;
                    let mut queue = match left {
                        None => self
                            .shared
                            .ready
                            .wait(queue)
                            .unwrap_or_else(|poisoned| poisoned.into_inner()),
                        Some(left) => {
                            self.shared
                                .ready
                                .wait_timeout(queue, left)
                                .unwrap_or_else(|poisoned| poisoned.into_inner())
                                .0
                        }
                    };
                    queue.on_condvar -= 1;
                }
            }
        }
    }

    /// Runs jobs on the calling thread until `done()` holds (checked after
    /// each job) or `timeout` passes; returns whether `done()` held.
    pub fn run_until(&self, timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while !done() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !self.run_one(Some(left)) {
                return done();
            }
        }
        true
    }

    /// Jobs waiting.
    pub fn queued(&self) -> usize {
        self.lock().jobs.len()
    }

    /// Stops the loop: its runner returns, queued jobs are dropped.
    pub fn stop(&self) {
        let mut queue = self.lock();
        queue.stopped = true;
        // Dropped once the queue is unlocked: what a job holds may post to
        // this loop as it goes.
        let dropped = std::mem::take(&mut queue.jobs);
        queue.handlers = 0;
        queue.compressed.clear();
        queue.keys.clear();
        let kernel = queue.in_kernel.then(|| queue.kernel.clone()).flatten();
        drop(queue);
        drop(dropped);
        if let Some(kernel) = kernel {
            kernel.wake();
        }
        self.shared.ready.notify_all();
    }
}

mod kernel;
#[cfg(test)]
mod tests;
