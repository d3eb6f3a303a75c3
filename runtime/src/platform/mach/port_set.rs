//! Port sets: one receive over many ports (a Mach port set).

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use std::time::Duration;

use super::receive::{Outcome, receive_with};
use super::{
    PortName, PortRight, allocate_receive, check, millis, port_name, request_send_possible,
};
use crate::mach_sys::extra::mach_port_move_member;
use crate::mach_sys::mach_port::mach_port_allocate;
use crate::mach_sys::notify::MACH_NOTIFY_DEAD_NAME;
use crate::mach_sys::port::{MACH_PORT_NULL, MACH_PORT_RIGHT_PORT_SET, mach_port_name_t};
use crate::mach_sys::traps::mach_task_self;
use crate::platform::{PortSetEvent, RecvError, Token};
use crate::right::{ReceiveRight, SendRight};
use std::sync::atomic::{AtomicU64, Ordering};

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a map inconsistent
    // (every operation on it is a single insert or remove).
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Receive rights waited on together; the set owns its members. It can
/// also watch send rights for room ([`PortSet::watch_writable`]).
#[derive(Debug)]
pub struct PortSet {
    set: SetName,
    members: Mutex<HashMap<mach_port_name_t, ReceiveRight>>,
    /// A private member that only the kernel's send-possible and dead-name
    /// notifications reach.
    notify: PortName,
    /// Watched send rights (by name) and their tokens.
    writers: Mutex<HashMap<mach_port_name_t, u64>>,
    next: AtomicU64,
}

/// Tokens of writable watches are above every port name.
const WATCH_TOKENS: u64 = 1 << 32;

/// The port set's own name, destroyed with the set.
#[derive(Debug)]
struct SetName(mach_port_name_t);

impl Drop for SetName {
    fn drop(&mut self) {
        // SAFETY: destroys the port set this value owns; its members stay
        // with their owners (they are simply removed from the set).
        unsafe {
            crate::mach_sys::mach_port::mach_port_destroy(mach_task_self(), self.0);
        }
    }
}

impl PortSet {
    /// An empty set.
    pub fn new() -> io::Result<PortSet> {
        let mut name = MACH_PORT_NULL;
        // SAFETY: allocates a port set in this task; `name` is writable.
        let result =
            unsafe { mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &mut name) };
        check(result, "mach_port_allocate(PORT_SET)")?;
        let set = SetName(name);
        let notify = PortName::new(allocate_receive()?, PortRight::Receive);
        // SAFETY: moves our own new receive right into our own set.
        let joined = unsafe { mach_port_move_member(mach_task_self(), notify.name, set.0) };
        check(joined, "mach_port_move_member")?;
        Ok(PortSet {
            set,
            members: Mutex::new(HashMap::new()),
            notify,
            writers: Mutex::new(HashMap::new()),
            next: AtomicU64::new(WATCH_TOKENS),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<mach_port_name_t, ReceiveRight>> {
        self.members
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds `right` to the set.
    pub fn insert(&self, right: ReceiveRight) -> io::Result<Token> {
        let name = port_name(&right.handle)?;
        // SAFETY: moves a receive right this task holds into its port set.
        let result = unsafe { mach_port_move_member(mach_task_self(), name, self.set.0) };
        check(result, "mach_port_move_member")?;
        self.lock().insert(name, right);
        Ok(Token(u64::from(name)))
    }

    /// Takes a member out of the set.
    pub fn remove(&self, token: Token) -> Option<ReceiveRight> {
        let name = mach_port_name_t::try_from(token.0).ok()?;
        let right = self.lock().remove(&name)?;
        // SAFETY: moving a member to MACH_PORT_NULL takes it out of its set.
        unsafe { mach_port_move_member(mach_task_self(), name, MACH_PORT_NULL) };
        Some(right)
    }

    /// Stops waiting on a member without taking it out: what arrives for
    /// it stays in its queue (and its senders meet a full queue) until
    /// [`PortSet::resume`].
    pub fn pause(&self, token: Token) -> io::Result<()> {
        self.move_member(token, MACH_PORT_NULL)
    }

    /// Waits on a paused member again, with its old token.
    pub fn resume(&self, token: Token) -> io::Result<()> {
        self.move_member(token, self.set.0)
    }

    fn move_member(&self, token: Token, after: mach_port_name_t) -> io::Result<()> {
        let Ok(name) = mach_port_name_t::try_from(token.0) else {
            return Ok(());
        };
        let members = self.lock();
        if !members.contains_key(&name) {
            return Ok(());
        }
        // SAFETY: moves a receive right this set holds (the lock keeps it
        // from being removed meanwhile) out of or into this task's set.
        let result = unsafe { mach_port_move_member(mach_task_self(), name, after) };
        check(result, "mach_port_move_member")
    }

    /// Reports [`PortSetEvent::Writable`] once, when the port `send` sends
    /// to can take a message again (or its receiver is gone, which the next
    /// send then reports). For resuming sends that met a full queue.
    pub fn watch_writable(&self, send: &SendRight) -> io::Result<Token> {
        let name = port_name(&send.handle)?;
        let token = self.next.fetch_add(1, Ordering::Relaxed);
        request_send_possible(name, self.notify.name)?;
        // A second watch of one send right replaces the first (the kernel
        // keeps one request per name).
        lock(&self.writers).insert(name, token);
        Ok(Token(token))
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the set has no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits up to `timeout` (forever with `None`) for the next event on any
    /// member ([`RecvError::Timeout`] when none came).
    pub fn recv(&self, timeout: Option<Duration>) -> Result<PortSetEvent, RecvError> {
        let timeout = timeout.map(millis);
        loop {
            let (member, outcome) = receive_with(self.set.0, timeout, true)?;
            let token = Token(u64::from(member));
            return Ok(match outcome {
                Outcome::Notification(id, name) if member == self.notify.name => {
                    let Some(token) = lock(&self.writers).remove(&name) else {
                        continue;
                    };
                    if id == MACH_NOTIFY_DEAD_NAME {
                        // The notification carries one more reference on
                        // the now dead name, ours to release (M58).
                        drop(PortName::new(name, PortRight::Send));
                    }
                    PortSetEvent::Writable(Token(token))
                }
                Outcome::Notification(..) => continue,
                Outcome::Message(received) => PortSetEvent::Message(token, received),
                Outcome::Malformed(reason) => PortSetEvent::Malformed(token, reason),
                Outcome::PeerGone => match self.remove(token) {
                    Some(right) => PortSetEvent::PeerGone(token, right),
                    // A member taken out meanwhile: nothing to report.
                    None => continue,
                },
            });
        }
    }
}
