//! What every example needs: starting its own roles as children, waiting
//! on state shared with handlers, and ending with a status.

use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Any error an example reports.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// How long an example waits for anything before giving up.
pub const WAIT: Duration = Duration::from_secs(20);

/// How a parent makes the command that runs one of its roles as a child.
pub type Children<'a> = &'a dyn Fn(&str) -> Command;

/// This program again, with `role` as its only argument: how the example
/// binaries start their children.
pub fn this_program(role: &str) -> Command {
    // Without a path to ourselves `spawn` fails, and `launch` reports it.
    let program = std::env::current_exe().unwrap_or_default();
    let mut command = Command::new(program);
    command.arg(role).stdin(Stdio::null());
    command
}

/// The exit code for an example's outcome; an error is printed.
pub fn exit_code(outcome: Result<(), Error>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Waits up to [`WAIT`] for `child` to exit; kills it after that.
pub fn reap(child: &mut Child) -> Result<ExitStatus, Error> {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            child.kill()?;
            child.wait()?;
            return Err(format!("child {} did not exit in time", child.id()).into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// State that handlers (on an event loop) update and the main thread waits
/// on.
#[derive(Debug, Default)]
pub struct Shared<T> {
    inner: Arc<(Mutex<T>, Condvar)>,
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> Shared<T> {
    /// Shared `value`.
    pub fn new(value: T) -> Shared<T> {
        Shared {
            inner: Arc::new((Mutex::new(value), Condvar::new())),
        }
    }

    /// Changes the state and wakes the waiters.
    pub fn update<R>(&self, change: impl FnOnce(&mut T) -> R) -> R {
        let (state, changed) = &*self.inner;
        let result = change(&mut state.lock().unwrap_or_else(PoisonError::into_inner));
        changed.notify_all();
        result
    }

    /// Reads the state.
    pub fn read<R>(&self, look: impl FnOnce(&T) -> R) -> R {
        look(&self.inner.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Waits up to [`WAIT`] until `done` holds; `what` names it in the
    /// error.
    pub fn wait_until(&self, what: &str, done: impl Fn(&T) -> bool) -> Result<(), Error> {
        let (state, changed) = &*self.inner;
        let deadline = Instant::now() + WAIT;
        let mut guard = state.lock().unwrap_or_else(PoisonError::into_inner);
        while !done(&guard) {
            let now = Instant::now();
            if now >= deadline {
                return Err(format!("timed out waiting for {what}").into());
            }
            guard = changed
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        Ok(())
    }
}
