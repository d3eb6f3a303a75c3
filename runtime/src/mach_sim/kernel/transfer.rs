//! insert_right, extract_right, construct, destruct, attributes and
//! context (MACH.md M13, M14, M22–M24, M31).

use super::mgmt::GUARD_EXC_DESTROY;
use super::object::{Carried, KRight, PortId, TaskId};
use super::rights::{CopyinError, add_urefs};
use super::space::{Entry, Obj};
use super::{State, current, with};
use crate::mach_sim::kern_return::{
    KERN_FAILURE, KERN_INVALID_ARGUMENT, KERN_INVALID_CAPABILITY, KERN_INVALID_NAME,
    KERN_INVALID_RIGHT, KERN_INVALID_TASK, KERN_INVALID_VALUE, KERN_NAME_EXISTS, KERN_RIGHT_EXISTS,
    KERN_SUCCESS, kern_return_t,
};
use crate::mach_sim::kernel::kmsg::received_disposition;
use crate::mach_sim::message::{
    MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE,
    MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE,
    MACH_MSG_TYPE_PORT_SEND, MACH_MSG_TYPE_PORT_SEND_ONCE,
};
use crate::mach_sim::port::MACH_PORT_RIGHT_RECEIVE;
use crate::mach_sim::port::{
    MACH_PORT_DEAD, MACH_PORT_DENAP_RECEIVER, MACH_PORT_DNREQUESTS_SIZE,
    MACH_PORT_IMPORTANCE_RECEIVER, MACH_PORT_LIMITS_INFO, MACH_PORT_NULL, MACH_PORT_QLIMIT_MAX,
    MACH_PORT_RECEIVE_STATUS, MACH_PORT_TEMPOWNER, MPO_CONTEXT_AS_GUARD, MPO_IMMOVABLE_RECEIVE,
    MPO_INSERT_SEND_RIGHT, MPO_QLIMIT, MPO_STRICT, mach_port_options_t,
};
use crate::mach_sys::extra::{
    MACH_PORT_TYPE_DEAD_NAME, MACH_PORT_TYPE_RECEIVE, MACH_PORT_TYPE_SEND,
};

/// Construct flags for special port kinds the simulator does not model.
const MPO_UNSUPPORTED: u32 = 0x100 | 0x200 | 0x400 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

/// `mach_port_status_t` flag bits (T13).
const STATUS_GUARDED: i32 = 0x02;
const STATUS_STRICT_GUARD: i32 = 0x04;
const STATUS_IMMOVABLE: i32 = 0x40;

/// `kGUARD_EXC_INCORRECT_GUARD` and `kGUARD_EXC_SET_CONTEXT`.
const GUARD_EXC_INCORRECT_GUARD: u32 = 16;
const GUARD_EXC_SET_CONTEXT: u32 = 4;

/// What `ipc_object_copyin_type` makes of a disposition (0 if invalid).
pub(crate) fn copyin_type(disposition: u32) -> u32 {
    match disposition {
        MACH_MSG_TYPE_MOVE_RECEIVE => MACH_MSG_TYPE_MOVE_RECEIVE,
        MACH_MSG_TYPE_MOVE_SEND | MACH_MSG_TYPE_COPY_SEND | MACH_MSG_TYPE_MAKE_SEND => {
            MACH_MSG_TYPE_PORT_SEND
        }
        MACH_MSG_TYPE_MOVE_SEND_ONCE | MACH_MSG_TYPE_MAKE_SEND_ONCE => MACH_MSG_TYPE_PORT_SEND_ONCE,
        _ => 0,
    }
}

/// Maps a copy-in failure to the codes of insert/extract_right.
pub(crate) fn copyin_kr(error: CopyinError) -> kern_return_t {
    match error {
        CopyinError::Name => KERN_INVALID_NAME,
        CopyinError::Right => KERN_INVALID_RIGHT,
        CopyinError::Capability => KERN_INVALID_CAPABILITY,
    }
}

/// Which counter `port_set_counter` sets.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Counter {
    Mscount,
    Seqno,
}

impl State {
    /// The receive right under `name`, or the M24 error.
    fn receive_port(&self, task: TaskId, name: u32) -> Result<PortId, kern_return_t> {
        let entry = self.lookup(task, name)?;
        entry
            .port()
            .filter(|_| entry.bits & MACH_PORT_TYPE_RECEIVE != 0)
            .ok_or(KERN_INVALID_RIGHT)
    }

    /// The own-task fast path of insert_right (M22).
    fn insert_own(&mut self, task: TaskId, name: u32, disposition: u32) -> kern_return_t {
        let entry = match self.lookup(task, name) {
            Ok(e) => e,
            Err(kr) => return kr,
        };
        if entry.bits & MACH_PORT_TYPE_DEAD_NAME != 0 {
            return KERN_INVALID_CAPABILITY;
        }
        let Some(port) = entry.port() else {
            return KERN_INVALID_RIGHT;
        };
        let has_send = entry.bits & MACH_PORT_TYPE_SEND != 0;
        if disposition == MACH_MSG_TYPE_MAKE_SEND {
            if entry.bits & MACH_PORT_TYPE_RECEIVE == 0 {
                return KERN_INVALID_RIGHT;
            }
            if let Some(p) = self.port_mut(port) {
                p.mscount = p.mscount.wrapping_add(1);
                if !has_send {
                    p.srights = p.srights.saturating_add(1);
                }
            }
        } else if !has_send {
            return KERN_INVALID_RIGHT;
        }
        if let Some(e) = self.space_mut(task).and_then(|s| s.get_mut(name)) {
            e.urefs = if has_send { add_urefs(e.urefs, 1) } else { 1 };
            e.bits |= MACH_PORT_TYPE_SEND;
        }
        KERN_SUCCESS
    }

    fn insert_right(
        &mut self,
        caller: TaskId,
        target: TaskId,
        name: u32,
        poly: u32,
        disposition: u32,
    ) -> kern_return_t {
        if copyin_type(disposition) == 0 {
            return KERN_INVALID_RIGHT;
        }
        if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
            return KERN_INVALID_VALUE;
        }
        let own = caller == target && name == poly;
        if own && (disposition == MACH_MSG_TYPE_MAKE_SEND || disposition == MACH_MSG_TYPE_COPY_SEND)
        {
            return self.insert_own(target, name, disposition);
        }
        if poly == MACH_PORT_NULL || poly == MACH_PORT_DEAD {
            return KERN_INVALID_CAPABILITY;
        }
        let right = match self.copyin(caller, poly, disposition) {
            Ok(Carried::Right(right)) => right,
            Ok(_) => return KERN_INVALID_CAPABILITY,
            Err(e) => return copyin_kr(e),
        };
        if !self.is_active(right.port()) {
            self.release(right);
            return KERN_INVALID_CAPABILITY;
        }
        match self.place_named(target, name, right) {
            Ok(()) => KERN_SUCCESS,
            Err(kr) => {
                self.release(right);
                kr
            }
        }
    }

    /// Puts `right` into `task` under the chosen `name` (M22 placement).
    fn place_named(&mut self, task: TaskId, name: u32, right: KRight) -> Result<(), kern_return_t> {
        let space = self.space(task).ok_or(KERN_INVALID_TASK)?;
        let exists = space.check_user_name(name)?;
        let port = right.port();
        if let KRight::SendOnce(_) = right {
            if exists {
                return Err(KERN_NAME_EXISTS);
            }
        } else if let Some(&held) = space.reverse.get(&port) {
            if held != name {
                return Err(KERN_RIGHT_EXISTS);
            }
            let merged = self.copyout(task, right)?;
            debug_assert_eq!(merged, name);
            return Ok(());
        } else if exists {
            return Err(KERN_NAME_EXISTS);
        }
        let bits = match right {
            KRight::Send(_) => MACH_PORT_TYPE_SEND,
            KRight::SendOnce(_) => crate::mach_sys::extra::MACH_PORT_TYPE_SEND_ONCE,
            KRight::Receive(_) => MACH_PORT_TYPE_RECEIVE,
        };
        let urefs = u32::from(bits == MACH_PORT_TYPE_SEND);
        let space = self.space_mut(task).ok_or(KERN_INVALID_TASK)?;
        space.alloc_named(name, Entry::new(bits, urefs, Obj::Port(port)));
        if bits != crate::mach_sys::extra::MACH_PORT_TYPE_SEND_ONCE {
            space.reverse.insert(port, name);
        }
        if let KRight::Receive(_) = right {
            if let Some(p) = self.port_mut(port) {
                p.receiver = super::object::Receiver::Space(task, name);
            }
        }
        Ok(())
    }

    fn extract_right(
        &mut self,
        caller: TaskId,
        target: TaskId,
        name: u32,
        disposition: u32,
    ) -> Result<(u32, u32), kern_return_t> {
        let kind = copyin_type(disposition);
        if kind == 0 {
            return Err(KERN_INVALID_VALUE);
        }
        if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
            return Err(KERN_INVALID_RIGHT);
        }
        match self.copyin(target, name, disposition).map_err(copyin_kr)? {
            Carried::Right(right) => {
                let out = self.copyout(caller, right)?;
                Ok((out, u32::from(received_disposition(right))))
            }
            _ => Ok((MACH_PORT_DEAD, kind)),
        }
    }

    fn construct(
        &mut self,
        task: TaskId,
        options: &mach_port_options_t,
        context: u64,
    ) -> Result<u32, kern_return_t> {
        let flags = options.flags;
        if flags & MPO_UNSUPPORTED != 0 {
            return Err(KERN_INVALID_ARGUMENT);
        }
        if flags & MPO_QLIMIT != 0 && options.mpl.mpl_qlimit > MACH_PORT_QLIMIT_MAX {
            return Err(KERN_INVALID_VALUE);
        }
        let name = self.allocate(task, MACH_PORT_RIGHT_RECEIVE, None)?;
        let port = self.receive_port(task, name)?;
        if let Some(p) = self.port_mut(port) {
            if flags & MPO_QLIMIT != 0 {
                p.qlimit = options.mpl.mpl_qlimit;
            }
            p.context = context;
            if flags & MPO_CONTEXT_AS_GUARD != 0 {
                p.guarded = true;
                p.strict = flags & MPO_STRICT != 0;
                p.immovable = flags & MPO_IMMOVABLE_RECEIVE != 0;
            }
            if flags & MPO_INSERT_SEND_RIGHT != 0 {
                p.srights = 1;
                p.mscount = 1;
            }
        }
        if flags & MPO_INSERT_SEND_RIGHT != 0 {
            if let Some(e) = self.space_mut(task).and_then(|s| s.get_mut(name)) {
                e.bits |= MACH_PORT_TYPE_SEND;
                e.urefs = 1;
            }
        }
        Ok(name)
    }

    fn destruct(&mut self, task: TaskId, name: u32, srdelta: i32, guard: u64) -> kern_return_t {
        let entry = match self.lookup(task, name) {
            Ok(e) => e,
            Err(_) => return KERN_INVALID_NAME,
        };
        let Some(port) = entry
            .port()
            .filter(|_| entry.bits & MACH_PORT_TYPE_RECEIVE != 0)
        else {
            return KERN_INVALID_RIGHT;
        };
        let has_send = entry.bits & MACH_PORT_TYPE_SEND != 0;
        if srdelta != 0 && !has_send {
            return KERN_INVALID_RIGHT;
        }
        if srdelta > 0 {
            return KERN_INVALID_VALUE;
        }
        if self
            .port(port)
            .is_some_and(|p| p.guarded && p.context != guard)
        {
            self.guard(task, name, GUARD_EXC_DESTROY, true);
            return KERN_INVALID_ARGUMENT;
        }
        let drop = srdelta.unsigned_abs();
        if drop > entry.urefs {
            return KERN_INVALID_VALUE;
        }
        if drop > 0 {
            if drop == entry.urefs {
                self.remove_send_part(task, name, port);
                self.release_send(port);
            } else if let Some(e) = self.space_mut(task).and_then(|s| s.get_mut(name)) {
                e.urefs -= drop;
            }
        }
        if let Some(p) = self.port_mut(port) {
            p.guarded = false;
        }
        self.destroy_receive_name(task, name, port)
    }

    fn get_attributes(
        &self,
        task: TaskId,
        name: u32,
        flavor: i32,
        capacity: u32,
    ) -> Result<Vec<i32>, kern_return_t> {
        let null = name == MACH_PORT_NULL || name == MACH_PORT_DEAD;
        match flavor {
            MACH_PORT_LIMITS_INFO | MACH_PORT_DNREQUESTS_SIZE => {
                if capacity < 1 {
                    return Err(KERN_FAILURE);
                }
                if null {
                    return Ok(Vec::new());
                }
                let port = self.receive_port(task, name)?;
                let p = self.port(port).ok_or(KERN_INVALID_RIGHT)?;
                Ok(vec![if flavor == MACH_PORT_LIMITS_INFO {
                    p.qlimit as i32
                } else {
                    p.requests.len() as i32
                }])
            }
            MACH_PORT_RECEIVE_STATUS => {
                if capacity < 10 {
                    return Err(KERN_FAILURE);
                }
                if null {
                    return Err(KERN_INVALID_RIGHT);
                }
                let port = self.receive_port(task, name)?;
                let p = self.port(port).ok_or(KERN_INVALID_RIGHT)?;
                let mut flags = 0;
                if p.guarded {
                    flags |= STATUS_GUARDED;
                }
                if p.strict {
                    flags |= STATUS_STRICT_GUARD;
                }
                if p.immovable {
                    flags |= STATUS_IMMOVABLE;
                }
                Ok(vec![
                    i32::from(!p.sets.is_empty()),
                    p.seqno as i32,
                    p.mscount as i32,
                    p.qlimit as i32,
                    p.queue.len() as i32,
                    p.sorights as i32,
                    i32::from(p.srights > 0),
                    i32::from(p.pd_request.is_some()),
                    i32::from(p.ns_request.is_some()),
                    flags,
                ])
            }
            _ => Err(KERN_INVALID_ARGUMENT),
        }
    }

    fn set_attributes(
        &mut self,
        task: TaskId,
        name: u32,
        flavor: i32,
        info: &[i32],
        count: u32,
    ) -> kern_return_t {
        let null = name == MACH_PORT_NULL || name == MACH_PORT_DEAD;
        match flavor {
            MACH_PORT_LIMITS_INFO => {
                if count < 1 {
                    return KERN_FAILURE;
                }
                let qlimit = info[0] as u32;
                if qlimit > MACH_PORT_QLIMIT_MAX {
                    return KERN_INVALID_VALUE;
                }
                if null {
                    return KERN_INVALID_RIGHT;
                }
                match self.receive_port(task, name) {
                    Ok(port) => {
                        if let Some(p) = self.port_mut(port) {
                            p.qlimit = qlimit;
                        }
                        KERN_SUCCESS
                    }
                    Err(kr) => kr,
                }
            }
            MACH_PORT_TEMPOWNER | MACH_PORT_IMPORTANCE_RECEIVER | MACH_PORT_DENAP_RECEIVER => {
                if null {
                    return KERN_INVALID_RIGHT;
                }
                self.receive_port(task, name).err().unwrap_or(KERN_SUCCESS)
            }
            _ => KERN_INVALID_ARGUMENT,
        }
    }
}

pub(crate) fn port_insert_right(
    task: u32,
    name: u32,
    poly: u32,
    disposition: u32,
) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.insert_right(current(), t, name, poly, disposition),
        Err(kr) => kr,
    })
}

pub(crate) fn port_extract_right(
    task: u32,
    name: u32,
    disposition: u32,
) -> Result<(u32, u32), kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        s.extract_right(current(), t, name, disposition)
    })
}

pub(crate) fn port_construct(
    task: u32,
    options: &mach_port_options_t,
    context: u64,
) -> Result<u32, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        s.construct(t, options, context)
    })
}

pub(crate) fn port_destruct(task: u32, name: u32, srdelta: i32, guard: u64) -> kern_return_t {
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.destruct(t, name, srdelta, guard),
        Err(kr) => kr,
    })
}

pub(crate) fn port_get_attributes(
    task: u32,
    name: u32,
    flavor: i32,
    capacity: u32,
) -> Result<Vec<i32>, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        s.get_attributes(t, name, flavor, capacity)
    })
}

pub(crate) fn port_set_attributes(
    task: u32,
    name: u32,
    flavor: i32,
    info: &[i32],
    count: u32,
) -> kern_return_t {
    let mut words = [0i32; 1];
    if let Some(&w) = info.first() {
        words[0] = w;
    }
    with(|s| match s.target_of_caller(task) {
        Ok(t) => s.set_attributes(t, name, flavor, &words, count),
        Err(kr) => kr,
    })
}

/// `mach_port_get_context` (M31).
pub(crate) fn port_get_context(task: u32, name: u32) -> Result<u64, kern_return_t> {
    with(|s| {
        let t = s.target_of_caller(task)?;
        if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
            return Err(KERN_INVALID_RIGHT);
        }
        let port = s.receive_port(t, name)?;
        let p = s.port(port).ok_or(KERN_INVALID_RIGHT)?;
        Ok(if p.strict { 0 } else { p.context })
    })
}

/// `mach_port_set_context` (M31).
pub(crate) fn port_set_context(task: u32, name: u32, context: u64) -> kern_return_t {
    with(|s| {
        let t = match s.target_of_caller(task) {
            Ok(t) => t,
            Err(kr) => return kr,
        };
        if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
            return KERN_INVALID_RIGHT;
        }
        let port = match s.receive_port(t, name) {
            Ok(p) => p,
            Err(kr) => return kr,
        };
        if s.port(port).is_some_and(|p| p.strict) {
            s.guard(t, name, GUARD_EXC_SET_CONTEXT, true);
            return KERN_INVALID_ARGUMENT;
        }
        if s.port(port).is_some_and(|p| p.guarded) {
            s.guard(t, name, GUARD_EXC_INCORRECT_GUARD, true);
            return KERN_INVALID_ARGUMENT;
        }
        if let Some(p) = s.port_mut(port) {
            p.context = context;
        }
        KERN_SUCCESS
    })
}

/// `mach_port_set_mscount` / `mach_port_set_seqno` (M31).
pub(crate) fn port_set_counter(
    task: u32,
    name: u32,
    counter: Counter,
    value: u32,
) -> kern_return_t {
    with(|s| {
        let t = match s.target_of_caller(task) {
            Ok(t) => t,
            Err(kr) => return kr,
        };
        let port = match s.receive_port(t, name) {
            Ok(p) => p,
            Err(kr) => return kr,
        };
        if let Some(p) = s.port_mut(port) {
            match counter {
                Counter::Mscount => p.mscount = value,
                Counter::Seqno => p.seqno = value,
            }
        }
        KERN_SUCCESS
    })
}
