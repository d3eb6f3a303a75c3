//! Encoding then decoding a representative message: our wire format against
//! serde's compact binary formats on the same data.
//!
//! The message has a dozen fields: three strings, integers, a `bool`, an
//! `Option`, a thousand `u64`s and two rights. The serde twin carries the two
//! rights as `u32` indices, as a serde format would have to.
//!
//! Run with `cargo bench -p machproto-runtime --bench wire`.

use divan::{Bencher, black_box};
use machproto_macros::MachMessage;
use machproto_runtime::testing::RightCounter;
use machproto_runtime::{SendRight, SharedMemory, wire};
use serde::{Deserialize, Serialize};

fn main() {
    let counter = RightCounter::new();
    let ours = wire::encode(frame(&counter)).expect("encodes").bytes.len();
    let postcard = postcard::to_allocvec(&serde_frame())
        .expect("encodes")
        .len();
    let bincode = bincode::serialize(&serde_frame()).expect("encodes").len();
    println!("encoded sizes: ours {ours} B, postcard {postcard} B, bincode {bincode} B");
    divan::main();
}

const SAMPLES: usize = 1_000;

/// A frame announcement as a compositor might send it.
#[derive(Debug, MachMessage)]
struct Frame {
    #[mach(bound = 256)]
    name: String,
    #[mach(bound = 256)]
    origin: String,
    #[mach(bound = 1024)]
    description: String,
    id: u64,
    sequence: u32,
    width: u32,
    height: u32,
    visible: bool,
    parent: Option<u64>,
    #[mach(bound = 4096)]
    timestamps: Vec<u64>,
    surface: SendRight,
    pixels: SharedMemory,
}

/// The same data for serde: rights become indices into a side table.
#[derive(Debug, Serialize, Deserialize)]
struct SerdeFrame {
    name: String,
    origin: String,
    description: String,
    id: u64,
    sequence: u32,
    width: u32,
    height: u32,
    visible: bool,
    parent: Option<u64>,
    timestamps: Vec<u64>,
    surface: u32,
    pixels: u32,
}

const NAME: &str = "compositor.main-window";
const ORIGIN: &str = "https://example.invalid/app/index.html";
const DESCRIPTION: &str = "Main window surface, double-buffered, sRGB, premultiplied alpha; \
                           resized by the user, frame presented after the layout pass.";

/// Realistic timestamps: large, close together (6 bytes as a varint).
fn timestamps() -> Vec<u64> {
    (0..SAMPLES as u64)
        .map(|i| 1_764_150_000_000 + i * 16_667)
        .collect()
}

fn frame(counter: &RightCounter) -> Frame {
    Frame {
        name: NAME.into(),
        origin: ORIGIN.into(),
        description: DESCRIPTION.into(),
        id: 0x0123_4567_89ab_cdef,
        sequence: 48_213,
        width: 2560,
        height: 1440,
        visible: true,
        parent: Some(17),
        timestamps: timestamps(),
        surface: counter.send_right(),
        pixels: counter.shared_memory(2560 * 1440 * 4),
    }
}

fn serde_frame() -> SerdeFrame {
    SerdeFrame {
        name: NAME.into(),
        origin: ORIGIN.into(),
        description: DESCRIPTION.into(),
        id: 0x0123_4567_89ab_cdef,
        sequence: 48_213,
        width: 2560,
        height: 1440,
        visible: true,
        parent: Some(17),
        timestamps: timestamps(),
        surface: 0,
        pixels: 1,
    }
}

/// `wire::encode` then `wire::decode`, by value: encoding consumes the frame
/// and decoding gives it back, rights included.
#[divan::bench(sample_count = 2000)]
fn ours_encode_decode(bencher: Bencher<'_, '_>) {
    let counter = RightCounter::new();
    let mut slot = Some(frame(&counter));
    bencher.bench_local(|| {
        let value = slot.take().expect("frame present");
        let message = wire::encode(black_box(value)).expect("encodes");
        slot = Some(wire::decode(black_box(message)).expect("decodes"));
    });
    drop(slot);
    assert_eq!(counter.live(), 0, "every right released");
}

/// `postcard::to_allocvec` then `postcard::from_bytes`.
#[divan::bench(sample_count = 2000)]
fn postcard_encode_decode(bencher: Bencher<'_, '_>) {
    let mut value = serde_frame();
    bencher.bench_local(|| {
        let bytes = postcard::to_allocvec(black_box(&value)).expect("encodes");
        value = postcard::from_bytes(black_box(&bytes)).expect("decodes");
    });
}

/// `bincode::serialize` then `bincode::deserialize` (fixed-width integers,
/// like ours).
#[divan::bench(sample_count = 2000)]
fn bincode_encode_decode(bencher: Bencher<'_, '_>) {
    let mut value = serde_frame();
    bencher.bench_local(|| {
        let bytes = bincode::serialize(black_box(&value)).expect("encodes");
        value = bincode::deserialize(black_box(&bytes)).expect("decodes");
    });
}
