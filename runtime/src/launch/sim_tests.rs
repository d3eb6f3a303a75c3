//! The Mach rendezvous on the simulator: a launcher checks in a one-time
//! name, a child task looks it up and checks in, and the launcher answers
//! only the pid it expects. (A real process cannot be spawned into the
//! simulator, so the launchee here is a simulated task.)

use std::process::ExitStatus;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::check_in::{self, Launchee};
use super::{LaunchError, rendezvous};
use crate::testing::{PeerRoles, isolated};
use crate::{Protocol, ProtocolSide, Right, Side, create_endpoints, platform};

struct Probe;
struct ProbeParent;
struct ProbeChild;

impl ProtocolSide for ProbeParent {
    const PROTOCOL: &'static str = "test.Probe";
    const SIDE: Side = Side::Parent;
}
impl ProtocolSide for ProbeChild {
    const PROTOCOL: &'static str = "test.Probe";
    const SIDE: Side = Side::Child;
}
impl Protocol for Probe {
    type Parent = ProbeParent;
    type Child = ProbeChild;
}

const WAIT: Duration = Duration::from_secs(20);
/// The service name the current round's child looks up.
static NAME: Mutex<String> = Mutex::new(String::new());

fn child_checks_in(_: Right) -> Result<(), String> {
    let name = NAME.lock().map_err(|e| e.to_string())?.clone();
    let to_launcher = platform::look_up_service(&name).map_err(|e| e.to_string())?;
    match check_in::request::<ProbeChild>(to_launcher, WAIT) {
        Ok(endpoint) => {
            let (_, send, nonce) = endpoint.into_parts();
            let proof = crate::wire::Message {
                bytes: nonce.to_le_bytes().to_vec(),
                rights: Vec::new(),
            };
            send.send(proof, Some(WAIT)).map_err(|e| e.to_string())
        }
        Err(LaunchError::Refused) => Err("refused".into()),
        Err(other) => Err(other.to_string()),
    }
}

const ROLES: PeerRoles = PeerRoles::new("", &[("check-in", child_checks_in)]);

struct Task {
    pid: u32,
}

impl Launchee for Task {
    fn pid(&self) -> u32 {
        self.pid
    }

    fn exited(&mut self) -> Option<ExitStatus> {
        None
    }
}

fn round(expect_pid: impl FnOnce(u32) -> u32) -> (Result<(), LaunchError>, u128, bool) {
    let launcher = rendezvous::Bootstrap::open().unwrap();
    *NAME.lock().unwrap() = launcher.name().to_string();
    let bootstrap = launcher.into_receive_right();
    let (parent_end, child_end) = create_endpoints::<Probe>().unwrap();
    let (_, token) = platform::port().unwrap();
    let peer = ROLES.spawn("check-in", Right::Send(token)).unwrap();
    let mut task = Task {
        pid: expect_pid(peer.id()),
    };
    // A refused check-in leaves the launcher waiting for the right one
    // until its deadline: short, for the round that expects it.
    let patience = if task.pid == peer.id() {
        WAIT
    } else {
        Duration::from_millis(300)
    };
    let served = check_in::serve(&bootstrap, &mut task, Instant::now() + patience, child_end);
    let (receive, _send, nonce) = parent_end.into_parts();
    let proof = receive
        .recv(Some(Duration::from_millis(if served.is_ok() {
            20_000
        } else {
            50
        })))
        .ok()
        .map(|received| received.message.bytes == nonce.to_le_bytes());
    let child_succeeded = peer.wait(WAIT).unwrap().success();
    (served, nonce, proof == Some(true) && child_succeeded)
}

#[test]
fn a_task_checks_in_by_name_and_only_the_expected_pid_is_answered() {
    isolated(|| {
        let (served, _, proved) = round(|pid| pid);
        assert!(served.is_ok(), "{served:?}");
        assert!(proved, "the child did not get the pair's other end");

        let (served, _, proved) = round(|pid| pid + 1);
        assert!(
            matches!(served, Err(LaunchError::WrongIdentity { .. })),
            "{served:?}"
        );
        assert!(!proved, "a refused child got an endpoint");
    });
}
