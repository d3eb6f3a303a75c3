//! What the conformance tests need beyond `mach_sys`: a fresh task per
//! test, message buffers, and leak checks.
//!
//! On the simulator every test runs in its own simulated task, so tests
//! can run in parallel and each can check that its task ends with exactly
//! the names it started with. On macOS the same tests would run in the
//! process itself (multi-task tests need the simulator).
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeSet;

#[cfg(not(target_vendor = "apple"))]
pub use machproto_runtime::mach_sim::{Task, move_right};
use machproto_runtime::mach_sys::extra::{
    MACH_PORT_TYPE_DNREQUEST, MACH_RCV_TRAILER_ELEMENTS, mach_port_get_refs, mach_port_names,
    mach_port_status_t, mach_port_type,
};
use machproto_runtime::mach_sys::kern_return::KERN_SUCCESS;
use machproto_runtime::mach_sys::mach_port::{
    mach_port_allocate, mach_port_deallocate, mach_port_extract_right, mach_port_get_attributes,
    mach_port_insert_right, mach_port_mod_refs, mach_port_request_notification,
};
use machproto_runtime::mach_sys::message::*;
use machproto_runtime::mach_sys::port::{
    MACH_PORT_NULL, MACH_PORT_RECEIVE_STATUS, MACH_PORT_RIGHT_RECEIVE, mach_port_name_t,
};
use machproto_runtime::mach_sys::traps::mach_task_self;
use machproto_runtime::mach_sys::vm::mach_vm_deallocate;

/// `msgh_bits` bits a sender may set (compare received bits masked).
pub const USER_BITS: u32 = 0x801F_1F1F;

pub fn me() -> mach_port_name_t {
    // SAFETY: reads the task's own name for its control port.
    unsafe { mach_task_self() }
}

/// The names of this task's space.
pub fn names() -> BTreeSet<u32> {
    let mut names: *mut u32 = std::ptr::null_mut();
    let mut types: *mut u32 = std::ptr::null_mut();
    let (mut n, mut t) = (0u32, 0u32);
    // SAFETY: all four out-pointers are locals; the arrays are freed below.
    let kr = unsafe { mach_port_names(me(), &mut names, &mut n, &mut types, &mut t) };
    assert_eq!(kr, KERN_SUCCESS);
    let list: BTreeSet<u32> = if n == 0 {
        BTreeSet::new()
    } else {
        // SAFETY: the kernel returned `n` names at `names`.
        unsafe { std::slice::from_raw_parts(names, n as usize) }
            .iter()
            .copied()
            .collect()
    };
    if n > 0 {
        // SAFETY: frees the two arrays the call allocated.
        unsafe {
            mach_vm_deallocate(me(), names as u64, u64::from(n) * 4);
            mach_vm_deallocate(me(), types as u64, u64::from(t) * 4);
        }
    }
    list
}

/// One test's environment: its own task (simulator) and the names it
/// started with. [`Env::finish`] checks that nothing leaked.
pub struct Env {
    #[cfg(not(target_vendor = "apple"))]
    task: &'static Task,
    #[cfg(not(target_vendor = "apple"))]
    _guard: machproto_runtime::mach_sim::TaskGuard<'static>,
    start: BTreeSet<u32>,
}

pub fn env() -> Env {
    #[cfg(not(target_vendor = "apple"))]
    {
        let task: &'static Task = Box::leak(Box::new(Task::new()));
        let guard = task.enter();
        Env {
            task,
            _guard: guard,
            start: names(),
        }
    }
    #[cfg(target_vendor = "apple")]
    Env { start: names() }
}

impl Env {
    /// The simulated task of this test.
    #[cfg(not(target_vendor = "apple"))]
    pub fn task(&self) -> &'static Task {
        self.task
    }

    /// Asserts the space is back to the names it started with, and (on
    /// the simulator) that the task holds no extra right or memory.
    pub fn finish(self) {
        assert_eq!(names(), self.start, "names leaked or lost");
        #[cfg(not(target_vendor = "apple"))]
        {
            assert_eq!(self.task.names(), Vec::new(), "rights leaked");
            assert_eq!(self.task.vm_regions(), 0, "memory leaked");
            assert_eq!(machproto_runtime::mach_sim::audit(), Ok(()));
            drop(self._guard);
            self.task.terminate();
        }
    }
}

pub fn port() -> mach_port_name_t {
    let mut name = MACH_PORT_NULL;
    // SAFETY: `name` is a local.
    let kr = unsafe { mach_port_allocate(me(), MACH_PORT_RIGHT_RECEIVE, &mut name) };
    assert_eq!(kr, KERN_SUCCESS);
    name
}

pub fn alloc(right: u32) -> mach_port_name_t {
    let mut name = MACH_PORT_NULL;
    // SAFETY: `name` is a local.
    let kr = unsafe { mach_port_allocate(me(), right, &mut name) };
    assert_eq!(kr, KERN_SUCCESS);
    name
}

pub fn kill(name: mach_port_name_t) {
    // SAFETY: plain values.
    assert_eq!(
        unsafe { mach_port_mod_refs(me(), name, MACH_PORT_RIGHT_RECEIVE, -1) },
        KERN_SUCCESS
    );
}

pub fn dealloc(name: mach_port_name_t) -> i32 {
    // SAFETY: plain values.
    unsafe { mach_port_deallocate(me(), name) }
}

pub fn mod_refs(name: mach_port_name_t, right: u32, delta: i32) -> i32 {
    // SAFETY: plain values.
    unsafe { mach_port_mod_refs(me(), name, right, delta) }
}

pub fn insert(name: mach_port_name_t, poly: mach_port_name_t, disposition: u32) -> i32 {
    // SAFETY: plain values.
    unsafe { mach_port_insert_right(me(), name, poly, disposition) }
}

pub fn make_send(name: mach_port_name_t) {
    assert_eq!(insert(name, name, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
}

/// `extract_right(self, name, disposition)` → (name, type).
pub fn extract(name: mach_port_name_t, disposition: u32) -> Result<(u32, u32), i32> {
    let (mut out, mut kind) = (0u32, 0u32);
    // SAFETY: out-pointers are locals.
    let kr = unsafe { mach_port_extract_right(me(), name, disposition, &mut out, &mut kind) };
    if kr == KERN_SUCCESS {
        Ok((out, kind))
    } else {
        Err(kr)
    }
}

pub fn send_once(receive: mach_port_name_t) -> mach_port_name_t {
    extract(receive, MACH_MSG_TYPE_MAKE_SEND_ONCE)
        .expect("make send-once")
        .0
}

pub fn refs(name: mach_port_name_t, right: u32) -> Result<u32, i32> {
    let mut refs = 0;
    // SAFETY: `refs` is a local.
    let kr = unsafe { mach_port_get_refs(me(), name, right, &mut refs) };
    if kr == KERN_SUCCESS {
        Ok(refs)
    } else {
        Err(kr)
    }
}

/// `mach_port_type` without the request bit.
pub fn ty(name: mach_port_name_t) -> Result<u32, i32> {
    raw_ty(name).map(|t| t & !MACH_PORT_TYPE_DNREQUEST)
}

pub fn raw_ty(name: mach_port_name_t) -> Result<u32, i32> {
    let mut t = 0;
    // SAFETY: `t` is a local.
    let kr = unsafe { mach_port_type(me(), name, &mut t) };
    if kr == KERN_SUCCESS { Ok(t) } else { Err(kr) }
}

pub fn status(name: mach_port_name_t) -> mach_port_status_t {
    let mut status = mach_port_status_t::default();
    let mut count = 10;
    // SAFETY: `status` has room for `count` integers.
    let kr = unsafe {
        mach_port_get_attributes(
            me(),
            name,
            MACH_PORT_RECEIVE_STATUS,
            (&raw mut status).cast(),
            &mut count,
        )
    };
    assert_eq!(kr, KERN_SUCCESS);
    status
}

/// Requests a notification with a fresh send-once right made from
/// `notify`; returns the result and the previous registration's name.
pub fn request(name: u32, msgid: i32, sync: u32, notify: u32) -> (i32, u32) {
    let mut previous = MACH_PORT_NULL;
    // SAFETY: `previous` is a local.
    let kr = unsafe {
        mach_port_request_notification(
            me(),
            name,
            msgid,
            sync,
            notify,
            MACH_MSG_TYPE_MAKE_SEND_ONCE,
            &mut previous,
        )
    };
    (kr, previous)
}

/// A message buffer with 8-byte alignment.
#[derive(Clone)]
pub struct Buf {
    words: Vec<u64>,
}

impl Buf {
    pub fn zeroed(len: usize) -> Buf {
        Buf {
            words: vec![0; len.div_ceil(8) + 1],
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Buf {
        let mut buf = Buf::zeroed(bytes.len());
        buf.bytes_mut()[..bytes.len()].copy_from_slice(bytes);
        buf
    }

    pub fn filled(len: usize, byte: u8) -> Buf {
        let mut buf = Buf::zeroed(len);
        buf.bytes_mut().fill(byte);
        buf
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the words are plain memory of `len * 8` bytes.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast(), self.words.len() * 8) }
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above, uniquely borrowed.
        unsafe {
            std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast(), self.words.len() * 8)
        }
    }

    pub fn ptr(&mut self) -> *mut mach_msg_header_t {
        self.words.as_mut_ptr().cast()
    }

    pub fn u32_at(&self, off: usize) -> u32 {
        u32::from_ne_bytes(self.bytes()[off..off + 4].try_into().unwrap())
    }

    pub fn u64_at(&self, off: usize) -> u64 {
        u64::from_ne_bytes(self.bytes()[off..off + 8].try_into().unwrap())
    }

    pub fn u8_at(&self, off: usize) -> u8 {
        self.bytes()[off]
    }

    pub fn set_u32(&mut self, off: usize, v: u32) {
        self.bytes_mut()[off..off + 4].copy_from_slice(&v.to_ne_bytes());
    }

    pub fn bits(&self) -> u32 {
        self.u32_at(0)
    }
    pub fn size(&self) -> u32 {
        self.u32_at(4)
    }
    pub fn remote(&self) -> u32 {
        self.u32_at(8)
    }
    pub fn local(&self) -> u32 {
        self.u32_at(12)
    }
    pub fn voucher(&self) -> u32 {
        self.u32_at(16)
    }
    pub fn id(&self) -> i32 {
        self.u32_at(20) as i32
    }
    /// The `u32` at `off` after the 24-byte header (NDR bodies put the
    /// value at 8).
    pub fn body_u32(&self, off: usize) -> u32 {
        self.u32_at(24 + off)
    }
}

/// Builds a message in the packed C layout.
#[derive(Default)]
pub struct Msg {
    pub bits: u32,
    pub remote: u32,
    pub local: u32,
    pub voucher: u32,
    pub id: i32,
    descs: Vec<u8>,
    count: u32,
    pub data: Vec<u8>,
}

impl Msg {
    pub fn to(remote: u32, disposition: u32) -> Msg {
        Msg {
            bits: disposition,
            remote,
            ..Msg::default()
        }
    }

    pub fn reply(mut self, local: u32, disposition: u32) -> Msg {
        self.local = local;
        self.bits |= disposition << 8;
        self
    }

    pub fn id(mut self, id: i32) -> Msg {
        self.id = id;
        self
    }

    pub fn data(mut self, data: &[u8]) -> Msg {
        self.data = data.to_vec();
        self
    }

    pub fn port(mut self, name: u32, disposition: u32) -> Msg {
        let d = mach_msg_port_descriptor_t::new(name, disposition);
        self.descs.extend_from_slice(&d.name.to_ne_bytes());
        self.descs
            .extend_from_slice(&[0, 0, 0, 0, 0, 0, d.disposition, d.type_]);
        self.count += 1;
        self
    }

    pub fn ool(mut self, address: u64, size: u32, deallocate: bool, copy: u32) -> Msg {
        self.descs.extend_from_slice(&address.to_ne_bytes());
        self.descs.extend_from_slice(&[
            u8::from(deallocate),
            copy as u8,
            0,
            MACH_MSG_OOL_DESCRIPTOR as u8,
        ]);
        self.descs.extend_from_slice(&size.to_ne_bytes());
        self.count += 1;
        self
    }

    pub fn ool_ports(
        mut self,
        address: u64,
        count: u32,
        disposition: u32,
        deallocate: bool,
    ) -> Msg {
        self.descs.extend_from_slice(&address.to_ne_bytes());
        self.descs.extend_from_slice(&[
            u8::from(deallocate),
            MACH_MSG_PHYSICAL_COPY as u8,
            disposition as u8,
            MACH_MSG_OOL_PORTS_DESCRIPTOR as u8,
        ]);
        self.descs.extend_from_slice(&count.to_ne_bytes());
        self.count += 1;
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let complex = self.count > 0 || self.bits & MACH_MSGH_BITS_COMPLEX != 0;
        let bits = if complex {
            self.bits | MACH_MSGH_BITS_COMPLEX
        } else {
            self.bits
        };
        let mut out = Vec::new();
        for v in [
            bits,
            0,
            self.remote,
            self.local,
            self.voucher,
            self.id as u32,
        ] {
            out.extend_from_slice(&v.to_ne_bytes());
        }
        if complex {
            out.extend_from_slice(&self.count.to_ne_bytes());
            out.extend_from_slice(&self.descs);
        }
        out.extend_from_slice(&self.data);
        let size = out.len() as u32;
        out[4..8].copy_from_slice(&size.to_ne_bytes());
        out
    }

    /// Sends with `MACH_SEND_TIMEOUT` 0 (never blocks).
    pub fn send(&self) -> i32 {
        self.send_with(MACH_SEND_MSG | MACH_SEND_TIMEOUT, 0).0
    }

    /// Sends with options and timeout; returns the code and the buffer
    /// (rewritten by a pseudo-receive).
    pub fn send_with(&self, option: i32, timeout: u32) -> (i32, Buf) {
        let bytes = self.bytes();
        let mut buf = Buf::from_bytes(&bytes);
        // SAFETY: `buf` holds the whole message.
        let kr = unsafe { mach_msg(buf.ptr(), option, bytes.len() as u32, 0, 0, timeout, 0) };
        (kr, buf)
    }
}

/// Receives on `name` into a buffer of `size` bytes, without waiting.
pub fn recv(name: u32, size: u32) -> (i32, Buf) {
    recv_with(name, size, MACH_RCV_TIMEOUT, 0)
}

pub fn recv_with(name: u32, size: u32, option: i32, timeout: u32) -> (i32, Buf) {
    let mut buf = Buf::zeroed(size as usize);
    // SAFETY: `buf` has at least `size` writable bytes.
    let kr = unsafe { mach_msg(buf.ptr(), MACH_RCV_MSG | option, 0, size, name, timeout, 0) };
    (kr, buf)
}

/// Receives one message with an audit trailer; asserts success.
pub fn recv_ok(name: u32) -> Buf {
    let (kr, buf) = recv_with(
        name,
        4096,
        MACH_RCV_TIMEOUT | MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_AUDIT),
        0,
    );
    assert_eq!(kr, MACH_MSG_SUCCESS, "receive failed: {kr:#x}");
    buf
}

/// Whether nothing is queued on `name`.
pub fn empty(name: u32) -> bool {
    recv(name, 4096).0 == MACH_RCV_TIMED_OUT
}

/// Receives a notification and returns its id, asserting the header of a
/// kernel message.
pub fn notification(name: u32) -> Buf {
    let buf = recv_ok(name);
    assert_eq!(buf.remote(), MACH_PORT_NULL);
    assert_eq!(buf.local(), name);
    assert_eq!(buf.bits() & 0x1F1F, 0x1200, "notification bits");
    buf
}

/// Receives and destroys every queued message (e.g. notifications).
pub fn drain(name: u32) -> Vec<i32> {
    let mut ids = Vec::new();
    loop {
        let (kr, mut buf) = recv(name, 4096);
        if kr != MACH_MSG_SUCCESS {
            return ids;
        }
        ids.push(buf.id());
        // SAFETY: a received message in our buffer.
        unsafe { mach_msg_destroy(buf.ptr()) };
    }
}
