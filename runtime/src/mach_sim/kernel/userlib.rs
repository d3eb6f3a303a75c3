//! What libSystem does in user space: `mach_msg_destroy` (MACH.md M52).

use super::TASK_SELF_NAME;
use super::layout::{rd32, rd64};
use crate::mach_sim::mach_port::{
    mach_port_deallocate, mach_port_extract_right, mach_port_insert_right, mach_port_mod_refs,
};
use crate::mach_sim::message::*;
use crate::mach_sim::port::{MACH_PORT_DEAD, MACH_PORT_NULL, MACH_PORT_RIGHT_RECEIVE};
use crate::mach_sim::vm::mach_vm_deallocate;

/// Releases one right named in a received message, by its type.
fn dispose(name: u32, disposition: u32) {
    if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
        return;
    }
    let me = TASK_SELF_NAME;
    // SAFETY (all calls below): only plain values and pointers to locals
    // are passed.
    match disposition {
        MACH_MSG_TYPE_MOVE_SEND | MACH_MSG_TYPE_MOVE_SEND_ONCE => {
            // SAFETY: no pointer argument.
            unsafe { mach_port_deallocate(me, name) };
        }
        MACH_MSG_TYPE_MOVE_RECEIVE => {
            // SAFETY: no pointer argument.
            unsafe { mach_port_mod_refs(me, name, MACH_PORT_RIGHT_RECEIVE, -1) };
        }
        MACH_MSG_TYPE_MAKE_SEND => {
            // SAFETY: no pointer argument.
            unsafe {
                mach_port_insert_right(me, name, name, MACH_MSG_TYPE_MAKE_SEND);
                mach_port_deallocate(me, name);
            }
        }
        MACH_MSG_TYPE_MAKE_SEND_ONCE => {
            let (mut once, mut kind) = (0u32, 0u32);
            // SAFETY: both output pointers are locals.
            let kr = unsafe {
                mach_port_extract_right(
                    me,
                    name,
                    MACH_MSG_TYPE_MAKE_SEND_ONCE,
                    &mut once,
                    &mut kind,
                )
            };
            if kr == 0 {
                // SAFETY: no pointer argument.
                unsafe { mach_port_deallocate(me, once) };
            }
        }
        _ => {}
    }
}

/// `mach_msg_destroy` of a received or pseudo-received message.
///
/// # Safety
///
/// `msg` must point to a whole message of `msgh_size` bytes whose
/// out-of-line regions and arrays belong to the calling task.
pub(crate) unsafe fn destroy_user_msg(msg: *mut u8) {
    if msg.is_null() {
        return;
    }
    // SAFETY: a message starts with a readable 24-byte header.
    let head = unsafe { std::slice::from_raw_parts(msg, 24) };
    let bits = rd32(head, 0);
    let size = (rd32(head, 4) as usize).max(24);
    dispose(rd32(head, 8), bits & MACH_MSGH_BITS_REMOTE_MASK);
    dispose(rd32(head, 16), (bits & MACH_MSGH_BITS_VOUCHER_MASK) >> 16);
    if bits & MACH_MSGH_BITS_COMPLEX == 0 || size < 28 {
        return;
    }
    // SAFETY: the caller guarantees `msgh_size` readable bytes.
    let buf = unsafe { std::slice::from_raw_parts(msg, size) };
    let count = rd32(buf, 24) as usize;
    let mut off = 28;
    for _ in 0..count {
        if off + 12 > size {
            return;
        }
        let kind = u32::from(buf[off + 11]);
        let disposition = u32::from(buf[off + 10]);
        match kind {
            MACH_MSG_PORT_DESCRIPTOR => {
                dispose(rd32(buf, off), disposition);
                off += 12;
                continue;
            }
            _ if off + 16 > size => return,
            MACH_MSG_OOL_DESCRIPTOR | MACH_MSG_OOL_VOLATILE_DESCRIPTOR => {
                let (addr, len) = (rd64(buf, off), rd32(buf, off + 12));
                if buf[off + 8] != 0 && len > 0 {
                    // SAFETY: no pointer argument.
                    unsafe { mach_vm_deallocate(TASK_SELF_NAME, addr, u64::from(len)) };
                }
            }
            MACH_MSG_OOL_PORTS_DESCRIPTOR => {
                let (addr, n) = (rd64(buf, off), rd32(buf, off + 12) as usize);
                if addr != 0 && n > 0 {
                    // SAFETY: a received array of `n` names at `addr`.
                    let names = unsafe { std::slice::from_raw_parts(addr as *const u8, n * 4) };
                    for i in 0..n {
                        dispose(rd32(names, i * 4), disposition);
                    }
                    if buf[off + 8] != 0 {
                        // SAFETY: no pointer argument.
                        unsafe { mach_vm_deallocate(TASK_SELF_NAME, addr, n as u64 * 4) };
                    }
                }
            }
            MACH_MSG_GUARDED_PORT_DESCRIPTOR => dispose(rd32(buf, off + 12), disposition),
            _ => return,
        }
        off += 16;
    }
}
