//! A launcher makes a channel between two of its children and hands one
//! end to each; the children then talk directly. The launcher counts what
//! it receives: only the two workers' reports, however many calls they
//! make to each other.
//!
//! Protocols: `Worker` (launcher ↔ each worker) and `Sums` (worker ↔
//! worker), in `protocols/bridge.mproto`.

use std::fmt;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::launch::{launch, launched_endpoint};
use machproto_runtime::{Endpoint, create_endpoints};

use crate::protocols::bridge::demo_bridge::*;
use crate::support::{Children, Error, Shared, WAIT, reap};

/// What one worker reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// Calls it made to its sibling.
    pub calls_made: u32,
    /// Calls it answered for its sibling.
    pub calls_served: u32,
    /// The sum of the answers (caller) or of the results sent (server).
    pub checksum: u64,
}

/// What the launcher saw.
#[derive(Debug)]
pub struct Summary {
    /// Messages the launcher received, on every channel it has.
    pub launcher_received: u32,
    /// The workers' reports, server first.
    pub reports: [Report; 2],
    /// Calls the workers made to each other.
    pub calls: u32,
    /// From the hand-over to the last report.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [server, caller] = self.reports;
        writeln!(f, "bridge: two workers, one channel between them")?;
        writeln!(
            f,
            "  caller made {} calls, server answered {}; checksums {} / {}",
            caller.calls_made, server.calls_served, caller.checksum, server.checksum
        )?;
        writeln!(
            f,
            "  messages between the workers: {} (calls and replies); messages the launcher received: {}",
            2 * self.calls,
            self.launcher_received
        )?;
        write!(f, "  elapsed: {:.1} ms", self.elapsed.as_secs_f64() * 1e3)
    }
}

/// The sum of `a + b` over the calls a caller makes.
pub fn expected_checksum(calls: u32) -> u64 {
    (0..u64::from(calls)).map(|i| i + (i + 1)).sum()
}

#[derive(Default)]
struct Launcher {
    received: u32,
    reports: Vec<(u32, Report)>,
}

/// The launcher's side of one worker's channel.
struct WorkerReports {
    worker: u32,
    state: Shared<Launcher>,
}

impl WorkerParentHandler for WorkerReports {
    fn report(
        &mut self,
        _actor: &WorkerParentHandle,
        calls_made: u32,
        calls_served: u32,
        checksum: u64,
        responder: Responder<()>,
    ) {
        let report = Report {
            calls_made,
            calls_served,
            checksum,
        };
        self.state.update(|state| {
            state.received += 1;
            state.reports.push((self.worker, report));
        });
        // The worker may be gone already; then there is no one to tell.
        let _ = responder.respond(());
    }
}

/// The launcher: starts two workers, bridges them, waits for both reports.
pub fn run(children: Children<'_>, calls: u32) -> Result<Summary, Error> {
    let (event_loop, _thread) = EventLoop::spawn("launcher")?;
    let state = Shared::new(Launcher::default());
    let options = ActorOptions::new("launcher");
    let mut workers = Vec::new();
    let mut processes = Vec::new();
    for worker in 0..2 {
        let launched = launch::<Worker>(children("worker"))?;
        processes.push(launched.child);
        let handler = WorkerReports {
            worker,
            state: state.clone(),
        };
        workers.push(WorkerParent::open(
            launched.endpoint,
            &event_loop,
            &options,
            handler,
        )?);
    }
    let started = Instant::now();
    let (server_end, caller_end) = create_endpoints::<Sums>()?;
    workers[0].serve(server_end)?;
    workers[1].ask(caller_end, calls)?;
    state.wait_until("both reports", |state| state.reports.len() == 2)?;
    let elapsed = started.elapsed();
    for process in &mut processes {
        let status = reap(process)?;
        if !status.success() {
            return Err(format!("a worker failed: {status}").into());
        }
    }
    event_loop.stop();
    let (launcher_received, mut reports) =
        state.read(|state| (state.received, state.reports.clone()));
    reports.sort_by_key(|(worker, _)| *worker);
    Ok(Summary {
        launcher_received,
        reports: [reports[0].1, reports[1].1],
        calls,
        elapsed,
    })
}

/// What the launcher asked this worker to do.
enum Job {
    Serve(Endpoint<SumsParent>),
    Ask(Endpoint<SumsChild>, u32),
}

/// A worker's side of the launcher's channel: hands jobs to its main
/// thread.
struct Jobs(mpsc::Sender<Job>);

impl WorkerChildHandler for Jobs {
    fn serve(&mut self, _actor: &WorkerChildHandle, sums: Endpoint<SumsParent>) {
        let _ = self.0.send(Job::Serve(sums));
    }

    fn ask(&mut self, _actor: &WorkerChildHandle, sums: Endpoint<SumsChild>, count: u32) {
        let _ = self.0.send(Job::Ask(sums, count));
    }
}

/// Answers `Add`, and says when its caller has gone.
struct Adder {
    served: u32,
    checksum: u64,
    done: mpsc::Sender<(u32, u64)>,
}

impl SumsParentHandler for Adder {
    fn add(
        &mut self,
        _actor: &SumsParentHandle,
        a: u64,
        b: u64,
        responder: Responder<SumsAddResults>,
    ) {
        let sum = a.wrapping_add(b);
        if responder.respond(SumsAddResults { sum }).is_ok() {
            self.served += 1;
            self.checksum = self.checksum.wrapping_add(sum);
        }
    }

    fn actor_destroyed(&mut self, _reason: DestroyReason) {
        let _ = self.done.send((self.served, self.checksum));
    }
}

/// The caller's side of `Sums` receives nothing.
struct Caller;

impl SumsChildHandler for Caller {}

/// A child: `worker` is the only role.
pub fn run_child(role: &str) -> Result<(), Error> {
    if role != "worker" {
        return Err(format!("bridge has no role `{role}`").into());
    }
    let endpoint = launched_endpoint::<WorkerChild>()?;
    let (event_loop, _thread) = EventLoop::spawn("worker")?;
    let options = ActorOptions::new("worker");
    let (jobs, next_job) = mpsc::channel();
    let launcher = WorkerChild::open(endpoint, &event_loop, &options, Jobs(jobs))?;
    let report = match next_job.recv_timeout(WAIT)? {
        Job::Serve(sums) => {
            let (done, finished) = mpsc::channel();
            let adder = Adder {
                served: 0,
                checksum: 0,
                done,
            };
            let _server = SumsParent::open(sums, &event_loop, &options, adder)?;
            // The caller closes the channel when it is through.
            let (served, checksum) = finished.recv_timeout(WAIT)?;
            Report {
                calls_made: 0,
                calls_served: served,
                checksum,
            }
        }
        Job::Ask(sums, count) => {
            let sums = SumsChild::open(sums, &event_loop, &options, Caller)?;
            let mut checksum = 0u64;
            for i in 0..u64::from(count) {
                let answer = sums.add(i, i + 1)?.wait(WAIT)?;
                checksum = checksum.wrapping_add(answer.sum);
            }
            sums.as_ref().close();
            Report {
                calls_made: count,
                calls_served: 0,
                checksum,
            }
        }
    };
    launcher
        .report(report.calls_made, report.calls_served, report.checksum)?
        .wait(WAIT)?;
    launcher.as_ref().close();
    event_loop.stop();
    Ok(())
}
