//! Mirror of `mach2::boolean` (`mach/*/boolean.h`).
#![allow(non_camel_case_types)]

/// `boolean_t`: `c_uint` on x86_64, `c_int` elsewhere (as in mach2).
#[cfg(target_arch = "x86_64")]
pub type boolean_t = core::ffi::c_uint;

/// `boolean_t`: `c_uint` on x86_64, `c_int` elsewhere (as in mach2).
#[cfg(not(target_arch = "x86_64"))]
pub type boolean_t = core::ffi::c_int;
