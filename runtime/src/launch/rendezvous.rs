//! How a launched child finds its launcher: the bootstrap variable, and
//! what it names on each backend (an inherited descriptor on Linux, a
//! bootstrap-server name on Mach).

use std::process::Command;

use super::{BOOTSTRAP_VAR, LaunchError};
use crate::right::{ReceiveRight, SendRight};

/// The launcher's end of the rendezvous, before the child starts.
pub(crate) struct Bootstrap {
    receive: ReceiveRight,
    #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
    inherited: std::os::fd::OwnedFd,
    #[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
    name: String,
}

/// What the bootstrap variable told a child.
pub(crate) struct Found {
    place: String,
}

impl Bootstrap {
    #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
    pub(crate) fn open() -> std::io::Result<Bootstrap> {
        let (receive, send) = crate::platform::port()?;
        #[allow(irrefutable_let_patterns)] // Refutable with `test-util`.
        let crate::right::Handle::Os(inherited) = send.handle else {
            return Err(std::io::Error::other("the port is not a descriptor"));
        };
        // Not 0 to 2, which the child's standard streams take over.
        let inherited = rustix::io::fcntl_dupfd_cloexec(&inherited, 3)?;
        Ok(Bootstrap { receive, inherited })
    }

    #[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
    pub(crate) fn open() -> std::io::Result<Bootstrap> {
        let name = format!(
            "org.machproto.launch.{}.{:032x}",
            std::process::id(),
            crate::endpoint::fresh_nonce()
        );
        let receive = crate::platform::check_in_service(&name)?;
        Ok(Bootstrap { receive, name })
    }

    /// The one-time service name.
    #[cfg(all(test, feature = "mach-sim"))]
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Tells `command`'s child where to find us.
    pub(crate) fn prepare(&self, command: &mut Command) {
        #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
        let place = {
            use std::os::fd::AsRawFd;
            // The child gets the descriptor under the same number, and no
            // other child gets it at all.
            let number = self.inherited.as_raw_fd();
            crate::platform::pass_descriptor(command, &self.inherited, number);
            format!("fd:{number}")
        };
        #[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
        let place = format!("name:{}", self.name);
        command.env(BOOTSTRAP_VAR, format!("{}:{place}", std::process::id()));
    }

    /// After the child started: the port its check-in arrives on. On Linux
    /// our copy of the child's descriptor closes, so the port reports the
    /// peer gone once the child's copy closes too.
    pub(crate) fn into_receive_right(self) -> ReceiveRight {
        self.receive
    }
}

/// Reads the bootstrap variable and checks it is meant for this process:
/// a variable inherited from a grandparent names a launcher that is not
/// our parent.
pub(crate) fn find_launcher() -> Result<Found, LaunchError> {
    let value = std::env::var(BOOTSTRAP_VAR)
        .map_err(|_| LaunchError::NotLaunched(format!("{BOOTSTRAP_VAR} is not set")))?;
    let (pid, place) = value
        .split_once(':')
        .ok_or_else(|| LaunchError::NotLaunched(format!("{BOOTSTRAP_VAR} is malformed")))?;
    let parent = std::os::unix::process::parent_id();
    if pid.parse::<u32>().ok() != Some(parent) {
        return Err(LaunchError::NotLaunched(format!(
            "{BOOTSTRAP_VAR} names launcher {pid}, but our parent is {parent}"
        )));
    }
    Ok(Found {
        place: place.to_string(),
    })
}

impl Found {
    /// The send right to the launcher's bootstrap port. Call once.
    #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
    pub(crate) fn take(self) -> Result<SendRight, LaunchError> {
        let number = self
            .place
            .strip_prefix("fd:")
            .and_then(|n| n.parse::<i32>().ok())
            .ok_or_else(|| LaunchError::NotLaunched(format!("no descriptor in {BOOTSTRAP_VAR}")))?;
        let fd = crate::platform::take_inherited(number)
            .map_err(|error| LaunchError::NotLaunched(format!("descriptor {number}: {error}")))?;
        // A port is a sequenced-packet socket: anything else at that
        // number (reused after an `exec`, say) is not ours to use.
        let kind = rustix::net::sockopt::socket_type(&fd);
        if kind != Ok(rustix::net::SocketType::SEQPACKET) {
            // Not ours: leave it open for whoever owns it.
            let _ = std::os::fd::IntoRawFd::into_raw_fd(fd);
            return Err(LaunchError::NotLaunched(format!(
                "descriptor {number} is not a launcher's port"
            )));
        }
        Ok(SendRight {
            handle: crate::right::Handle::Os(fd),
        })
    }

    /// The send right to the launcher's bootstrap port.
    #[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
    pub(crate) fn take(self) -> Result<SendRight, LaunchError> {
        let name = self
            .place
            .strip_prefix("name:")
            .ok_or_else(|| LaunchError::NotLaunched(format!("no name in {BOOTSTRAP_VAR}")))?;
        crate::platform::look_up_service(name).map_err(|_| LaunchError::LauncherGone)
    }
}
