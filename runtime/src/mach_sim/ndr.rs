//! Mirror of `mach2::ndr` (`mach/ndr.h`).
#![allow(non_camel_case_types, non_upper_case_globals)]

use core::ffi::c_uchar;

/// The NDR record MIG puts after a header: how the sender encodes data.
/// Its fields are private, as in mach2; copy [`NDR_record`].
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct NDR_record_t {
    mig_vers: c_uchar,
    if_vers: c_uchar,
    reserved1: c_uchar,
    mig_encoding: c_uchar,
    int_rep: c_uchar,
    char_rep: c_uchar,
    float_rep: c_uchar,
    reserved32: c_uchar,
}

impl NDR_record_t {
    /// The record of this machine: little-endian integers (`int_rep = 1`).
    pub(crate) const NATIVE: NDR_record_t = NDR_record_t {
        mig_vers: 0,
        if_vers: 0,
        reserved1: 0,
        mig_encoding: 0,
        int_rep: 1,
        char_rep: 0,
        float_rep: 0,
        reserved32: 0,
    };

    /// The eight bytes as they appear in a message.
    pub(crate) fn bytes(&self) -> [u8; 8] {
        [
            self.mig_vers,
            self.if_vers,
            self.reserved1,
            self.mig_encoding,
            self.int_rep,
            self.char_rep,
            self.float_rep,
            self.reserved32,
        ]
    }
}

/// `NDR_record`. In mach2 an `extern` static; here a `static mut` that is
/// never written, so reading it needs `unsafe` on both backends alike.
pub static mut NDR_record: NDR_record_t = NDR_record_t::NATIVE;
