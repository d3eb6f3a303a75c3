//! Peers for multi-process tests: the test binary runs itself again as a
//! child, hands it one right, and the child runs a named role.
//!
//! A test file declares its roles once and calls [`PeerRoles::serve`] from
//! the test named by [`PeerRoles::new`]'s `entry`: in the parent that test
//! does nothing; in a child it runs the role and exits.

use std::io;
use std::os::fd::OwnedFd;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::platform::{pass_descriptor, take_inherited};
use crate::right::{
    Handle, ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory,
};

const ROLE_VAR: &str = "MACHPROTO_PEER_ROLE";
const KIND_VAR: &str = "MACHPROTO_PEER_KIND";
/// The descriptor number the right has in the child.
const PEER_FD: i32 = 3;

/// A role: what the child does with the right it was given.
pub type Role = fn(Right) -> Result<(), String>;

/// The roles of one test binary.
#[derive(Debug)]
pub struct PeerRoles {
    entry: &'static str,
    roles: &'static [(&'static str, Role)],
}

/// A running peer.
#[derive(Debug)]
pub struct Peer {
    child: Child,
}

impl PeerRoles {
    /// Roles run by the test called `entry` (its full name within the test
    /// binary, as `cargo test -- --exact` expects).
    pub const fn new(entry: &'static str, roles: &'static [(&'static str, Role)]) -> PeerRoles {
        PeerRoles { entry, roles }
    }

    /// Starts a child running `role` with `right`.
    pub fn spawn(&self, role: &str, right: Right) -> io::Result<Peer> {
        if !self.roles.iter().any(|(name, _)| *name == role) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("no role `{role}`"),
            ));
        }
        let (kind, fd) = into_fd(right)?;
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args([self.entry, "--exact", "--nocapture", "--test-threads=1"])
            .env(ROLE_VAR, role)
            .env(KIND_VAR, kind_name(kind))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        pass_descriptor(&mut command, &fd, PEER_FD);
        let child = command.spawn()?;
        drop(fd);
        Ok(Peer { child })
    }

    /// In a child started by [`PeerRoles::spawn`], runs its role and exits
    /// the process (status 0 on success, 1 with the error on stderr). In
    /// the parent, returns at once.
    pub fn serve(&self) {
        let Ok(role) = std::env::var(ROLE_VAR) else {
            return;
        };
        let outcome = self
            .roles
            .iter()
            .find(|(name, _)| *name == role)
            .ok_or_else(|| format!("no role `{role}`"))
            .and_then(|(_, run)| inherited_right().map_err(|e| e.to_string()).and_then(run));
        match outcome {
            Ok(()) => std::process::exit(0),
            Err(error) => {
                eprintln!("peer role `{role}` failed: {error}");
                std::process::exit(1);
            }
        }
    }
}

impl Peer {
    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `timeout` for the child to exit; kills it after that.
    pub fn wait(mut self, timeout: Duration) -> io::Result<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "peer did not exit in time",
                ));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Kills the child at once (`SIGKILL`) and reaps it.
    pub fn kill(mut self) -> io::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        // A test that fails before waiting for its peer must not leave the
        // child running (holding the test's output pipes open).
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn kind_name(kind: RightKind) -> &'static str {
    match kind {
        RightKind::Send => "send",
        RightKind::SendOnce => "send-once",
        RightKind::Receive => "receive",
        RightKind::SharedMemory => "shared-memory",
        RightKind::Fd => "fd",
    }
}

fn into_fd(right: Right) -> io::Result<(RightKind, OwnedFd)> {
    let kind = right.kind();
    let handle = match right {
        Right::Send(r) => r.handle,
        Right::SendOnce(r) => r.handle,
        Right::Receive(r) => r.handle,
        Right::SharedMemory(r) => r.handle,
        Right::Fd(fd) => return Ok((kind, fd)),
    };
    match handle {
        Handle::Os(fd) => Ok((kind, fd)),
        Handle::Counted(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a counting double cannot go to another process",
        )),
    }
}

fn inherited_right() -> io::Result<Right> {
    let kind = std::env::var(KIND_VAR).map_err(|_| io::Error::other("no right kind given"))?;
    let fd = take_inherited(PEER_FD)?;
    Ok(match kind.as_str() {
        "send" => Right::Send(SendRight {
            handle: Handle::Os(fd),
        }),
        "send-once" => Right::SendOnce(SendOnceRight {
            handle: Handle::Os(fd),
        }),
        "receive" => Right::Receive(ReceiveRight {
            handle: Handle::Os(fd),
        }),
        "shared-memory" => Right::SharedMemory(SharedMemory::from_fd(fd)?),
        "fd" => Right::Fd(fd),
        other => return Err(io::Error::other(format!("unknown right kind `{other}`"))),
    })
}
