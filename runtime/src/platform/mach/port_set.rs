//! Port sets: one receive over many ports (a Mach port set).

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use std::time::Duration;

use super::receive::{Outcome, receive};
use super::{check, millis, port_name};
use crate::mach_sys::extra::mach_port_move_member;
use crate::mach_sys::mach_port::mach_port_allocate;
use crate::mach_sys::port::{MACH_PORT_NULL, MACH_PORT_RIGHT_PORT_SET, mach_port_name_t};
use crate::mach_sys::traps::mach_task_self;
use crate::platform::{Malformed, PortSetEvent, RecvError, Token};
use crate::right::ReceiveRight;

/// Receive rights waited on together; the set owns its members.
#[derive(Debug)]
pub struct PortSet {
    set: SetName,
    members: Mutex<HashMap<mach_port_name_t, ReceiveRight>>,
}

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
        Ok(PortSet {
            set: SetName(name),
            members: Mutex::new(HashMap::new()),
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
        let (member, outcome) = receive(self.set.0, timeout.map(millis))?;
        let token = Token(u64::from(member));
        Ok(match outcome {
            Outcome::Message(received) => PortSetEvent::Message(token, received),
            Outcome::Malformed(reason) => PortSetEvent::Malformed(token, reason),
            Outcome::Notification(_) => PortSetEvent::Malformed(token, Malformed::BadHeader),
            Outcome::PeerGone => match self.remove(token) {
                Some(right) => PortSetEvent::PeerGone(token, right),
                None => return Err(RecvError::PeerGone),
            },
        })
    }
}
