//! Reading and writing the packed C layout of messages (MACH.md T9, M32).

/// Reads a native-endian `u32` at `off` (0 if out of range).
pub(crate) fn rd32(buf: &[u8], off: usize) -> u32 {
    buf.get(off..off + 4)
        .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads a native-endian `u64` at `off` (0 if out of range).
pub(crate) fn rd64(buf: &[u8], off: usize) -> u64 {
    buf.get(off..off + 8).map_or(0, |b| {
        u64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    })
}

/// Appends a native-endian `u32`.
pub(crate) fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_ne_bytes());
}

/// Appends a native-endian `u64`.
pub(crate) fn put64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_ne_bytes());
}

/// Overwrites a native-endian `u32` at `off`.
pub(crate) fn set32(buf: &mut [u8], off: usize, value: u32) {
    if let Some(b) = buf.get_mut(off..off + 4) {
        b.copy_from_slice(&value.to_ne_bytes());
    }
}

/// Copies `len` bytes from a user address.
///
/// # Safety
///
/// `[addr, addr + len)` must be readable.
pub(crate) unsafe fn read_user(addr: u64, len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    // SAFETY: guaranteed by the caller; `out` has `len` bytes and cannot
    // overlap user memory it was just allocated for.
    unsafe { std::ptr::copy_nonoverlapping(addr as *const u8, out.as_mut_ptr(), len) };
    out
}

/// Copies `bytes` to a user address.
///
/// # Safety
///
/// `[dst, dst + bytes.len())` must be writable.
pub(crate) unsafe fn write_user(dst: *mut u8, bytes: &[u8]) {
    // SAFETY: guaranteed by the caller.
    unsafe { std::ptr::copy(bytes.as_ptr(), dst, bytes.len()) };
}
