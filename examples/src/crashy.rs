//! Children that go wrong, and a parent that carries on. The GPU process
//! of the compositor example launches three content processes: one
//! crashes with frames in flight, one sends a message that does not
//! decode, and one behaves. The parent sees `AbnormalShutdown` for every
//! actor of the first, `BadMessage` for the second (and, told by the
//! runtime's hook which process sent it, kills it), and serves the third
//! to the end.

use std::collections::BTreeMap;
use std::fmt;
use std::process::ExitStatus;

use machproto_runtime::actor::{ActorOptions, BadMessage, DestroyReason, EventLoop};
use machproto_runtime::channel::{FrameFlags, FrameHeader};
use machproto_runtime::launch::{launch, launched_endpoint};
use machproto_runtime::wire::Message;

use crate::compositor::{ContentMode, ContentReport, Reports, run_content, serve_content};
use crate::protocols::compositor::gfx_compositor::{Compositor, CompositorChild};
use crate::support::{Children, Error, Shared, WAIT, reap};

/// The children, in launch order.
pub const ROLES: [&str; 3] = ["crasher", "garbler", "steady"];

/// What became of one child.
#[derive(Debug)]
pub struct ChildOutcome {
    /// Its role.
    pub role: &'static str,
    /// What the GPU process saw on its channel.
    pub report: ContentReport,
    /// The bad message the runtime reported for it, if any.
    pub bad_message: Option<BadMessage>,
    /// Whether the parent killed it for that.
    pub killed_by_parent: bool,
    /// How it exited.
    pub status: ExitStatus,
}

/// What the parent saw.
#[derive(Debug)]
pub struct Summary {
    /// One outcome per child, in [`ROLES`] order.
    pub children: Vec<ChildOutcome>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "crashy: three content processes, two of them misbehaving"
        )?;
        for child in &self.children {
            writeln!(
                f,
                "  {} (pid {}): {}",
                child.role, child.report.pid, child.status
            )?;
            match &child.report.end {
                Some(DestroyReason::BadMessage(_)) => writeln!(f, "    channel ended BadMessage")?,
                Some(end) => writeln!(f, "    channel ended {end:?}")?,
                None => {}
            }
            writeln!(f, "    textures ended {:?}", child.report.texture_ends)?;
            if let Some(reason) = &child.bad_message {
                writeln!(
                    f,
                    "    bad message reported: {reason}; killed by the parent: {}",
                    child.killed_by_parent
                )?;
            }
            writeln!(
                f,
                "    frames verified: {}, sync calls answered: {}",
                child.report.frames_verified, child.report.unlock_calls
            )?;
        }
        write!(
            f,
            "  the parent served every child to its end and is still running"
        )
    }
}

/// The parent: launches the three, serves them, and reports.
pub fn run(children: Children<'_>) -> Result<Summary, Error> {
    let (event_loop, _thread) = EventLoop::spawn("gpu")?;
    let reports = Reports::new(BTreeMap::new());
    let bad_messages: Shared<Vec<(u32, BadMessage)>> = Shared::new(Vec::new());
    let hook_sink = bad_messages.clone();
    let options = ActorOptions::new("gpu").on_bad_message(move |report| {
        // The kernel's word for the sender, not the message's.
        if let Some(sender) = report.sender {
            hook_sink.update(|bad| bad.push((sender.pid, report.reason.clone())));
        }
    });
    let mut processes = Vec::new();
    let mut channels = Vec::new();
    for (index, role) in ROLES.into_iter().enumerate() {
        let launched = launch::<Compositor>(children(role))?;
        let pid = launched.child.id();
        reports.update(|reports| reports.entry(index).or_default().pid = pid);
        processes.push(launched.child);
        channels.push(serve_content(
            launched.endpoint,
            &event_loop,
            &options,
            index,
            &reports,
        )?);
    }
    reports.wait_until("every channel's end", |reports| {
        reports
            .values()
            .filter(|report| report.end.is_some())
            .count()
            == ROLES.len()
    })?;
    // Kill whoever sent a bad message; it may be compromised.
    let offenders = bad_messages.read(Clone::clone);
    let mut outcomes = Vec::new();
    let mut reports = reports.update(std::mem::take);
    for ((index, role), process) in ROLES.into_iter().enumerate().zip(&mut processes) {
        let bad_message = offenders
            .iter()
            .find(|(pid, _)| *pid == process.id())
            .map(|(_, reason)| reason.clone());
        let killed_by_parent = bad_message.is_some() && process.try_wait()?.is_none();
        if killed_by_parent {
            process.kill()?;
        }
        let status = reap(process)?;
        outcomes.push(ChildOutcome {
            role,
            report: reports.remove(&index).unwrap_or_default(),
            bad_message,
            killed_by_parent,
            status,
        });
    }
    event_loop.stop();
    Ok(Summary { children: outcomes })
}

/// Binds as a content process would, then sends a `Present` whose body is
/// three bytes of garbage, and waits to be killed.
fn garble() -> Result<(), Error> {
    let endpoint = launched_endpoint::<CompositorChild>()?;
    let channel = endpoint.bind("content", None)?;
    let header = FrameHeader {
        routing: 0,
        message: Compositor::PRESENT_ID,
        flags: FrameFlags::default(),
        transaction: 0,
    };
    let garbage = Message {
        bytes: vec![0xFF; 3],
        rights: Vec::new(),
    };
    channel
        .send(header, garbage)
        .map_err(|error| format!("sending the garbage failed: {error}"))?;
    std::thread::sleep(WAIT);
    Err("the parent did not kill us".into())
}

/// A child: `crasher`, `garbler` or `steady`.
pub fn run_child(role: &str) -> Result<(), Error> {
    match role {
        "crasher" => run_content(ContentMode::CrashMidway),
        "garbler" => garble(),
        "steady" => run_content(ContentMode::Complete),
        other => Err(format!("crashy has no role `{other}`").into()),
    }
}
