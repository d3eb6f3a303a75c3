//! Mach items `mach2` does not provide (MACH.md §9.3). On Apple targets the
//! functions are declared from libSystem; elsewhere the simulator provides
//! them with the same signatures. Constants and structs are defined here,
//! once, for both.
#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    missing_docs
)]

use super::kern_return::kern_return_t;
#[cfg(target_vendor = "apple")]
use super::mach_types::ipc_space_t;
use super::message::{
    audit_token_t, mach_msg_size_t, mach_msg_trailer_type_t, mach_msg_type_number_t,
};
use super::port::{mach_port_name_t, mach_port_type_t, mach_port_urefs_t};
#[cfg(target_vendor = "apple")]
use super::port::{mach_port_right_t, mach_port_t};
use super::vm_types::natural_t;

pub type mach_port_name_array_t = *mut mach_port_name_t;
pub type mach_port_type_array_t = *mut mach_port_type_t;

pub const MACH_PORT_TYPE_NONE: mach_port_type_t = 0;
pub const MACH_PORT_TYPE_SEND: mach_port_type_t = 0x0001_0000;
pub const MACH_PORT_TYPE_RECEIVE: mach_port_type_t = 0x0002_0000;
pub const MACH_PORT_TYPE_SEND_ONCE: mach_port_type_t = 0x0004_0000;
pub const MACH_PORT_TYPE_PORT_SET: mach_port_type_t = 0x0008_0000;
pub const MACH_PORT_TYPE_DEAD_NAME: mach_port_type_t = 0x0010_0000;
pub const MACH_PORT_TYPE_DNREQUEST: mach_port_type_t = 0x8000_0000;
pub const MACH_PORT_TYPE_SEND_RECEIVE: mach_port_type_t = 0x0003_0000;
pub const MACH_PORT_TYPE_SEND_RIGHTS: mach_port_type_t = 0x0005_0000;
pub const MACH_PORT_TYPE_PORT_RIGHTS: mach_port_type_t = 0x0007_0000;
pub const MACH_PORT_TYPE_PORT_OR_DEAD: mach_port_type_t = 0x0017_0000;
pub const MACH_PORT_TYPE_ALL_RIGHTS: mach_port_type_t = 0x001F_0000;

/// Kernel-private: user references saturate here (M5).
pub const MACH_PORT_UREFS_MAX: mach_port_urefs_t = 65535;

pub const MACH_SEND_INVALID_OPTIONS: kern_return_t = 0x1000_0013;
pub const MACH_RCV_INVALID_ARGUMENTS: kern_return_t = 0x1000_4013;

pub const MACH_MSGH_BITS_REMOTE_MASK: u32 = 0x0000_001F;
pub const MACH_MSGH_BITS_LOCAL_MASK: u32 = 0x0000_1F00;
pub const MACH_MSGH_BITS_VOUCHER_MASK: u32 = 0x001F_0000;

/// The remote disposition of `msgh_bits`.
pub const fn MACH_MSGH_BITS_REMOTE(bits: u32) -> u32 {
    bits & MACH_MSGH_BITS_REMOTE_MASK
}

/// The local disposition of `msgh_bits`.
pub const fn MACH_MSGH_BITS_LOCAL(bits: u32) -> u32 {
    (bits & MACH_MSGH_BITS_LOCAL_MASK) >> 8
}

/// `mach_msg` option asking for trailer format `x` (only 0 exists).
pub const fn MACH_RCV_TRAILER_TYPE(x: u32) -> i32 {
    ((x & 0xf) << 28) as i32
}

/// `mach_msg` option asking for trailer elements `x` (MACH.md T10).
pub const fn MACH_RCV_TRAILER_ELEMENTS(x: mach_msg_trailer_type_t) -> i32 {
    ((x & 0xf) << 24) as i32
}

pub const MAX_TRAILER_SIZE: mach_msg_size_t = 68;

pub const MACH_PORT_RECEIVE_STATUS: i32 = 2;
pub const MACH_PORT_RECEIVE_STATUS_COUNT: mach_msg_type_number_t = 10;

/// `MACH_PORT_RECEIVE_STATUS` of `mach_port_get_attributes` (MACH.md T13).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mach_port_status_t {
    pub mps_pset: natural_t,
    pub mps_seqno: natural_t,
    pub mps_mscount: natural_t,
    pub mps_qlimit: natural_t,
    pub mps_msgcount: natural_t,
    pub mps_sorights: natural_t,
    pub mps_srights: natural_t,
    pub mps_pdrequest: natural_t,
    pub mps_nsrequest: natural_t,
    pub mps_flags: natural_t,
}

/// The process id in an audit token (what XNU writes at index 5).
pub fn audit_token_pid(token: &audit_token_t) -> u32 {
    token.val[5]
}

/// The effective user id in an audit token (index 1).
pub fn audit_token_euid(token: &audit_token_t) -> u32 {
    token.val[1]
}

#[cfg(target_vendor = "apple")]
unsafe extern "C" {
    pub fn mach_port_type(
        task: ipc_space_t,
        name: mach_port_name_t,
        ptype: *mut mach_port_type_t,
    ) -> kern_return_t;
    pub fn mach_port_get_refs(
        task: ipc_space_t,
        name: mach_port_name_t,
        right: mach_port_right_t,
        refs: *mut mach_port_urefs_t,
    ) -> kern_return_t;
    pub fn mach_port_move_member(
        task: ipc_space_t,
        member: mach_port_name_t,
        after: mach_port_name_t,
    ) -> kern_return_t;
    pub fn mach_port_insert_member(
        task: ipc_space_t,
        name: mach_port_name_t,
        pset: mach_port_name_t,
    ) -> kern_return_t;
    pub fn mach_port_extract_member(
        task: ipc_space_t,
        name: mach_port_name_t,
        pset: mach_port_name_t,
    ) -> kern_return_t;
    pub fn mach_port_names(
        task: ipc_space_t,
        names: *mut mach_port_name_array_t,
        names_count: *mut mach_msg_type_number_t,
        types: *mut mach_port_type_array_t,
        types_count: *mut mach_msg_type_number_t,
    ) -> kern_return_t;
    /// A port that stands for descriptor `fd`.
    pub fn fileport_makeport(fd: i32, port: *mut mach_port_t) -> i32;
    /// A new descriptor for the file a fileport stands for.
    pub fn fileport_makefd(port: mach_port_t) -> i32;
}

#[cfg(not(target_vendor = "apple"))]
pub use crate::mach_sim::extra::{
    fileport_makefd, fileport_makeport, mach_port_extract_member, mach_port_get_refs,
    mach_port_insert_member, mach_port_move_member, mach_port_names, mach_port_type,
};
