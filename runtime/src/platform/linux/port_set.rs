//! Port sets: one wait over many receive rights (an epoll instance).

use std::collections::HashMap;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rustix::event::epoll;

use super::handle_fd;
use crate::platform::{PortSetEvent, RecvError, Token};
use crate::right::{ReceiveRight, SendRight};

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
    epoll: OwnedFd,
    members: Mutex<HashMap<u64, ReceiveRight>>,
    /// Duplicates of watched send ends, kept until their one event fires.
    writers: Mutex<HashMap<u64, OwnedFd>>,
    next: AtomicU64,
}

impl PortSet {
    /// An empty set.
    pub fn new() -> io::Result<PortSet> {
        Ok(PortSet {
            epoll: epoll::create(epoll::CreateFlags::CLOEXEC)?,
            members: Mutex::new(HashMap::new()),
            writers: Mutex::new(HashMap::new()),
            next: AtomicU64::new(0),
        })
    }

    /// Adds `right` to the set.
    pub fn insert(&self, right: ReceiveRight) -> io::Result<Token> {
        let token = self.next.fetch_add(1, Ordering::Relaxed);
        epoll::add(
            &self.epoll,
            handle_fd(&right.handle)?,
            epoll::EventData::new_u64(token),
            epoll::EventFlags::IN | epoll::EventFlags::RDHUP,
        )?;
        self.lock().insert(token, right);
        Ok(Token(token))
    }

    /// Takes a member out of the set.
    pub fn remove(&self, token: Token) -> Option<ReceiveRight> {
        let right = self.lock().remove(&token.0)?;
        if let Ok(fd) = handle_fd(&right.handle) {
            let _ = epoll::delete(&self.epoll, fd);
        }
        Some(right)
    }

    /// Stops waiting on a member without taking it out: what arrives for
    /// it stays in its queue (and its senders meet a full queue) until
    /// [`PortSet::resume`].
    pub fn pause(&self, token: Token) -> io::Result<()> {
        let members = self.lock();
        let Some(right) = members.get(&token.0) else {
            return Ok(());
        };
        epoll::delete(&self.epoll, handle_fd(&right.handle)?)?;
        Ok(())
    }

    /// Waits on a paused member again, with its old token.
    pub fn resume(&self, token: Token) -> io::Result<()> {
        let members = self.lock();
        let Some(right) = members.get(&token.0) else {
            return Ok(());
        };
        epoll::add(
            &self.epoll,
            handle_fd(&right.handle)?,
            epoll::EventData::new_u64(token.0),
            epoll::EventFlags::IN | epoll::EventFlags::RDHUP,
        )?;
        Ok(())
    }

    /// Reports [`PortSetEvent::Writable`] once, when the port `send` sends
    /// to can take a message again (or its receiver is gone, which the next
    /// send then reports). For resuming sends that met a full queue.
    pub fn watch_writable(&self, send: &SendRight) -> io::Result<Token> {
        let token = self.next.fetch_add(1, Ordering::Relaxed);
        // A duplicate, so the watch outlives any use of `send` meanwhile.
        let watched = handle_fd(&send.handle)?.try_clone_to_owned()?;
        epoll::add(
            &self.epoll,
            &watched,
            epoll::EventData::new_u64(token),
            epoll::EventFlags::OUT | epoll::EventFlags::ONESHOT,
        )?;
        lock(&self.writers).insert(token, watched);
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, ReceiveRight>> {
        // A panic while holding the lock cannot leave the map inconsistent
        // (every operation on it is a single insert or remove).
        self.members
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits up to `timeout` (forever with `None`) for the next event on any
    /// member ([`RecvError::Timeout`] when none came).
    pub fn recv(&self, timeout: Option<Duration>) -> Result<PortSetEvent, RecvError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let wait = deadline.map(super::time_left);
            let mut space = [MaybeUninit::<epoll::Event>::uninit(); 1];
            let token = match epoll::wait(&self.epoll, &mut space, wait.as_ref()) {
                Ok((ready, _)) => match ready.first() {
                    Some(event) => event.data.u64(),
                    None => return Err(RecvError::Timeout),
                },
                Err(rustix::io::Errno::INTR) => continue,
                Err(errno) => return Err(RecvError::Io(errno.into())),
            };
            if let Some(watched) = lock(&self.writers).remove(&token) {
                let _ = epoll::delete(&self.epoll, &watched);
                return Ok(PortSetEvent::Writable(Token(token)));
            }
            let mut members = self.lock();
            let Some(right) = members.get(&token) else {
                continue;
            };
            match right.try_recv() {
                Ok(received) => return Ok(PortSetEvent::Message(Token(token), received)),
                // Readiness without a message: another thread took it.
                Err(RecvError::Timeout) => continue,
                Err(RecvError::Malformed(reason)) => {
                    return Ok(PortSetEvent::Malformed(Token(token), reason));
                }
                Err(RecvError::PeerGone) => {
                    let right = members.remove(&token);
                    drop(members);
                    if let Some(right) = right {
                        if let Ok(fd) = handle_fd(&right.handle) {
                            let _ = epoll::delete(&self.epoll, fd);
                        }
                        return Ok(PortSetEvent::PeerGone(Token(token), right));
                    }
                }
                Err(other) => return Err(other),
            }
        }
    }
}
