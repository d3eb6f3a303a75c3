//! Actors over channels in one process, on both backends: messages, calls
//! and sync calls through typed handles; managed trees built and torn down
//! with the right reasons in the right order; refused constructors; clean
//! close; priorities and `[Compress]` on a busy loop; and the sync call
//! that would deadlock, refused.
#![cfg(target_os = "linux")]

#[path = "support/scene.rs"]
mod scene;
#[path = "support/scene_actors.rs"]
mod scene_actors;

use std::sync::mpsc;
use std::time::Duration;

use machproto_runtime::actor::{ActorSendError, EventLoop, ReplyError};
use machproto_runtime::channel::{INBOX_LIMIT, SyncCallError};
use scene_actors::{ChildLayer, Log, ParentScene, WAIT, open_pair, parent_scene};

fn loops() -> (EventLoop, EventLoop) {
    let (parent, _) = EventLoop::spawn("parent-loop").unwrap();
    let (child, _) = EventLoop::spawn("child-loop").unwrap();
    (parent, child)
}

#[test]
fn messages_calls_and_sync_calls_cross_in_both_directions() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    child.note("hello").unwrap();
    assert_eq!(child.double(21).unwrap().wait(WAIT).unwrap(), 42);
    assert_eq!(child.sum(2, 3, WAIT).unwrap(), 5);
    parent.ping(7).unwrap();
    log.wait_line("child ping 7");
    // One channel, in order.
    assert_eq!(
        log.with_prefix("parent"),
        ["parent note hello", "parent double 21", "parent sum 2 3"]
    );
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn a_dropped_responder_rejects_the_call_and_a_slow_sync_call_times_out() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (_parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    let dropped = child.double(0).unwrap().wait(WAIT);
    assert!(
        matches!(dropped, Err(ReplyError::ResponderDropped)),
        "{dropped:?}"
    );
    let short = Duration::from_millis(100);
    let late = child.sum(u32::MAX, 1, short);
    assert!(matches!(late, Err(SyncCallError::Timeout)), "{late:?}");
    // The late answer goes to the abandoned call's port, not to the next.
    assert_eq!(child.sum(40, 2, WAIT).unwrap(), 42);
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn deleting_a_layer_destroys_its_subtree_children_first_on_both_sides() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (_parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    let a = child.layer("a", ChildLayer::new(&log, "a")).unwrap();
    let b = a.layer("b", ChildLayer::new(&log, "b")).unwrap();
    let c = b.layer("c", ChildLayer::new(&log, "c")).unwrap();
    let d = child.layer("d", ChildLayer::new(&log, "d")).unwrap();
    c.paint(1).unwrap();
    log.wait_line("parent c paint 1");
    a.delete().unwrap();
    // Ours went at once: sends to any of them fail, typed.
    assert!(matches!(c.paint(2), Err(ActorSendError::Destroyed(_))));
    assert!(matches!(a.delete(), Err(ActorSendError::Destroyed(_))));
    log.wait_line("parent a destroyed Deletion");
    log.wait_line("child a destroyed Deletion");
    let destroyed = |side: &str| -> Vec<String> {
        log.with_prefix(side)
            .into_iter()
            .filter(|line| line.contains("destroyed"))
            .collect()
    };
    let expected = |side: &str| {
        vec![
            format!("{side} c destroyed AncestorDeletion"),
            format!("{side} b destroyed AncestorDeletion"),
            format!("{side} a destroyed Deletion"),
        ]
    };
    assert_eq!(destroyed("parent"), expected("parent"));
    assert_eq!(destroyed("child"), expected("child"));
    // The handler of the deleted actor saw the delete before its end.
    let parent_lines = log.with_prefix("parent a");
    assert_eq!(
        parent_lines,
        ["parent a delete", "parent a destroyed Deletion"]
    );
    // The sibling lives on.
    d.paint(3).unwrap();
    log.wait_line("parent d paint 3");
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn an_actor_deleting_itself_in_its_handler_is_destroyed_once_on_each_side() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (_parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    let x = child.layer("x", ChildLayer::new(&log, "x")).unwrap();
    let y = x.layer("y", ChildLayer::new(&log, "y")).unwrap();
    // The parent's x deletes itself from within its paint handler.
    x.paint(666).unwrap();
    log.wait_line("child x destroyed Deletion");
    log.wait_line("parent x destroyed Deletion");
    assert!(matches!(y.paint(1), Err(ActorSendError::Destroyed(_))));
    let ends = |name: &str| {
        log.lines()
            .into_iter()
            .filter(|line| line.contains(name) && line.contains("destroyed"))
            .count()
    };
    // Give late duplicates a chance to show before counting.
    child.note("sync point").unwrap();
    log.wait_line("parent note sync point");
    assert_eq!(ends(" x "), 2, "{:?}", log.lines());
    assert_eq!(ends(" y "), 2, "{:?}", log.lines());
    assert!(log.lines().contains(&"child x delete".to_string()));
    assert!(
        log.lines()
            .contains(&"child y destroyed AncestorDeletion".to_string())
    );
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn both_sides_deleting_one_layer_at_once_is_no_violation() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (_parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    for round in 0..20 {
        let name: &'static str = if round % 2 == 0 { "even" } else { "odd" };
        let layer = child.layer(name, ChildLayer::new(&log, name)).unwrap();
        let inner = layer
            .layer("inner", ChildLayer::new(&log, "inner"))
            .unwrap();
        inner.paint(round).unwrap();
        // The parent's layer deletes itself on this paint, while ours is
        // deleted here: two deletes cross, and paints to the inner layer
        // may meet a removed actor on the way.
        layer.paint(666).unwrap();
        // The parent's delete may arrive first: then ours finds the layer
        // already gone, which is the typed refusal, not a failure.
        match layer.delete() {
            Ok(()) | Err(ActorSendError::Destroyed(_)) => {}
            Err(other) => panic!("delete failed: {other:?}"),
        }
        assert!(matches!(inner.paint(1), Err(ActorSendError::Destroyed(_))));
    }
    // The channel is still healthy: no crossing was taken for a violation.
    assert_eq!(child.double(21).unwrap().wait(WAIT).unwrap(), 42);
    log.wait_for("every layer's end on both sides", |lines| {
        lines.iter().filter(|l| l.contains(" destroyed ")).count() == 80
    });
    assert!(
        !log.lines().iter().any(|l| l.contains("BadMessage")),
        "{:?}",
        log.lines()
    );
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn a_refused_constructor_destroys_the_senders_actor_with_failed_constructor() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (_parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    let refused = child
        .layer("refuse", ChildLayer::new(&log, "refuse"))
        .unwrap();
    refused.paint(1).unwrap(); // In flight: dropped by the peer.
    log.wait_line("child refuse destroyed FailedConstructor");
    assert!(matches!(
        refused.paint(2),
        Err(ActorSendError::Destroyed(_))
    ));
    // The channel and its other actors carry on.
    assert_eq!(child.double(4).unwrap().wait(WAIT).unwrap(), 8);
    assert!(
        !log.lines().iter().any(|line| line.contains("refuse paint")),
        "{:?}",
        log.lines()
    );
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn closing_destroys_every_actor_on_both_sides_with_normal_shutdown() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    let a = child.layer("a", ChildLayer::new(&log, "a")).unwrap();
    let b = a.layer("b", ChildLayer::new(&log, "b")).unwrap();
    b.paint(1).unwrap();
    log.wait_line("parent b paint 1");
    child.close();
    for line in [
        "child b destroyed NormalShutdown",
        "child a destroyed NormalShutdown",
        "child scene destroyed NormalShutdown",
        "parent b destroyed NormalShutdown",
        "parent a destroyed NormalShutdown",
        "parent scene destroyed NormalShutdown",
    ] {
        log.wait_line(line);
    }
    assert!(matches!(child.note("late"), Err(ActorSendError::Closed(_))));
    assert!(matches!(b.paint(2), Err(ActorSendError::Closed(_))));
    log.wait_for("the parent closed too", |_| {
        matches!(parent.ping(1), Err(ActorSendError::Closed(_)))
    });
    // Children before their managers, each once.
    let destroyed: Vec<String> = log
        .with_prefix("parent")
        .into_iter()
        .filter(|line| line.contains("destroyed"))
        .collect();
    assert_eq!(
        destroyed,
        [
            "parent b destroyed NormalShutdown",
            "parent a destroyed NormalShutdown",
            "parent scene destroyed NormalShutdown"
        ]
    );
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn a_busy_loop_delivers_by_priority_and_compresses_resizes() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (release, gate) = mpsc::channel();
    let parent_handler = ParentScene {
        log: log.clone(),
        gate: Some(gate),
    };
    let (_parent, child) = open_pair(&parent_loop, &child_loop, parent_handler, &log);
    child.note("block").unwrap();
    log.wait_line("parent note block");
    // The parent's loop is busy; these pile up behind it.
    for width in 1..=5 {
        child.resize(width * 100).unwrap();
    }
    child.note("after").unwrap();
    child.input(1).unwrap();
    child.input(2).unwrap();
    // Each send above went straight into the parent's port (a few small
    // messages never fill it), and the parent's loop takes everything
    // waiting there before choosing its next job.
    release.send(()).unwrap();
    log.wait_line("parent note after");
    assert_eq!(
        log.with_prefix("parent"),
        [
            "parent note block",
            "parent input 1",
            "parent input 2",
            "parent resize 500",
            "parent note after"
        ]
    );
    parent_loop.stop();
    child_loop.stop();
}

#[test]
fn a_sync_call_from_the_loop_that_runs_its_callee_is_refused() {
    // Both sides on one loop, run by this thread.
    let event_loop = EventLoop::new();
    let log = Log::default();
    let (_parent, child) = open_pair(&event_loop, &event_loop, parent_scene(&log), &log);
    let (result_tx, result_rx) = mpsc::channel();
    let caller = child.clone();
    event_loop.post(Default::default(), None, move || {
        result_tx.send(caller.sum(1, 2, WAIT)).unwrap();
    });
    let mut refused = None;
    let done = event_loop.run_until(WAIT, || {
        refused = refused.take().or_else(|| result_rx.try_recv().ok());
        refused.is_some()
    });
    assert!(done);
    let refused = refused.unwrap();
    assert!(
        matches!(refused, Err(SyncCallError::WouldDeadlock)),
        "{refused:?}"
    );
    // From another thread, while this one runs the loop, it is answered.
    let answered = std::thread::spawn(move || child.sum(1, 2, WAIT));
    let done = event_loop.run_until(WAIT, || log.lines().iter().any(|l| l == "parent sum 1 2"));
    assert!(done);
    assert_eq!(answered.join().unwrap().unwrap(), 3);
}

#[test]
fn an_owner_that_stops_taking_messages_bounds_memory_and_pushes_back_on_the_sender() {
    // The parent's loop is nobody's: nothing is taken from its channel.
    let stalled_loop = EventLoop::new();
    let (child_loop, _) = EventLoop::spawn("child-loop").unwrap();
    let log = Log::default();
    let (parent, child) = open_pair(&stalled_loop, &child_loop, parent_scene(&log), &log);
    let mut accepted = Vec::new();
    let mut refused = 0u32;
    for seq in 0..100_000u32 {
        match child.input(seq) {
            Ok(()) => accepted.push(seq),
            Err(ActorSendError::Backpressure(_)) => refused += 1,
            Err(other) => panic!("{other}"),
        }
    }
    // The receiving I/O thread stopped reading at its inbox limit, so the
    // sender met a full queue instead of the receiver growing without end.
    assert!(refused > 0, "all {} accepted", accepted.len());
    // The loop's thread reads its channels: stalled, it reads nothing, so
    // arrivals wait in the kernel (bounded) and the sender is pushed back.
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        parent.0.arrivals() <= INBOX_LIMIT as u64,
        "read past the bound"
    );
    // Once the owner runs its loop, every accepted message arrives, in
    // order, none lost.
    let expected = accepted.len();
    let done = stalled_loop.run_until(WAIT * 3, || log.lines().len() >= expected);
    assert!(done, "{} of {expected} delivered", log.lines().len());
    let delivered: Vec<String> = log.lines();
    let sent: Vec<String> = accepted
        .iter()
        .map(|seq| format!("parent input {seq}"))
        .collect();
    assert!(delivered == sent, "delivered out of order or lost");
    child_loop.stop();
}

#[test]
fn a_panicking_handler_closes_only_its_channel_and_its_loop_carries_on() {
    let (parent_loop, child_loop) = loops();
    let log = Log::default();
    let (_parent, child) = open_pair(&parent_loop, &child_loop, parent_scene(&log), &log);
    let other_log = Log::default();
    let (_other_parent, other_child) = open_pair(
        &parent_loop,
        &child_loop,
        parent_scene(&other_log),
        &other_log,
    );
    let layer = child
        .layer("doomed", ChildLayer::new(&log, "doomed"))
        .unwrap();
    layer.paint(1).unwrap();
    log.wait_line("parent doomed paint 1");
    // The parent's handler panics on this note (the panic is printed).
    child.note("panic").unwrap();
    // Our side: every actor of the channel ends, once, children first.
    log.wait_line("parent scene destroyed HandlerPanicked");
    // The peer sees the channel gone without a goodbye.
    log.wait_line("child scene destroyed AbnormalShutdown");
    log.wait_line("child doomed destroyed AbnormalShutdown");
    let lines = log.lines();
    let position = |line: &str| lines.iter().position(|l| l == line).unwrap();
    assert!(
        position("parent doomed destroyed HandlerPanicked")
            < position("parent scene destroyed HandlerPanicked")
    );
    // The same loops still serve the other channel.
    assert_eq!(other_child.double(4).unwrap().wait(WAIT).unwrap(), 8);
    assert!(
        !other_log.lines().iter().any(|l| l.contains("destroyed")),
        "{:?}",
        other_log.lines()
    );
    parent_loop.stop();
    child_loop.stop();
}
