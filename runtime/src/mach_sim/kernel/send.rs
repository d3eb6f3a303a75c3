//! `mach_msg`, send half (MACH.md M33–M44).

use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use super::kmsg::{BODY_SIZE, HEADER_SIZE, KDesc, KMsg};
use super::layout::{rd32, rd64, read_user};
use super::object::{Carried, KRight, Kobj, TaskId};
use super::recv::{MsgArgs, pseudo_receive, receive};
use super::transfer::copyin_type;
use super::{State, current, lock, wait, wake_all};
use crate::mach_sim::message::*;
use crate::mach_sim::port::{MACH_PORT_DEAD, MACH_PORT_NULL, MACH_PORT_QLIMIT_KERNEL};
use crate::mach_sys::extra::{MACH_PORT_TYPE_PORT_RIGHTS, MACH_SEND_INVALID_OPTIONS};

/// `IPC_KMSG_MAX_BODY_SPACE` (T12).
const MAX_SEND_SIZE: u32 = 50_331_580;
/// `IPC_KMSG_MAX_OOL_PORT_COUNT` (T12).
const MAX_RIGHTS: u64 = 16383;

/// A descriptor as the sender wrote it.
#[derive(Debug)]
enum RawDesc {
    Port {
        name: u32,
        disposition: u32,
    },
    Ool {
        addr: u64,
        size: u32,
        deallocate: bool,
        copy: u8,
        kind: u8,
    },
    OolPorts {
        addr: u64,
        count: u32,
        deallocate: bool,
        disposition: u32,
    },
    Guarded {
        name: u32,
        flags: u16,
    },
}

/// The header as the sender wrote it.
#[derive(Debug)]
struct RawHeader {
    bits: u32,
    remote: u32,
    local: u32,
    voucher: u32,
    id: i32,
}

fn is_send_disposition(d: u32) -> bool {
    (MACH_MSG_TYPE_MOVE_SEND..=MACH_MSG_TYPE_MAKE_SEND_ONCE).contains(&d)
}

fn valid(name: u32) -> bool {
    name != MACH_PORT_NULL && name != MACH_PORT_DEAD
}

/// Parses and checks the body (M34, M38): nothing is changed yet.
fn parse_body(buf: &[u8]) -> Result<(Vec<RawDesc>, usize), i32> {
    let size = buf.len();
    if size < (HEADER_SIZE + BODY_SIZE) as usize {
        return Err(MACH_SEND_MSG_TOO_SMALL);
    }
    let count = rd32(buf, HEADER_SIZE as usize) as usize;
    if count > (size - 28) / 12 {
        return Err(MACH_SEND_MSG_TOO_SMALL);
    }
    let mut descs = Vec::with_capacity(count);
    let mut off = 28;
    let mut rights: u64 = 0;
    for _ in 0..count {
        if off + 12 > size {
            return Err(MACH_SEND_MSG_TOO_SMALL);
        }
        let kind = u32::from(buf[off + 11]);
        if kind > MACH_MSG_GUARDED_PORT_DESCRIPTOR {
            return Err(MACH_SEND_INVALID_TYPE);
        }
        let len = if kind == MACH_MSG_PORT_DESCRIPTOR {
            12
        } else {
            16
        };
        if off + len > size {
            return Err(MACH_SEND_MSG_TOO_SMALL);
        }
        let desc = match kind {
            MACH_MSG_PORT_DESCRIPTOR => {
                rights += 1;
                RawDesc::Port {
                    name: rd32(buf, off),
                    disposition: u32::from(buf[off + 10]),
                }
            }
            MACH_MSG_OOL_DESCRIPTOR | MACH_MSG_OOL_VOLATILE_DESCRIPTOR => {
                let copy = buf[off + 9];
                if u32::from(copy) > MACH_MSG_VIRTUAL_COPY {
                    return Err(MACH_SEND_INVALID_TYPE);
                }
                RawDesc::Ool {
                    addr: rd64(buf, off),
                    deallocate: buf[off + 8] != 0,
                    copy,
                    kind: kind as u8,
                    size: rd32(buf, off + 12),
                }
            }
            MACH_MSG_OOL_PORTS_DESCRIPTOR => {
                let count = rd32(buf, off + 12);
                rights += u64::from(count);
                RawDesc::OolPorts {
                    addr: rd64(buf, off),
                    deallocate: buf[off + 8] != 0,
                    disposition: u32::from(buf[off + 10]),
                    count,
                }
            }
            _ => {
                let context = rd64(buf, off);
                let flags = u16::from_ne_bytes([buf[off + 8], buf[off + 9]]);
                let disposition = u32::from(buf[off + 10]);
                let flags32 = u32::from(flags);
                if disposition != MACH_MSG_TYPE_MOVE_RECEIVE
                    || flags32 == 0
                    || flags32 & !MACH_MSG_GUARD_FLAGS_MASK != 0
                    || (flags32 & MACH_MSG_GUARD_FLAGS_UNGUARDED_ON_SEND != 0 && context != 0)
                {
                    return Err(MACH_SEND_INVALID_TYPE);
                }
                rights += 1;
                RawDesc::Guarded {
                    name: rd32(buf, off + 12),
                    flags,
                }
            }
        };
        descs.push(desc);
        off += len;
    }
    if rights > MAX_RIGHTS {
        return Err(MACH_SEND_TOO_LARGE);
    }
    Ok((descs, off))
}

impl State {
    /// Header validation (M35, M36); nothing is changed.
    fn check_header(&self, task: TaskId, h: &RawHeader) -> Result<(), i32> {
        let remote_type = MACH_MSGH_BITS_REMOTE_MASK & h.bits;
        let local_type = (h.bits & MACH_MSGH_BITS_LOCAL_MASK) >> 8;
        let voucher_type = (h.bits & MACH_MSGH_BITS_VOUCHER_MASK) >> 16;
        if (local_type == 0 && h.local != 0)
            || (local_type != 0 && !is_send_disposition(local_type))
        {
            return Err(MACH_SEND_INVALID_HEADER);
        }
        if !matches!(
            voucher_type,
            0 | MACH_MSG_TYPE_MOVE_SEND | MACH_MSG_TYPE_COPY_SEND
        ) || h.voucher == MACH_PORT_DEAD
        {
            return Err(MACH_SEND_INVALID_VOUCHER);
        }
        if !is_send_disposition(remote_type) {
            return Err(MACH_SEND_INVALID_HEADER);
        }
        if !valid(h.remote) {
            return Err(MACH_SEND_INVALID_DEST);
        }
        let send_once = MACH_MSG_TYPE_MOVE_SEND_ONCE;
        if voucher_type != 0 && h.remote == h.voucher && !matches!(remote_type, 17 | 19) {
            return Err(MACH_SEND_INVALID_DEST);
        }
        if h.remote == h.local && (remote_type == send_once || local_type == send_once) {
            return Err(MACH_SEND_INVALID_DEST);
        }
        if voucher_type != 0 && valid(h.local) && h.local == h.voucher {
            return Err(MACH_SEND_INVALID_REPLY);
        }
        if voucher_type != 0 && h.voucher != MACH_PORT_NULL {
            return Err(MACH_SEND_INVALID_VOUCHER);
        }
        let space = self.space(task).ok_or(MACH_SEND_INVALID_DEST)?;
        let dest = space.get(h.remote).ok_or(MACH_SEND_INVALID_DEST)?;
        if dest.bits & MACH_PORT_TYPE_PORT_RIGHTS == 0 {
            return Err(MACH_SEND_INVALID_DEST);
        }
        let both_move = h.remote == h.local
            && remote_type == MACH_MSG_TYPE_MOVE_SEND
            && local_type == MACH_MSG_TYPE_MOVE_SEND;
        if valid(h.local) {
            self.copyin_check(task, h.local, local_type, 1)
                .map_err(|_| MACH_SEND_INVALID_REPLY)?;
        }
        self.copyin_check(task, h.remote, remote_type, if both_move { 2 } else { 1 })
            .map_err(|_| MACH_SEND_INVALID_DEST)
    }

    /// Copies the header rights in, atomically (M36).
    fn copyin_header(&mut self, task: TaskId, h: &RawHeader) -> (KRight, Carried) {
        let remote_type = h.bits & MACH_MSGH_BITS_REMOTE_MASK;
        let local_type = (h.bits & MACH_MSGH_BITS_LOCAL_MASK) >> 8;
        let take = |s: &mut State, name: u32, t: u32| {
            if valid(name) {
                s.copyin(task, name, t).unwrap_or(Carried::Null)
            } else if name == MACH_PORT_DEAD {
                Carried::Dead
            } else {
                Carried::Null
            }
        };
        let moves = |t: u32| t == MACH_MSG_TYPE_MOVE_SEND || t == MACH_MSG_TYPE_MOVE_SEND_ONCE;
        let (dest, reply) = if h.remote == h.local && moves(remote_type) && !moves(local_type) {
            let reply = take(self, h.local, local_type);
            (take(self, h.remote, remote_type), reply)
        } else {
            let dest = take(self, h.remote, remote_type);
            (dest, take(self, h.local, local_type))
        };
        let dest = match dest {
            Carried::Right(right) => right,
            // Checked by `check_header`; cannot happen.
            _ => KRight::SendOnce(super::object::PortId(0)),
        };
        (dest, reply)
    }

    /// Copies the body in (M40): on failure the header rights and the
    /// descriptors already copied in are destroyed.
    fn copyin_body(
        &mut self,
        task: TaskId,
        raw: Vec<RawDesc>,
    ) -> Result<Vec<KDesc>, (i32, Vec<KDesc>)> {
        let mut out = Vec::with_capacity(raw.len());
        for desc in raw {
            let slot = |s: &mut State, name: u32, d: u32| -> Result<Carried, ()> {
                if name == MACH_PORT_NULL {
                    Ok(Carried::Null)
                } else if name == MACH_PORT_DEAD {
                    Ok(Carried::Dead)
                } else {
                    s.copyin(task, name, d).map_err(|_| ())
                }
            };
            let kdesc = match desc {
                RawDesc::Port { name, disposition } => match slot(self, name, disposition) {
                    Ok(right) => KDesc::Port {
                        right,
                        disposition: copyin_type(disposition) as u8,
                    },
                    Err(()) => return Err((MACH_SEND_INVALID_RIGHT, out)),
                },
                RawDesc::Ool {
                    addr,
                    size,
                    deallocate,
                    copy,
                    kind,
                } => {
                    if size > 0 && addr == 0 {
                        return Err((MACH_SEND_INVALID_MEMORY, out));
                    }
                    // SAFETY: the sender declared `size` readable bytes at
                    // `addr` (the mach_msg contract).
                    let data = unsafe { read_user(addr, size as usize) };
                    if deallocate && size > 0 {
                        let _ = self.vm.deallocate(task, addr, u64::from(size));
                    }
                    KDesc::Ool { data, copy, kind }
                }
                RawDesc::OolPorts {
                    addr,
                    count,
                    deallocate,
                    disposition,
                } => {
                    if count > 0 && addr == 0 {
                        return Err((MACH_SEND_INVALID_MEMORY, out));
                    }
                    // SAFETY: the sender declared `count` names at `addr`.
                    let bytes = unsafe { read_user(addr, count as usize * 4) };
                    if deallocate && count > 0 {
                        let _ = self.vm.deallocate(task, addr, u64::from(count) * 4);
                    }
                    let mut rights = Vec::with_capacity(count as usize);
                    for i in 0..count as usize {
                        match slot(self, rd32(&bytes, i * 4), disposition) {
                            Ok(right) => rights.push(right),
                            Err(()) => {
                                out.push(KDesc::OolPorts {
                                    rights,
                                    disposition: 0,
                                });
                                return Err((MACH_SEND_INVALID_RIGHT, out));
                            }
                        }
                    }
                    KDesc::OolPorts {
                        rights,
                        disposition: copyin_type(disposition) as u8,
                    }
                }
                RawDesc::Guarded { name, flags } => {
                    match slot(self, name, MACH_MSG_TYPE_MOVE_RECEIVE) {
                        Ok(right) => KDesc::Guarded { right, flags },
                        Err(()) => return Err((MACH_SEND_INVALID_RIGHT, out)),
                    }
                }
            };
            out.push(kdesc);
        }
        Ok(out)
    }

    /// The trailer identity of a task's messages (M49).
    fn sender_of(&self, task: TaskId) -> super::kmsg::Sender {
        let pid = self.tasks.get(&task).map_or(0, |t| t.pid);
        let c = super::creds();
        super::kmsg::Sender {
            security: [c.euid, c.egid],
            audit: [c.ruid, c.euid, c.egid, c.ruid, c.rgid, pid, 0, task.0],
        }
    }
}

/// Where a send ended.
enum Outcome {
    Done(i32),
    /// Failed after copy-in: the message goes back to the sender (M42).
    Returned(i32, KMsg),
}

/// Queues `msg` on its destination, blocking while the queue is full
/// (M41).
fn deliver(
    mut guard: MutexGuard<'static, State>,
    mut msg: KMsg,
    option: i32,
    timeout: u32,
    always: bool,
) -> (MutexGuard<'static, State>, Outcome) {
    if guard.is_circular(&msg) {
        guard.destroy_kmsg(msg);
        return (guard, Outcome::Done(MACH_MSG_SUCCESS));
    }
    let deadline = (option & MACH_SEND_TIMEOUT != 0)
        .then(|| Instant::now() + Duration::from_millis(u64::from(timeout)));
    let dest = msg.dest;
    loop {
        let state = match guard.port(dest.port()) {
            Some(p) if p.active => Some((p.queue.len() as u32, p.qlimit)),
            _ => None,
        };
        let Some((len, qlimit)) = state else {
            guard.destroy_kmsg(msg);
            return (guard, Outcome::Done(MACH_MSG_SUCCESS));
        };
        if len >= MACH_PORT_QLIMIT_KERNEL {
            return (guard, Outcome::Returned(MACH_SEND_NO_BUFFER, msg));
        }
        if matches!(dest, KRight::SendOnce(_)) || always || len < qlimit {
            if let Some(p) = guard.port_mut(dest.port()) {
                p.queue.push_back(msg);
            }
            return (guard, Outcome::Done(MACH_MSG_SUCCESS));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return (guard, Outcome::Returned(MACH_SEND_TIMED_OUT, msg));
        }
        // While the sender waits the kernel holds the message (for the
        // audit, and so that a dying port can be seen to own nothing).
        let key = guard.fresh_id();
        guard.in_flight.insert(key, msg);
        guard = wait(guard, deadline).0;
        match guard.in_flight.remove(&key) {
            Some(m) => msg = m,
            None => return (guard, Outcome::Done(MACH_MSG_SUCCESS)),
        }
    }
}

/// The send half of `mach_msg`.
///
/// # Safety
///
/// `args.msg` must be readable for `args.send_size` bytes, and writable
/// for them too (a failed send may rewrite the buffer, M42).
unsafe fn send(args: &MsgArgs) -> i32 {
    let size = args.send_size;
    if size < HEADER_SIZE || size % 4 != 0 {
        return MACH_SEND_MSG_TOO_SMALL;
    }
    if size > MAX_SEND_SIZE {
        return MACH_SEND_TOO_LARGE;
    }
    // SAFETY: the caller guarantees `send_size` readable bytes.
    let buf = unsafe { std::slice::from_raw_parts(args.msg, size as usize) }.to_vec();
    let header = RawHeader {
        bits: rd32(&buf, 0) & MACH_MSGH_BITS_USER,
        remote: rd32(&buf, 8),
        local: rd32(&buf, 12),
        voucher: rd32(&buf, 16),
        id: rd32(&buf, 20) as i32,
    };
    let complex = header.bits & MACH_MSGH_BITS_COMPLEX != 0;
    let (raw, data_start) = if complex {
        match parse_body(&buf) {
            Ok(parsed) => parsed,
            Err(code) => return code,
        }
    } else {
        (Vec::new(), HEADER_SIZE as usize)
    };
    let task = current();
    let mut guard = lock();
    if let Err(code) = guard.check_header(task, &header) {
        return code;
    }
    let mut always = false;
    let remote_type = header.bits & MACH_MSGH_BITS_REMOTE_MASK;
    if args.option & MACH_SEND_NOTIFY != 0 && remote_type != MACH_MSG_TYPE_MOVE_SEND_ONCE {
        let port = guard
            .space(task)
            .and_then(|s| s.get(header.remote))
            .and_then(|e| e.port());
        if let Some(port) = port {
            always = guard.arm_send_possible(task, header.remote, port);
        }
    }
    let (dest, reply) = guard.copyin_header(task, &header);
    let local_type = (header.bits & MACH_MSGH_BITS_LOCAL_MASK) >> 8;
    if guard
        .port(dest.port())
        .is_some_and(|p| p.kobj != Kobj::None)
    {
        guard.release(dest);
        guard.release_carried(reply);
        drop(guard);
        wake_all();
        return MACH_SEND_INVALID_OPTIONS;
    }
    let descs = match guard.copyin_body(task, raw) {
        Ok(descs) => descs,
        Err((code, done)) => {
            guard.release(dest);
            guard.release_carried(reply);
            guard.destroy_descs(done);
            drop(guard);
            wake_all();
            return code;
        }
    };
    let voucher_type = (header.bits & MACH_MSGH_BITS_VOUCHER_MASK) >> 16;
    let msg = KMsg {
        bits: header.bits & !MACH_MSGH_BITS_PORTS_MASK,
        dest,
        reply,
        reply_type: if valid(header.local) || header.local == MACH_PORT_DEAD {
            copyin_type(local_type)
        } else {
            0
        },
        voucher: if voucher_type == 0 { header.voucher } else { 0 },
        id: header.id,
        descs,
        data: buf[data_start..].to_vec(),
        sender: guard.sender_of(task),
        seqno: 0,
    };
    wake_all();
    let (mut guard, outcome) = deliver(guard, msg, args.option, args.timeout, always);
    let code = match outcome {
        Outcome::Done(code) => code,
        // SAFETY: the send buffer is writable by the caller's contract.
        Outcome::Returned(code, msg) => unsafe {
            pseudo_receive(&mut guard, task, msg, args.msg, code)
        },
    };
    drop(guard);
    wake_all();
    code
}

/// `mach_msg`: send, then receive (M53).
///
/// # Safety
///
/// See [`crate::mach_sim::message::mach_msg`].
pub(crate) unsafe fn mach_msg(args: MsgArgs) -> i32 {
    if args.option & MACH_SEND_MSG != 0 {
        if args.msg.is_null() {
            return MACH_SEND_INVALID_DATA;
        }
        // SAFETY: passed on from the caller.
        let code = unsafe { send(&args) };
        if code != MACH_MSG_SUCCESS {
            return code;
        }
    }
    if args.option & MACH_RCV_MSG != 0 {
        if args.msg.is_null() {
            return MACH_RCV_INVALID_DATA;
        }
        // SAFETY: passed on from the caller.
        return unsafe { receive(&args) };
    }
    MACH_MSG_SUCCESS
}
