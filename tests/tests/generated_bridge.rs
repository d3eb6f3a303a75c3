//! The generated bridge protocol (`protocols/bridge.mproto`) on both
//! backends (`scripts/test.sh` runs it again with `--features mach-sim`),
//! in one process: a launcher hands two workers the ends of a `Sums`
//! channel in messages; they bind them and talk directly, and the launcher
//! hears only their two reports. (The `bridge` example runs the same
//! between real processes.)
#![cfg(target_os = "linux")]

#[path = "support/log.rs"]
mod log;

use std::sync::mpsc;

use log::{Log, WAIT};
use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::{Endpoint, create_endpoints};
use machproto_tests::generated::bridge::demo_bridge::*;

struct Launcher {
    log: Log,
    worker: &'static str,
}

impl WorkerParentHandler for Launcher {
    fn report(
        &mut self,
        _actor: &WorkerParentHandle,
        calls_made: u32,
        calls_served: u32,
        checksum: u64,
        responder: Responder<()>,
    ) {
        self.log.push(format!(
            "launcher report {} {calls_made} {calls_served} {checksum}",
            self.worker
        ));
        responder.respond(()).unwrap();
    }
}

enum Job {
    Serve(Endpoint<SumsParent>),
    Ask(Endpoint<SumsChild>, u32),
}

struct Jobs(mpsc::Sender<Job>);

impl WorkerChildHandler for Jobs {
    fn serve(&mut self, _actor: &WorkerChildHandle, sums: Endpoint<SumsParent>) {
        self.0.send(Job::Serve(sums)).unwrap();
    }

    fn ask(&mut self, _actor: &WorkerChildHandle, sums: Endpoint<SumsChild>, count: u32) {
        self.0.send(Job::Ask(sums, count)).unwrap();
    }
}

struct Adder {
    served: u32,
    checksum: u64,
    done: mpsc::Sender<(u32, u64, DestroyReason)>,
}

impl SumsParentHandler for Adder {
    fn add(
        &mut self,
        _actor: &SumsParentHandle,
        a: u64,
        b: u64,
        responder: Responder<SumsAddResults>,
    ) {
        self.served += 1;
        self.checksum += a + b;
        responder.respond(SumsAddResults { sum: a + b }).unwrap();
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        let _ = self.done.send((self.served, self.checksum, reason));
    }
}

struct Caller;

impl SumsChildHandler for Caller {}

/// A worker: its channel to the launcher, on a loop of its own, and the
/// jobs the launcher gives it.
fn worker(
    launcher_loop: &EventLoop,
    log: &Log,
    name: &'static str,
) -> (
    WorkerParentHandle,
    WorkerChildHandle,
    EventLoop,
    mpsc::Receiver<Job>,
) {
    let (worker_loop, _) = EventLoop::spawn(name).unwrap();
    let (launcher_end, worker_end) = create_endpoints::<Worker>().unwrap();
    let launcher = WorkerParent::open(
        launcher_end,
        launcher_loop,
        &ActorOptions::new("launcher"),
        Launcher {
            log: log.clone(),
            worker: name,
        },
    )
    .unwrap();
    let (jobs, next) = mpsc::channel();
    // `[ChildProc = worker]`.
    let worker = WorkerChild::open(
        worker_end,
        &worker_loop,
        &ActorOptions::new("worker"),
        Jobs(jobs),
    )
    .unwrap();
    (launcher, worker, worker_loop, next)
}

#[test]
fn two_workers_talk_over_the_channel_their_launcher_handed_them() {
    let (launcher_loop, _) = EventLoop::spawn("launcher").unwrap();
    let log = Log::default();
    let (to_server, server, server_loop, server_jobs) = worker(&launcher_loop, &log, "server");
    let (to_caller, caller, caller_loop, caller_jobs) = worker(&launcher_loop, &log, "caller");

    let (server_end, caller_end) = create_endpoints::<Sums>().unwrap();
    to_server.serve(server_end).unwrap();
    to_caller.ask(caller_end, 100).unwrap();

    let Job::Serve(sums) = server_jobs.recv_timeout(WAIT).unwrap() else {
        panic!("the server was asked to call");
    };
    let (done, finished) = mpsc::channel();
    let adder = Adder {
        served: 0,
        checksum: 0,
        done,
    };
    let _serving =
        SumsParent::open(sums, &server_loop, &ActorOptions::new("worker"), adder).unwrap();

    let Job::Ask(sums, count) = caller_jobs.recv_timeout(WAIT).unwrap() else {
        panic!("the caller was asked to serve");
    };
    let sums = SumsChild::open(sums, &caller_loop, &ActorOptions::new("worker"), Caller).unwrap();
    let mut checksum = 0;
    for i in 0..u64::from(count) {
        checksum += sums.add(i, i + 1).unwrap().wait(WAIT).unwrap().sum;
    }
    sums.as_ref().close();
    caller
        .report(count, 0, checksum)
        .unwrap()
        .wait(WAIT)
        .unwrap();

    let (served, served_checksum, end) = finished.recv_timeout(WAIT).unwrap();
    assert_eq!(end, DestroyReason::NormalShutdown);
    server
        .report(0, served, served_checksum)
        .unwrap()
        .wait(WAIT)
        .unwrap();

    let expected: u64 = (0..100u64).map(|i| 2 * i + 1).sum();
    let lines = log.wait_for("both reports", |lines| lines.len() == 2);
    assert!(
        lines.contains(&format!("launcher report caller 100 0 {expected}")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&format!("launcher report server 0 100 {expected}")),
        "{lines:?}"
    );
    // On each channel, the launcher received the worker's hello and its
    // report, nothing else: the 200 calls and replies went around it.
    assert_eq!(to_server.as_ref().arrivals(), 1 + 1);
    assert_eq!(to_caller.as_ref().arrivals(), 1 + 1);
    launcher_loop.stop();
    server_loop.stop();
    caller_loop.stop();
}
