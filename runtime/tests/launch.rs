//! `launch` between real processes: the test binary starts itself again as
//! the child, which runs the role named in `LAUNCH_ROLE` from the test
//! `launched_roles`. Linux backend (the Mach path is checked on the
//! simulator by the crate's unit tests and type-checked for macOS).
#![cfg(all(target_os = "linux", not(feature = "mach-sim")))]

use std::process::{Command, Stdio};
use std::time::Duration;

use machproto_runtime::launch::{
    BOOTSTRAP_VAR, Launch, LaunchError, is_launched, launch, launched_endpoint,
};
use machproto_runtime::wire::Message;
use machproto_runtime::{Protocol, ProtocolSide, Side};

const ROLE: &str = "LAUNCH_ROLE";
const WAIT: Duration = Duration::from_secs(20);

struct Probe;
struct ProbeParent;
struct ProbeChild;
struct OtherChild;

impl ProtocolSide for ProbeParent {
    const PROTOCOL: &'static str = "test.Probe";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for ProbeChild {
    const PROTOCOL: &'static str = "test.Probe";
    const SIDE: Side = Side::Child;
}
impl ProtocolSide for OtherChild {
    const PROTOCOL: &'static str = "test.Other";
    const SIDE: Side = Side::Child;
}
impl Protocol for Probe {
    type Parent = ProbeParent;
    type Child = ProbeChild;
}

fn child(role: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "launched_roles",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    command
}

/// In a child: runs its role and exits with its status. In the test
/// process: nothing.
#[test]
fn launched_roles() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let outcome = match role.as_str() {
        "echo" => echo(),
        "exit-early" => std::process::exit(7),
        "hang" => {
            std::thread::sleep(WAIT);
            Ok(())
        }
        "wrong-protocol" => match launched_endpoint::<OtherChild>() {
            Err(LaunchError::WrongEndpoint { .. }) => Ok(()),
            other => Err(format!("expected WrongEndpoint, got {other:?}")),
        },
        "impostor" => impostor(),
        "serve-parent-side" => launched_endpoint::<ProbeParent>()
            .map_err(|e| e.to_string())
            .and_then(|endpoint| {
                let (_, send, nonce) = endpoint.into_parts();
                let proof = Message {
                    bytes: nonce.to_le_bytes().to_vec(),
                    rights: Vec::new(),
                };
                send.send(proof, Some(WAIT)).map_err(|e| e.to_string())
            }),
        "accomplice" => match launched_endpoint::<ProbeChild>() {
            Err(LaunchError::Refused) => Ok(()),
            other => Err(format!("expected Refused, got {other:?}")),
        },
        other => Err(format!("no role {other}")),
    };
    match outcome {
        Ok(()) => std::process::exit(0),
        Err(error) => {
            eprintln!("role {role} failed: {error}");
            std::process::exit(1);
        }
    }
}

/// Takes the endpoint, proves it is the pair's other end by sending the
/// nonce, and waits for the parent's answer.
fn echo() -> Result<(), String> {
    if !is_launched() {
        return Err("is_launched says no".into());
    }
    let endpoint = launched_endpoint::<ProbeChild>().map_err(|e| e.to_string())?;
    if !matches!(
        launched_endpoint::<ProbeChild>(),
        Err(LaunchError::AlreadyTaken)
    ) {
        return Err("a second pick-up was not refused".into());
    }
    let (receive, send, nonce) = endpoint.into_parts();
    let hello = Message {
        bytes: nonce.to_le_bytes().to_vec(),
        rights: Vec::new(),
    };
    send.send(hello, Some(WAIT)).map_err(|e| e.to_string())?;
    let answer = receive.recv(Some(WAIT)).map_err(|e| e.to_string())?;
    (answer.message.bytes == b"bye")
        .then_some(())
        .ok_or_else(|| "unexpected answer".to_string())
}

/// Hands its bootstrap descriptor to a process of its own, which checks in
/// in its place.
fn impostor() -> Result<(), String> {
    let value = std::env::var(BOOTSTRAP_VAR).map_err(|e| e.to_string())?;
    let (_, place) = value.split_once(':').ok_or("malformed variable")?;
    let number: i32 = place
        .strip_prefix("fd:")
        .and_then(|n| n.parse().ok())
        .ok_or("no descriptor")?;
    let fd = machproto_runtime::platform::take_inherited(number).map_err(|e| e.to_string())?;
    let mut command = child("accomplice");
    // Named as launched by us, so its own checks pass: only the launcher's
    // pid check can catch it.
    command.env(BOOTSTRAP_VAR, format!("{}:{place}", std::process::id()));
    machproto_runtime::platform::pass_descriptor(&mut command, &fd, number);
    let status = command.status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("accomplice: {status}"));
    }
    // Stay alive until the launcher kills us.
    std::thread::sleep(WAIT);
    Ok(())
}

#[test]
fn a_launched_child_gets_the_other_end_of_the_parents_endpoint() {
    let launched = launch::<Probe>(child("echo")).unwrap();
    let mut process = launched.child;
    let (receive, send, nonce) = launched.endpoint.into_parts();
    let hello = receive.recv(Some(WAIT)).unwrap();
    assert_eq!(hello.message.bytes, nonce.to_le_bytes());
    assert_eq!(hello.sender.pid, process.id());
    send.send(
        Message {
            bytes: b"bye".to_vec(),
            rights: Vec::new(),
        },
        Some(WAIT),
    )
    .unwrap();
    assert!(process.wait().unwrap().success());
}

#[test]
fn a_child_that_exits_before_checking_in_is_reported_with_its_status() {
    match launch::<Probe>(child("exit-early")) {
        Err(LaunchError::ExitedBeforeCheckIn(status)) => assert_eq!(status.code(), Some(7)),
        other => panic!("expected ExitedBeforeCheckIn, got {other:?}"),
    }
}

#[test]
fn a_child_that_never_checks_in_times_out_and_is_killed() {
    let started = std::time::Instant::now();
    let outcome = Launch::new(child("hang"))
        .check_in_timeout(Duration::from_millis(300))
        .keep_parent_side::<Probe>();
    assert!(matches!(outcome, Err(LaunchError::TimedOut)), "{outcome:?}");
    // Killed rather than waited for: the role sleeps far longer.
    assert!(started.elapsed() < WAIT);
}

#[test]
fn a_check_in_from_another_process_is_refused_and_reported_at_the_deadline() {
    // The impostor's check-in is refused (its sender sees `Refused`); the
    // launched child never checks in itself, so at the deadline the
    // launch reports who tried.
    let outcome = Launch::new(child("impostor"))
        .check_in_timeout(Duration::from_secs(2))
        .keep_parent_side::<Probe>();
    match outcome {
        Err(LaunchError::WrongIdentity { expected, actual }) => assert_ne!(expected, actual),
        other => panic!("expected WrongIdentity, got {other:?}"),
    }
}

#[test]
fn a_child_asking_for_another_protocol_gets_a_typed_refusal() {
    let launched = launch::<Probe>(child("wrong-protocol")).unwrap();
    let mut process = launched.child;
    assert!(process.wait().unwrap().success());
}

#[test]
fn a_process_not_started_by_launch_is_told_so() {
    // This test process has no bootstrap variable.
    assert!(!is_launched());
    assert!(matches!(
        launched_endpoint::<ProbeChild>(),
        Err(LaunchError::NotLaunched(_))
    ));
}

#[test]
fn a_launcher_may_keep_the_child_side_and_the_child_serve_the_parent_side() {
    let launched = Launch::new(child("serve-parent-side"))
        .keep_child_side::<Probe>()
        .unwrap();
    let mut process = launched.child;
    let (receive, _send, nonce) = launched.endpoint.into_parts();
    let proof = receive.recv(Some(WAIT)).unwrap();
    assert_eq!(proof.message.bytes, nonce.to_le_bytes());
    assert!(process.wait().unwrap().success());
}
