//! `mach_msg`, receive half (MACH.md M45–M50), and the pseudo-receive of
//! a failed send (M42).

use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use super::kmsg::{HEADER_SIZE, KDesc, KMsg, Sender, received_disposition};
use super::layout::{put32, put64, set32, write_user};
use super::object::{Carried, KRight, PortId, Receiver, SetId, TaskId};
use super::{State, current, lock, wait, wake_all};
use crate::mach_sim::message::*;
use crate::mach_sim::port::{MACH_PORT_DEAD, MACH_PORT_NULL};
use crate::mach_sys::extra::{MACH_PORT_TYPE_PORT_SET, MACH_PORT_TYPE_RECEIVE};

/// The arguments of one `mach_msg` call.
#[derive(Debug)]
pub(crate) struct MsgArgs {
    pub(crate) msg: *mut u8,
    pub(crate) option: i32,
    pub(crate) send_size: u32,
    pub(crate) recv_size: u32,
    pub(crate) recv_name: u32,
    pub(crate) timeout: u32,
}

/// What a receive waits on.
#[derive(Clone, Copy, Debug)]
enum Source {
    Port(PortId, u64),
    Set(SetId),
}

/// The trailer size for `MACH_RCV_TRAILER_ELEMENTS(elements)` (T10).
fn trailer_size(elements: u32) -> u32 {
    match elements {
        0 => 8,
        1 => 12,
        2 => 20,
        3 => 52,
        4 => 60,
        _ => 68,
    }
}

/// A format-0 trailer of `size` bytes (M49).
fn trailer(size: u32, seqno: u32, sender: &Sender, context: u64) -> Vec<u8> {
    let mut t = Vec::with_capacity(68);
    put32(&mut t, MACH_MSG_TRAILER_FORMAT_0);
    put32(&mut t, size);
    put32(&mut t, seqno);
    for v in sender.security.iter().chain(sender.audit.iter()) {
        put32(&mut t, *v);
    }
    put64(&mut t, context);
    put32(&mut t, 0);
    put32(&mut t, 0);
    t.truncate(size as usize);
    t
}

fn dest_type(dest: KRight) -> u32 {
    u32::from(received_disposition(dest))
}

fn reply_type(msg: &KMsg) -> u32 {
    match msg.reply {
        Carried::Right(right) => u32::from(received_disposition(right)),
        Carried::Dead => msg.reply_type,
        Carried::Null => 0,
    }
}

/// Writes a header.
fn header(out: &mut Vec<u8>, bits: u32, size: u32, remote: u32, local: u32, voucher: u32, id: i32) {
    for v in [bits, size, remote, local, voucher, id as u32] {
        put32(out, v);
    }
}

impl State {
    fn resolve_source(&self, task: TaskId, name: u32) -> Option<Source> {
        let entry = self.space(task)?.get(name)?;
        if entry.bits & MACH_PORT_TYPE_RECEIVE != 0 {
            let port = entry.port()?;
            Some(Source::Port(port, self.port(port)?.epoch))
        } else if entry.bits & MACH_PORT_TYPE_PORT_SET != 0 {
            Some(Source::Set(entry.set()?))
        } else {
            None
        }
    }

    /// Whether what the receiver waits on is still there (M45).
    fn source_valid(&self, task: TaskId, name: u32, source: Source) -> bool {
        match source {
            Source::Port(port, epoch) => self.port(port).is_some_and(|p| {
                p.active && p.epoch == epoch && p.receiver == Receiver::Space(task, name)
            }),
            Source::Set(set) => {
                self.sets.contains_key(&set)
                    && self
                        .space(task)
                        .and_then(|s| s.get(name))
                        .is_some_and(|e| e.set() == Some(set))
            }
        }
    }

    /// The port the next message comes from, rotating among set members.
    fn pick(&mut self, source: Source) -> Option<PortId> {
        match source {
            Source::Port(port, _) => self
                .port(port)
                .is_some_and(|p| !p.queue.is_empty())
                .then_some(port),
            Source::Set(set) => {
                let s = self.sets.get(&set)?;
                let n = s.members.len();
                let start = s.cursor;
                let found = (0..n)
                    .map(|k| (start + k) % n)
                    .find(|&i| self.port(s.members[i]).is_some_and(|p| !p.queue.is_empty()))?;
                let port = s.members[found];
                if let Some(s) = self.sets.get_mut(&set) {
                    s.cursor = found + 1;
                }
                Some(port)
            }
        }
    }

    /// `task`'s name for the receive right of `port` (M48).
    fn local_name(&self, task: TaskId, port: PortId) -> u32 {
        match self.port(port) {
            Some(p) if !p.active => MACH_PORT_DEAD,
            Some(p) => match p.receiver {
                Receiver::Space(t, name) if t == task => name,
                _ => MACH_PORT_NULL,
            },
            None => MACH_PORT_DEAD,
        }
    }

    /// Copies descriptors out into `task` and lays them out (M50).
    fn copyout_body(&mut self, task: TaskId, descs: Vec<KDesc>, option: i32) -> Vec<u8> {
        let mut out = Vec::new();
        put32(&mut out, descs.len() as u32);
        for desc in descs {
            match desc {
                KDesc::Port { right, disposition } => {
                    let disposition = match right {
                        Carried::Right(r) => received_disposition(r),
                        _ => disposition,
                    };
                    put32(&mut out, self.copyout_carried(task, right));
                    put32(&mut out, 0);
                    out.extend_from_slice(&[0, 0, disposition, MACH_MSG_PORT_DESCRIPTOR as u8]);
                }
                KDesc::Ool { data, copy, kind } => {
                    let addr = self.vm_copy_in_task(task, &data).unwrap_or(0);
                    put64(&mut out, addr);
                    let deallocate = u8::from(u32::from(copy) == MACH_MSG_VIRTUAL_COPY);
                    out.extend_from_slice(&[deallocate, copy, 0, kind]);
                    put32(&mut out, data.len() as u32);
                }
                KDesc::OolPorts {
                    rights,
                    disposition,
                } => {
                    let names: Vec<u8> = rights
                        .iter()
                        .flat_map(|&r| self.copyout_carried(task, r).to_ne_bytes())
                        .collect();
                    let addr = self.vm_copy_in_task(task, &names).unwrap_or(0);
                    put64(&mut out, addr);
                    out.extend_from_slice(&[
                        1,
                        MACH_MSG_VIRTUAL_COPY as u8,
                        disposition,
                        MACH_MSG_OOL_PORTS_DESCRIPTOR as u8,
                    ]);
                    put32(&mut out, rights.len() as u32);
                }
                KDesc::Guarded { right, flags } => {
                    let name = if option & MACH_RCV_GUARDED_DESC != 0 {
                        self.copyout_carried(task, right)
                    } else {
                        self.release_carried(right);
                        0
                    };
                    put64(&mut out, 0);
                    out.extend_from_slice(&flags.to_ne_bytes());
                    out.extend_from_slice(&[
                        MACH_MSG_TYPE_PORT_RECEIVE as u8,
                        MACH_MSG_GUARDED_PORT_DESCRIPTOR as u8,
                    ]);
                    put32(&mut out, name);
                }
            }
        }
        out
    }

    /// Dequeues the head of `port`, stamping its sequence number (M46).
    fn dequeue(&mut self, port: PortId) -> Option<KMsg> {
        let p = self.port_mut(port)?;
        let mut msg = p.queue.pop_front()?;
        msg.seqno = p.seqno;
        p.seqno = p.seqno.wrapping_add(1);
        Some(msg)
    }

    /// Consumes the destination right of a received message (M48).
    fn consume_dest(&mut self, dest: KRight) {
        match dest {
            KRight::Send(port) => self.release_send(port),
            KRight::SendOnce(port) => {
                if let Some(p) = self.port_mut(port) {
                    p.sorights = p.sorights.saturating_sub(1);
                }
                self.gc(port);
            }
            KRight::Receive(port) => self.destroy_receive(port),
        }
    }

    /// Receives the head of `port` into a buffer image (M48–M50).
    fn receive_from(
        &mut self,
        task: TaskId,
        port: PortId,
        option: i32,
        tsize: u32,
    ) -> Option<Vec<u8>> {
        let msg = self.dequeue(port)?;
        self.fire_send_possible(port);
        let context = self.port(port).map_or(0, |p| p.context);
        let local = self.local_name(task, port);
        let bits = MACH_MSGH_BITS(reply_type(&msg), dest_type(msg.dest)) | msg.bits;
        let size = msg.size();
        let KMsg {
            dest,
            reply,
            voucher,
            id,
            descs,
            data,
            sender,
            seqno,
            ..
        } = msg;
        self.consume_dest(dest);
        let remote = self.copyout_carried(task, reply);
        let mut out = Vec::with_capacity(size as usize + tsize as usize);
        header(&mut out, bits, size, remote, local, voucher, id);
        if bits & MACH_MSGH_BITS_COMPLEX != 0 {
            let body = self.copyout_body(task, descs, option);
            out.extend_from_slice(&body);
        }
        out.extend_from_slice(&data);
        out.extend_from_slice(&trailer(tsize, seqno, &sender, context));
        Some(out)
    }

    /// Drops a message too large for the buffer (M47 without
    /// `MACH_RCV_LARGE`): a bare header and a kernel trailer remain.
    fn receive_too_large(&mut self, task: TaskId, port: PortId, tsize: u32) -> Option<Vec<u8>> {
        let msg = self.dequeue(port)?;
        let local = self.local_name(task, port);
        let bits = MACH_MSGH_BITS(reply_type(&msg), dest_type(msg.dest)) | msg.bits;
        let KMsg {
            dest,
            reply,
            id,
            descs,
            seqno,
            ..
        } = msg;
        self.release_carried(reply);
        self.destroy_descs(descs);
        self.consume_dest(dest);
        let mut out = Vec::new();
        header(&mut out, bits, HEADER_SIZE, 0, local, 0, id);
        out.extend_from_slice(&trailer(tsize, seqno, &Sender::KERNEL, 0));
        Some(out)
    }
}

/// The receive half of `mach_msg`.
///
/// # Safety
///
/// `args.msg` must be writable for `args.recv_size` bytes.
pub(crate) unsafe fn receive(args: &MsgArgs) -> i32 {
    let task = current();
    let option = args.option;
    let mut guard = lock();
    let Some(source) = guard.resolve_source(task, args.recv_name) else {
        return MACH_RCV_INVALID_NAME;
    };
    let deadline = (option & MACH_RCV_TIMEOUT != 0)
        .then(|| Instant::now() + Duration::from_millis(u64::from(args.timeout)));
    let port = loop {
        if !guard.source_valid(task, args.recv_name, source) {
            return MACH_RCV_PORT_CHANGED;
        }
        if let Some(port) = guard.pick(source) {
            break port;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return MACH_RCV_TIMED_OUT;
        }
        guard = wait(guard, deadline).0;
    };
    let tsize = trailer_size(((option as u32) >> 24) & 0xf);
    let size = guard
        .port(port)
        .and_then(|p| p.queue.front())
        .map_or(0, KMsg::size);
    let (code, image) = if args.recv_size < size + tsize {
        if option & MACH_RCV_LARGE != 0 {
            let local = guard.local_name(task, port);
            drop(guard);
            // SAFETY: the caller provides `recv_size` writable bytes; only
            // fields inside that size are written.
            unsafe { write_large(args, size, local) };
            return MACH_RCV_TOO_LARGE;
        }
        (
            MACH_RCV_TOO_LARGE,
            guard.receive_too_large(task, port, tsize),
        )
    } else {
        (
            MACH_MSG_SUCCESS,
            guard.receive_from(task, port, option, tsize),
        )
    };
    drop(guard);
    wake_all();
    if let Some(mut image) = image {
        image.truncate(args.recv_size as usize);
        // SAFETY: `image` is at most `recv_size` bytes, which the caller
        // guarantees writable.
        unsafe { write_user(args.msg, &image) };
    }
    code
}

/// `MACH_RCV_LARGE`: only the size (and identity) fields are written.
///
/// # Safety
///
/// `args.msg` must be writable for `args.recv_size` bytes.
unsafe fn write_large(args: &MsgArgs, size: u32, local: u32) {
    if args.recv_size >= 8 {
        // SAFETY: bytes 4..8 are inside the buffer.
        unsafe { write_user(args.msg.add(4), &size.to_ne_bytes()) };
    }
    if args.option & MACH_RCV_LARGE_IDENTITY != 0 && args.recv_size >= 16 {
        // SAFETY: bytes 12..16 are inside the buffer.
        unsafe { write_user(args.msg.add(12), &local.to_ne_bytes()) };
    }
}

/// Gives a message that could not be sent back to its sender (M42): its
/// rights and memory return to the sender's space and the send buffer is
/// rewritten, header not swapped, without trailer.
///
/// # Safety
///
/// `buf` must be writable for the message's size (the original send size).
pub(crate) unsafe fn pseudo_receive(
    state: &mut MutexGuard<'static, State>,
    task: TaskId,
    msg: KMsg,
    buf: *mut u8,
    code: i32,
) -> i32 {
    if !state.tasks.contains_key(&task) {
        state.destroy_kmsg(msg);
        return code;
    }
    let bits = MACH_MSGH_BITS(dest_type(msg.dest), reply_type(&msg)) | msg.bits;
    let size = msg.size();
    let KMsg {
        dest,
        reply,
        voucher,
        id,
        descs,
        data,
        ..
    } = msg;
    let remote = state.copyout(task, dest).unwrap_or(0);
    let local = state.copyout_carried(task, reply);
    let mut out = Vec::with_capacity(size as usize);
    header(
        &mut out,
        bits & MACH_MSGH_BITS_USER,
        size,
        remote,
        local,
        voucher,
        id,
    );
    if bits & MACH_MSGH_BITS_COMPLEX != 0 {
        let body = state.copyout_body(task, descs, MACH_RCV_GUARDED_DESC);
        out.extend_from_slice(&body);
    }
    out.extend_from_slice(&data);
    set32(&mut out, 4, size);
    // SAFETY: `out` is exactly the size of the message that was read from
    // `buf`, which the caller guarantees writable.
    unsafe { write_user(buf, &out) };
    code
}
