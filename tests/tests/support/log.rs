//! What the handlers of an end-to-end test saw, in order, shared with the
//! test's thread, which waits for lines to appear.
#![allow(dead_code)] // Each test file uses its own subset.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for anything.
pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// Lines pushed by handlers on any thread.
#[derive(Clone, Default)]
pub(crate) struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    /// Adds a line.
    pub(crate) fn push(&self, line: impl Into<String>) {
        self.0.lock().unwrap().push(line.into());
    }

    /// Every line so far.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// Waits until `line` is there (failing the test after [`WAIT`]);
    /// returns the lines so far.
    pub(crate) fn wait_line(&self, line: &str) -> Vec<String> {
        self.wait_for(line, |lines| lines.iter().any(|l| l == line))
    }

    /// Waits until `done` holds of the lines, `what` naming it.
    pub(crate) fn wait_for(&self, what: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let lines = self.lines();
            if done(&lines) {
                return lines;
            }
            assert!(Instant::now() < deadline, "never saw {what}: {lines:?}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// The position of `line`, which must be there.
    pub(crate) fn position(&self, line: &str) -> usize {
        let lines = self.lines();
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("no {line}: {lines:?}"))
    }
}
