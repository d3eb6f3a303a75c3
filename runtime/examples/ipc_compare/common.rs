//! What the three implementations share: the rows, the control protocol
//! between parent and child, and CPU pinning.

use std::fmt::Display;
use std::io;
use std::os::fd::RawFd;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Selects the child's role: `ours`, `raw` or `ipc`.
pub(crate) const ROLE_VAR: &str = "IPC_COMPARE_ROLE";
/// `1` when the child must pin itself to CPU 0.
const PIN_VAR: &str = "IPC_COMPARE_PIN";
/// The descriptor number of the child's first descriptor (ours and raw).
pub(crate) const CHILD_FD: RawFd = 3;
/// The size of a small message.
pub(crate) const SMALL: usize = 64;
/// The size of a shared-memory transfer.
pub(crate) const SHM_LEN: usize = 1 << 20;
/// The receiver of the one-way stream acknowledges every this many.
const ACK_EVERY: u64 = 8;
/// The rights a `rtt_16_rights` message carries.
pub(crate) const MANY_RIGHTS: usize = 16;
/// Bounds the setup exchanges, so that a failed peer does not hang the run.
pub(crate) const SETUP_TIMEOUT: Option<Duration> = Some(Duration::from_secs(30));

/// A measurement between two processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Row {
    Rtt64,
    Oneway64,
    Rtt1Right,
    Rtt16Rights,
    ShmReused,
    ShmNew,
    /// An actor-level call with a 64-byte argument and reply. Raw sockets
    /// and ipc-channel have no actors: for them this is their plain 64-byte
    /// round trip, the baseline the call is judged against.
    CallReply64,
    /// A sync call with a 64-byte argument and reply (the same baseline
    /// for raw sockets and ipc-channel).
    SyncCall64,
    /// `CallReply64` between actors: typed handles, event loops on both
    /// sides, validation against the side specs (same baseline). The
    /// caller's loop runs on the calling thread until the reply is in.
    ActorCallReply64,
    /// The same, the caller's loop on a thread of its own while the
    /// calling thread blocks in `Reply::wait` (one thread switch more).
    ActorCallWait64,
    /// `SyncCall64` from an actor handle to an actor (same baseline).
    ActorSyncCall64,
}

impl Row {
    pub(crate) const ALL: [Row; 11] = [
        Row::Rtt64,
        Row::Oneway64,
        Row::Rtt1Right,
        Row::Rtt16Rights,
        Row::ShmReused,
        Row::ShmNew,
        Row::CallReply64,
        Row::SyncCall64,
        Row::ActorCallReply64,
        Row::ActorCallWait64,
        Row::ActorSyncCall64,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Row::Rtt64 => "rtt_64b",
            Row::Oneway64 => "oneway_64b",
            Row::Rtt1Right => "rtt_1_right",
            Row::Rtt16Rights => "rtt_16_rights",
            Row::ShmReused => "shm_1mib_reused",
            Row::ShmNew => "shm_1mib_new_region",
            Row::CallReply64 => "call_reply_64b",
            Row::SyncCall64 => "sync_call_64b",
            Row::ActorCallReply64 => "actor_call_reply_64b",
            Row::ActorCallWait64 => "actor_call_wait_64b",
            Row::ActorSyncCall64 => "actor_sync_call_64b",
        }
    }

    /// The rights a message of this row carries.
    pub(crate) fn rights(self) -> usize {
        match self {
            Row::Rtt1Right => 1,
            Row::Rtt16Rights => MANY_RIGHTS,
            _ => 0,
        }
    }

    fn code(self) -> u8 {
        Row::ALL.iter().position(|&r| r == self).unwrap_or(0) as u8
    }
}

/// What the parent tells the child before each timed loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Control {
    /// Run `iters` operations of a row.
    Run(Row, u64),
    /// Exit.
    Exit,
}

const EXIT_CODE: u8 = 0xff;
pub(crate) const CONTROL_LEN: usize = 16;

impl Control {
    pub(crate) fn encode(self) -> [u8; CONTROL_LEN] {
        let mut out = [0u8; CONTROL_LEN];
        out[0] = b'C';
        match self {
            Control::Run(row, iters) => {
                out[1] = row.code();
                out[8..].copy_from_slice(&iters.to_le_bytes());
            }
            Control::Exit => out[1] = EXIT_CODE,
        }
        out
    }

    pub(crate) fn decode(bytes: &[u8]) -> io::Result<Control> {
        if bytes.len() != CONTROL_LEN || bytes[0] != b'C' {
            return Err(io::Error::other("not a control message"));
        }
        if bytes[1] == EXIT_CODE {
            return Ok(Control::Exit);
        }
        let row = *Row::ALL
            .get(usize::from(bytes[1]))
            .ok_or_else(|| io::Error::other("unknown row"))?;
        let mut iters = [0u8; 8];
        iters.copy_from_slice(&bytes[8..]);
        Ok(Control::Run(row, u64::from_le_bytes(iters)))
    }
}

/// The parent's side of one implementation, talking to its child.
pub(crate) trait Parent {
    /// Runs `iters` operations of `row` with the child and returns how long
    /// they took (the control exchange before them is not timed).
    fn run(&mut self, row: Row, iters: u64) -> io::Result<Duration>;

    /// Whether this implementation can run `row` at all.
    fn supports(&self, _row: Row) -> bool {
        true
    }

    /// Tells the child to exit and waits for it.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Whether the receiver of the one-way stream acknowledges after message
/// `i` (counting from 0) of `iters`.
pub(crate) fn acks_after(i: u64, iters: u64) -> bool {
    (i + 1) % ACK_EVERY == 0 || i + 1 == iters
}

/// Reads one byte of every page, so that every page is faulted in.
pub(crate) fn touch_pages(bytes: &[u8]) -> u64 {
    bytes.iter().step_by(4096).map(|&b| u64::from(b)).sum()
}

/// The 1 MiB the shared-memory rows copy in.
pub(crate) fn pattern() -> Vec<u8> {
    (0..SHM_LEN).map(|i| (i % 251) as u8).collect()
}

/// The command that re-executes this example as the child `role`.
pub(crate) fn child_command(role: &str, pinned: bool) -> io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .env(ROLE_VAR, role)
        .env(PIN_VAR, if pinned { "1" } else { "0" })
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    Ok(command)
}

/// In a child: pins itself to CPU 0 if the parent asked for it.
pub(crate) fn pin_child_if_asked() -> io::Result<()> {
    if std::env::var(PIN_VAR).is_ok_and(|v| v == "1") {
        pin_to_cpu0()?;
    }
    Ok(())
}

/// Any error as an `io::Error`, keeping its message.
pub(crate) fn io_err(error: impl Display) -> io::Error {
    io::Error::other(error.to_string())
}

/// The calling thread's CPU affinity.
pub(crate) fn affinity() -> io::Result<libc::cpu_set_t> {
    // SAFETY: `cpu_set_t` is a plain bit array; all zeroes is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the kernel writes at most `size_of::<cpu_set_t>()` bytes into
    // `set`, which is that large.
    let rc =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(set)
}

/// Sets the calling thread's CPU affinity (children spawned later inherit it).
pub(crate) fn set_affinity(set: &libc::cpu_set_t) -> io::Result<()> {
    // SAFETY: the kernel reads `size_of::<cpu_set_t>()` bytes from `set`.
    let rc = unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Pins the calling thread to CPU 0.
pub(crate) fn pin_to_cpu0() -> io::Result<()> {
    // SAFETY: as in `affinity`: all zeroes is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: CPU 0 is within the set's bit array.
    unsafe { libc::CPU_SET(0, &mut set) };
    set_affinity(&set)
}
