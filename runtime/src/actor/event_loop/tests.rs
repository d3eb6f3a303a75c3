use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;

type Log = Arc<Mutex<Vec<String>>>;
type Job = Box<dyn FnOnce() + Send>;

/// A log, and a maker of jobs that append their name to it.
fn recorder() -> (Log, impl Fn(&str) -> Job) {
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let make = move |name: &str| -> Job {
        let sink = Arc::clone(&sink);
        let name = name.to_owned();
        Box::new(move || sink.lock().unwrap().push(name))
    };
    (log, make)
}

#[test]
fn higher_priorities_are_delivered_first_fifo_within_one() {
    let event_loop = EventLoop::new();
    let (log, job) = recorder();
    event_loop.post(Priority::Low, None, job("low"));
    event_loop.post(Priority::Normal, None, job("normal 1"));
    event_loop.post(Priority::Control, None, job("control"));
    event_loop.post(Priority::Normal, None, job("normal 2"));
    event_loop.post(Priority::Input, None, job("input"));
    event_loop.post(Priority::Vsync, None, job("vsync"));
    assert!(event_loop.run_until(Duration::from_secs(5), || event_loop.queued() == 0));
    assert_eq!(
        *log.lock().unwrap(),
        ["control", "vsync", "input", "normal 1", "normal 2", "low"]
    );
}

#[test]
fn compress_keeps_only_the_newest_undelivered_instance_in_place() {
    let event_loop = EventLoop::new();
    let (log, job) = recorder();
    event_loop.post(Priority::Normal, None, job("first"));
    for frame in 0..5 {
        event_loop.post(
            Priority::Normal,
            Some((1, 9)),
            job(&format!("invalidate {frame}")),
        );
    }
    event_loop.post(Priority::Normal, Some((2, 9)), job("other actor"));
    event_loop.post(Priority::Normal, None, job("last"));
    while event_loop.run_one(Some(Duration::ZERO)) {}
    assert_eq!(
        *log.lock().unwrap(),
        ["first", "invalidate 4", "other actor", "last"]
    );
    // Once delivered, the next instance queues anew.
    event_loop.post(Priority::Normal, Some((1, 9)), job("invalidate 5"));
    assert_eq!(event_loop.queued(), 1);
}

#[test]
fn a_spawned_loop_runs_until_stopped() {
    let (event_loop, thread) = EventLoop::spawn("test-loop").unwrap();
    let (done, receive) = std::sync::mpsc::channel();
    event_loop.post(Priority::Normal, None, move || done.send(42).unwrap());
    assert_eq!(receive.recv_timeout(Duration::from_secs(5)), Ok(42));
    event_loop.stop();
    thread.join().unwrap();
    assert!(!event_loop.run_one(Some(Duration::ZERO)));
}
