//! Meeting another process by name through the bootstrap server (launchd
//! on macOS, the simulator's registry under `mach-sim`; MACH.md M67).
//!
//! A launcher checks in a one-time name and gets that service's receive
//! right; the process it started looks the name up and gets a send right.
//! No task port changes hands (M66, M68).

use std::ffi::CString;
use std::io;

use super::{PortName, PortRight};
use crate::mach_sys::bootstrap::{
    BOOTSTRAP_MAX_NAME_LEN, bootstrap_check_in, bootstrap_look_up, bootstrap_port,
};
use crate::mach_sys::port::{MACH_PORT_NULL, mach_port_t};
use crate::right::{Handle, ReceiveRight, SendRight};

/// The name as launchd takes it: at most 127 bytes, no NUL inside.
fn service_name(name: &str) -> io::Result<CString> {
    if name.len() >= BOOTSTRAP_MAX_NAME_LEN as usize {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a bootstrap name has at most 127 bytes",
        ));
    }
    CString::new(name).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a name"))
}

/// Checks in the service `name` (created on the spot if nobody declared
/// it) and returns its receive right. The registration ends when the right
/// is released.
pub fn check_in_service(name: &str) -> io::Result<ReceiveRight> {
    let c_name = service_name(name)?;
    let mut port: mach_port_t = MACH_PORT_NULL;
    // SAFETY: `bootstrap_port` is written once by the C runtime before
    // `main` and only read afterwards; it is read by value. `c_name` is a
    // NUL-terminated string that outlives the call and `port` is writable.
    let result = unsafe { bootstrap_check_in(bootstrap_port, c_name.as_ptr(), &mut port) };
    if result != 0 {
        return Err(io::Error::other(format!(
            "bootstrap_check_in of `{name}` failed: {result}"
        )));
    }
    Ok(ReceiveRight {
        handle: Handle::Port(PortName::new(port, PortRight::Receive)),
    })
}

/// A send right to the service `name`.
pub fn look_up_service(name: &str) -> io::Result<SendRight> {
    let c_name = service_name(name)?;
    let mut port: mach_port_t = MACH_PORT_NULL;
    // SAFETY: as in `check_in_service`.
    let result = unsafe { bootstrap_look_up(bootstrap_port, c_name.as_ptr(), &mut port) };
    if result != 0 {
        return Err(io::Error::other(format!(
            "bootstrap_look_up of `{name}` failed: {result}"
        )));
    }
    Ok(SendRight {
        handle: Handle::Port(PortName::new(port, PortRight::Send)),
    })
}
