#![allow(dead_code)] // Each test file uses its own subset.
//! Handlers of the `Scene` protocol that record what happens to them, and
//! helpers to open both sides in this process.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::create_endpoints;

use super::scene::*;

pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// What the actors of a test did, in order.
#[derive(Clone, Default)]
pub(crate) struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub(crate) fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }

    pub(crate) fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// Waits until a line satisfies `found`; panics with the log after
    /// [`WAIT`] (a hang, not a timing assertion).
    pub(crate) fn wait_for(&self, what: &str, found: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let lines = self.lines();
            if found(&lines) {
                return lines;
            }
            assert!(Instant::now() < deadline, "never saw {what}: {lines:?}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits for a line equal to `line`.
    pub(crate) fn wait_line(&self, line: &str) -> Vec<String> {
        self.wait_for(line, |lines| lines.iter().any(|l| l == line))
    }

    /// The lines starting with `prefix`, in order.
    pub(crate) fn with_prefix(&self, prefix: &str) -> Vec<String> {
        self.lines()
            .into_iter()
            .filter(|line| line.starts_with(prefix))
            .collect()
    }
}

/// The parent side of `Scene`: logs as `parent …`. A note "block" waits
/// for the gate (so a test can let messages pile up behind it).
pub(crate) struct ParentScene {
    pub(crate) log: Log,
    pub(crate) gate: Option<mpsc::Receiver<()>>,
}

impl SceneParentHandler for ParentScene {
    fn layer(
        &mut self,
        layer: &LayerParentHandle,
        name: String,
    ) -> Option<Box<dyn LayerParentHandler>> {
        construct_layer(&self.log, layer, name)
    }

    fn note(&mut self, text: String) {
        self.log.push(format!("parent note {text}"));
        if text == "panic" {
            panic!("the parent's handler was asked to panic");
        }
        if text == "block" {
            if let Some(gate) = &self.gate {
                let _ = gate.recv_timeout(WAIT);
            }
        }
    }

    fn double(&mut self, value: u32, responder: Responder<u32>) {
        self.log.push(format!("parent double {value}"));
        if value != 0 {
            responder.respond(value * 2).unwrap();
        }
        // Zero: the responder is dropped unanswered.
    }

    fn sum(&mut self, a: u32, b: u32, responder: Responder<u32>) {
        self.log.push(format!("parent sum {a} {b}"));
        if a == u32::MAX {
            // Answered too late for a caller with a short timeout.
            std::thread::sleep(Duration::from_millis(500));
        }
        responder.respond(a.wrapping_add(b)).unwrap();
    }

    fn input(&mut self, seq: u32) {
        self.log.push(format!("parent input {seq}"));
    }

    fn resize(&mut self, width: u32) {
        self.log.push(format!("parent resize {width}"));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("parent scene destroyed {reason:?}"));
    }
}

fn construct_layer(
    log: &Log,
    layer: &LayerParentHandle,
    name: String,
) -> Option<Box<dyn LayerParentHandler>> {
    log.push(format!("parent layer {name}"));
    if name == "refuse" {
        return None;
    }
    Some(Box::new(ParentLayer {
        log: log.clone(),
        name,
        handle: layer.clone(),
    }))
}

/// A layer on the parent side: logs as `parent <name> …`. A paint of 666
/// makes it delete itself.
pub(crate) struct ParentLayer {
    pub(crate) log: Log,
    pub(crate) name: String,
    pub(crate) handle: LayerParentHandle,
}

impl LayerParentHandler for ParentLayer {
    fn layer(
        &mut self,
        layer: &LayerParentHandle,
        name: String,
    ) -> Option<Box<dyn LayerParentHandler>> {
        construct_layer(&self.log, layer, name)
    }

    fn paint(&mut self, seq: u32) {
        self.log.push(format!("parent {} paint {seq}", self.name));
        if seq == 666 {
            // The peer may have deleted it first (its delete is on the way).
            if let Err(error) = self.handle.delete() {
                self.log
                    .push(format!("parent {} delete refused: {error}", self.name));
            }
        }
    }

    fn delete(&mut self) {
        self.log.push(format!("parent {} delete", self.name));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log
            .push(format!("parent {} destroyed {reason:?}", self.name));
    }
}

/// The child side of `Scene`: logs as `child …`.
pub(crate) struct ChildScene {
    pub(crate) log: Log,
}

impl SceneChildHandler for ChildScene {
    fn ping(&mut self, seq: u32) {
        self.log.push(format!("child ping {seq}"));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("child scene destroyed {reason:?}"));
    }
}

/// A layer on the child side: logs as `child <name> …`.
pub(crate) struct ChildLayer {
    pub(crate) log: Log,
    pub(crate) name: &'static str,
}

impl ChildLayer {
    pub(crate) fn new(log: &Log, name: &'static str) -> ChildLayer {
        ChildLayer {
            log: log.clone(),
            name,
        }
    }
}

impl LayerChildHandler for ChildLayer {
    fn delete(&mut self) {
        self.log.push(format!("child {} delete", self.name));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log
            .push(format!("child {} destroyed {reason:?}", self.name));
    }
}

/// Both sides of a new `Scene` channel in this process, each on its loop.
pub(crate) fn open_pair(
    parent_loop: &EventLoop,
    child_loop: &EventLoop,
    parent: ParentScene,
    log: &Log,
) -> (SceneParentHandle, SceneChildHandle) {
    let (parent_end, child_end) = create_endpoints::<Scene>().unwrap();
    let parent = SceneParentHandle::open(
        parent_end,
        parent_loop,
        &ActorOptions::new("browser"),
        parent,
    )
    .unwrap();
    let child = SceneChildHandle::open(
        child_end,
        child_loop,
        &ActorOptions::new("content"),
        ChildScene { log: log.clone() },
    )
    .unwrap();
    (parent, child)
}

/// A parent handler with no gate.
pub(crate) fn parent_scene(log: &Log) -> ParentScene {
    ParentScene {
        log: log.clone(),
        gate: None,
    }
}
