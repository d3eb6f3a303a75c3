//! Every example, run between real processes, with its observable outcome
//! checked. The children are this test binary again, running the role
//! named in `EXAMPLE_ROLE` from the test `example_roles`.
#![cfg(target_os = "linux")]

use std::process::{Command, Stdio};

use machproto_examples::fileserver::protocol::fs_server::FsError;
use machproto_examples::{bridge, compositor, crashy, fileserver};
use machproto_runtime::actor::{BadMessage, DestroyReason};

const ROLE: &str = "EXAMPLE_ROLE";
/// The signal `abort` raises, on Linux.
const SIGABRT: i32 = 6;

/// In a child: runs `example:role` and exits. In the test process: nothing.
#[test]
fn example_roles() {
    let Ok(named) = std::env::var(ROLE) else {
        return;
    };
    let (example, role) = named.split_once(':').unwrap_or((named.as_str(), ""));
    let outcome = match example {
        "bridge" => bridge::run_child(role),
        "compositor" => compositor::run_child(role),
        "fileserver" => fileserver::run_child(role),
        "crashy" => crashy::run_child(role),
        other => Err(format!("no example {other}").into()),
    };
    std::process::exit(match outcome {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("{named} failed: {error}");
            1
        }
    });
}

/// The command that runs `role` of `example` as a child.
fn children(example: &'static str) -> impl Fn(&str) -> Command {
    move |role| {
        let mut command = Command::new(std::env::current_exe().expect("the test binary"));
        command
            .args([
                "example_roles",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ROLE, format!("{example}:{role}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        command
    }
}

#[test]
fn bridge_children_talk_directly_and_the_launcher_hears_only_their_reports() {
    let summary = bridge::run(&children("bridge"), 500).unwrap();
    let [server, caller] = summary.reports;
    assert_eq!(caller.calls_made, 500);
    assert_eq!(server.calls_served, 500);
    assert_eq!(caller.checksum, bridge::expected_checksum(500));
    assert_eq!(server.checksum, caller.checksum);
    // 1000 messages went between the workers; the launcher got two.
    assert_eq!(summary.launcher_received, 2);
}

#[test]
fn compositor_content_processes_draw_into_shared_memory_the_gpu_process_verifies() {
    let summary = compositor::run(&children("compositor"), 2).unwrap();
    assert_eq!(summary.contents.len(), 2);
    let texture_bytes = u64::from(compositor::TEXTURE_SIDE).pow(2) * 4;
    for report in &summary.contents {
        assert_eq!(report.textures, compositor::TEXTURES_PER_CONTENT);
        assert_eq!(report.frames_verified, compositor::TEXTURES_PER_CONTENT);
        assert_eq!(report.frames_wrong, 0);
        assert_eq!(
            report.bytes_verified,
            compositor::TEXTURES_PER_CONTENT * texture_bytes
        );
        assert_eq!(report.unlock_calls, 1);
        assert_eq!(
            report.texture_ends,
            vec![DestroyReason::Deletion; compositor::TEXTURES_PER_CONTENT as usize]
        );
        assert_eq!(report.end, Some(DestroyReason::NormalShutdown));
    }
    assert_ne!(summary.contents[0].pid, summary.contents[1].pid);
}

#[test]
fn fileserver_descriptors_carry_the_files_and_escapes_are_refused() {
    let summary = fileserver::run(&children("fileserver")).unwrap();
    let read: Vec<(&str, &str)> = summary
        .read
        .iter()
        .map(|file| (file.path.as_str(), file.text.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            ("hello.txt", fileserver::HELLO),
            ("notes/todo.txt", fileserver::TODO),
            ("./hello.txt", fileserver::HELLO),
        ]
    );
    for file in &summary.read {
        assert_eq!(file.reported_size, file.text.len() as u64);
        assert_ne!(file.text, fileserver::SECRET);
    }
    assert_eq!(summary.listed, ["todo.txt"]);
    assert_eq!(summary.stat_size, fileserver::HELLO.len() as u64);
    assert_eq!(summary.refused.len(), 5, "{:?}", summary.refused);
    assert!(
        summary
            .refused
            .iter()
            .all(|(_, reason)| *reason == FsError::PermissionDenied),
        "{:?}",
        summary.refused
    );
    assert!(summary.broker_exited_cleanly);
}

#[test]
fn crashy_children_end_with_abnormal_shutdown_and_bad_message_while_the_steady_one_is_served() {
    use std::os::unix::process::ExitStatusExt;

    let summary = crashy::run(&children("crashy")).unwrap();
    let [crasher, garbler, steady] = &summary.children[..] else {
        panic!("three children expected: {summary:?}");
    };
    // Died with frames in flight: every actor of its channel ends abnormally.
    assert_eq!(crasher.report.end, Some(DestroyReason::AbnormalShutdown));
    assert_eq!(
        crasher.report.texture_ends,
        vec![DestroyReason::AbnormalShutdown; compositor::TEXTURES_PER_CONTENT as usize]
    );
    assert_eq!(crasher.status.signal(), Some(SIGABRT));
    assert!(crasher.bad_message.is_none());
    // Sent garbage: the channel ends with BadMessage, the hook named its
    // pid, and the parent killed it.
    assert!(
        matches!(garbler.report.end, Some(DestroyReason::BadMessage(_))),
        "{:?}",
        garbler.report.end
    );
    assert!(matches!(
        garbler.bad_message,
        Some(BadMessage::Undecodable { .. })
    ));
    assert!(garbler.killed_by_parent);
    assert_eq!(garbler.status.signal(), Some(9));
    // The steady one was served to the end, as if nothing happened.
    assert_eq!(
        steady.report.frames_verified,
        compositor::TEXTURES_PER_CONTENT
    );
    assert_eq!(steady.report.unlock_calls, 1);
    assert_eq!(steady.report.end, Some(DestroyReason::NormalShutdown));
    assert!(steady.status.success());
}
