//! Starting a child process with a first channel to it.
//!
//! [`launch`] starts a [`Command`] and returns the child with the parent's
//! [`Endpoint`] of a fresh channel of protocol `P`; the child calls
//! [`launched_endpoint`] once to get the other side. Everything after that
//! flows through endpoints in messages.
//!
//! ```no_run
//! # #[cfg(all(target_os = "linux", not(feature = "mach-sim")))] {
//! use machproto_runtime::launch::{launch, launched_endpoint};
//! # use machproto_runtime::{Protocol, ProtocolSide, Side};
//! # struct Echo; struct EchoParent; struct EchoChild;
//! # impl ProtocolSide for EchoParent { const PROTOCOL: &'static str = "demo.Echo"; const SIDE: Side = Side::Parent; }
//! # impl ProtocolSide for EchoChild { const PROTOCOL: &'static str = "demo.Echo"; const SIDE: Side = Side::Child; }
//! # impl Protocol for Echo { type Parent = EchoParent; type Child = EchoChild; }
//!
//! if std::env::args().nth(1).as_deref() == Some("child") {
//!     // In the child: the endpoint its launcher made for it.
//!     let endpoint = launched_endpoint::<EchoChild>()?;
//!     // ... open the protocol's child side on it.
//! } else {
//!     let mut command = std::process::Command::new(std::env::current_exe()?);
//!     command.arg("child");
//!     let launched = launch::<Echo>(command)?;
//!     // ... open the parent side on `launched.endpoint`.
//! }
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How the child finds its launcher
//!
//! The launcher makes a bootstrap port and names it to the child in the
//! environment variable `MACHPROTO_BOOTSTRAP`, with its own pid:
//!
//! - Linux: the port's send right is inherited by that child only, at a
//!   descriptor number the variable gives; the child takes and closes it.
//! - Mach: the launcher checks in a one-time random name with the bootstrap
//!   server and the child looks it up.
//!
//! The child then checks in (`check_in`): the launcher accepts the request
//! only if the kernel says it comes from the pid it started, and answers
//! with the endpoint. No process is ever handed another's task port.

mod check_in;
mod rendezvous;
#[cfg(all(test, feature = "mach-sim"))]
mod sim_tests;

use std::fmt;
use std::io;
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::{Endpoint, Protocol, ProtocolSide, create_endpoints};

/// How long [`launch`] waits for the child to check in, and
/// [`launched_endpoint`] for its launcher's answer.
pub const DEFAULT_CHECK_IN_TIMEOUT: Duration = Duration::from_secs(10);

/// The environment variable naming the bootstrap port to a child.
pub const BOOTSTRAP_VAR: &str = "MACHPROTO_BOOTSTRAP";

/// A child started by [`launch`] or [`Launch`], checked in; `S` is the
/// launcher's side of the first channel.
pub struct Launched<S: ProtocolSide> {
    /// The child process. Dropping it does not kill the child.
    pub child: Child,
    /// The launcher's side of the first channel to the child, not yet bound.
    pub endpoint: Endpoint<S>,
}

impl<S: ProtocolSide> fmt::Debug for Launched<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Launched")
            .field("child", &self.child)
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

/// Why launching, or picking up the launched endpoint, failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum LaunchError {
    /// The bootstrap port or the endpoints could not be made.
    Setup(io::Error),
    /// The command could not be started.
    Spawn(io::Error),
    /// The child exited before it checked in.
    ExitedBeforeCheckIn(ExitStatus),
    /// No check-in (launcher) or no answer (child) before the timeout. The
    /// launcher kills a child that did not check in.
    TimedOut,
    /// Only processes other than the launched child checked in (each was
    /// refused) before the timeout. The launcher kills the child it
    /// started.
    WrongIdentity {
        /// The launched child's pid.
        expected: u32,
        /// The pid the kernel reported for the check-in.
        actual: u32,
    },
    /// The check-in was not the handshake's.
    BadCheckIn(String),
    /// In the child: this process was not started by [`launch`] (no
    /// bootstrap variable, or one meant for another process).
    NotLaunched(String),
    /// In the child: the endpoint was already taken.
    AlreadyTaken,
    /// In the child: the launcher is gone.
    LauncherGone,
    /// In the child: the launcher refused the check-in.
    Refused,
    /// In the child: the endpoint is not of the protocol side asked for.
    WrongEndpoint {
        /// What the decoder found.
        reason: String,
    },
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LaunchError::Setup(error) => write!(f, "could not prepare the launch: {error}"),
            LaunchError::Spawn(error) => write!(f, "could not start the child: {error}"),
            LaunchError::ExitedBeforeCheckIn(status) => {
                write!(f, "the child exited before checking in ({status})")
            }
            LaunchError::TimedOut => write!(f, "the check-in timed out"),
            LaunchError::WrongIdentity { expected, actual } => write!(
                f,
                "process {actual} checked in, but the launched child is {expected}"
            ),
            LaunchError::BadCheckIn(reason) => write!(f, "bad check-in: {reason}"),
            LaunchError::NotLaunched(reason) => write!(f, "not a launched child: {reason}"),
            LaunchError::AlreadyTaken => write!(f, "the launched endpoint was already taken"),
            LaunchError::LauncherGone => write!(f, "the launcher is gone"),
            LaunchError::Refused => write!(f, "the launcher refused the check-in"),
            LaunchError::WrongEndpoint { reason } => {
                write!(f, "the launcher sent another endpoint: {reason}")
            }
        }
    }
}

impl std::error::Error for LaunchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LaunchError::Setup(error) | LaunchError::Spawn(error) => Some(error),
            _ => None,
        }
    }
}

/// Starts `command` with a bootstrap channel, waits (up to
/// [`DEFAULT_CHECK_IN_TIMEOUT`]) for the child to check in, and returns it
/// with the parent's endpoint of a new channel of `P`; the child gets the
/// child side. [`Launch`] offers the other choices.
pub fn launch<P: Protocol>(command: Command) -> Result<Launched<P::Parent>, LaunchError> {
    Launch::new(command).keep_parent_side::<P>()
}

/// A launch with choices: the check-in timeout, and which side of the
/// first channel the launcher keeps. On any error after the child started,
/// the child is killed (unless it already exited) and reaped.
#[derive(Debug)]
pub struct Launch {
    command: Command,
    timeout: Duration,
}

impl Launch {
    /// A launch of `command` with the default timeout.
    pub fn new(command: Command) -> Launch {
        Launch {
            command,
            timeout: DEFAULT_CHECK_IN_TIMEOUT,
        }
    }

    /// How long to wait for the child's check-in.
    pub fn check_in_timeout(mut self, timeout: Duration) -> Launch {
        self.timeout = timeout;
        self
    }

    /// Starts the child; the launcher keeps `P`'s parent side.
    pub fn keep_parent_side<P: Protocol>(self) -> Result<Launched<P::Parent>, LaunchError> {
        let (parent_end, child_end) = create_endpoints::<P>().map_err(LaunchError::Setup)?;
        self.start(parent_end, child_end)
    }

    /// Starts the child; the launcher keeps `P`'s child side and the child
    /// serves the parent side (a broker the launcher starts, for instance).
    pub fn keep_child_side<P: Protocol>(self) -> Result<Launched<P::Child>, LaunchError> {
        let (parent_end, child_end) = create_endpoints::<P>().map_err(LaunchError::Setup)?;
        self.start(child_end, parent_end)
    }

    fn start<Mine: ProtocolSide, Theirs: ProtocolSide>(
        self,
        mine: Endpoint<Mine>,
        theirs: Endpoint<Theirs>,
    ) -> Result<Launched<Mine>, LaunchError> {
        let Launch {
            mut command,
            timeout,
        } = self;
        let deadline = Instant::now().checked_add(timeout).ok_or_else(|| {
            LaunchError::Setup(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the check-in timeout is too long",
            ))
        })?;
        let bootstrap = rendezvous::Bootstrap::open().map_err(LaunchError::Setup)?;
        bootstrap.prepare(&mut command);
        let child = command.spawn().map_err(LaunchError::Spawn)?;
        // Only the child holds the way in from now on.
        let bootstrap = bootstrap.into_receive_right();
        let mut launchee = Spawned(child);
        match check_in::serve(&bootstrap, &mut launchee, deadline, theirs) {
            Ok(()) => Ok(Launched {
                child: launchee.0,
                endpoint: mine,
            }),
            Err(error) => {
                launchee.kill_unless_exited();
                Err(error)
            }
        }
    }
}

/// In a child started by [`launch`]: the endpoint its launcher made for
/// it. Succeeds once per process; waits up to
/// [`DEFAULT_CHECK_IN_TIMEOUT`] for the launcher's answer.
pub fn launched_endpoint<S: ProtocolSide>() -> Result<Endpoint<S>, LaunchError> {
    static TAKEN: AtomicBool = AtomicBool::new(false);
    let to_launcher = rendezvous::find_launcher()?;
    if TAKEN.swap(true, Ordering::SeqCst) {
        return Err(LaunchError::AlreadyTaken);
    }
    let to_launcher = to_launcher.take()?;
    check_in::request(to_launcher, DEFAULT_CHECK_IN_TIMEOUT)
}

/// Whether this process was started by [`launch`] (it has a bootstrap
/// variable meant for it), so a program can pick its role.
pub fn is_launched() -> bool {
    rendezvous::find_launcher().is_ok()
}

/// A child started with [`Command::spawn`].
struct Spawned(Child);

impl Spawned {
    fn kill_unless_exited(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

impl check_in::Launchee for Spawned {
    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn exited(&mut self) -> Option<ExitStatus> {
        self.0.try_wait().ok().flatten()
    }
}
