//! Hostile input: whatever bytes and rights a peer sends, decoding ends in a
//! typed error or a value, never a panic, and every right the message
//! carried is released exactly once (counted by the test doubles).

use std::collections::BTreeMap;

use machproto_macros::MachMessage;
use machproto_runtime::testing::RightCounter;
use machproto_runtime::wire::{self, DecodeErrorKind, Message};
use machproto_runtime::{ReceiveRight, Right, RightKind, SendRight, SharedMemory};

#[derive(Debug, MachMessage)]
enum Kind {
    Plain,
    Fancy = 5,
}

#[derive(Debug, MachMessage)]
struct Surface {
    id: u64,
    #[mach(bound = 8)]
    label: String,
    kind: Kind,
    port: SendRight,
    memory: Option<SharedMemory>,
}

#[derive(Debug, MachMessage)]
struct Frame {
    surfaces: Vec<Surface>,
    owner: ReceiveRight,
    meta: BTreeMap<u32, String>,
}

fn frame(counter: &RightCounter) -> Frame {
    let surface = |id| Surface {
        id,
        label: format!("s{id}"),
        kind: Kind::Fancy,
        port: counter.send_right(),
        memory: Some(counter.shared_memory(64)),
    };
    Frame {
        surfaces: vec![surface(1), surface(2)],
        owner: counter.receive_right(),
        meta: BTreeMap::from([(1, "a".to_owned()), (2, "b".to_owned())]),
    }
}

/// Decodes `bytes` with `rights` as a `T`, returns the error kind and path.
fn reject<T: machproto_runtime::MachMessage + std::fmt::Debug>(
    bytes: Vec<u8>,
    rights: Vec<Right>,
) -> (DecodeErrorKind, String) {
    match wire::decode::<T>(Message { bytes, rights }) {
        Ok(value) => panic!("accepted {value:?}"),
        Err(error) => (error.kind().clone(), error.path_string()),
    }
}

#[test]
fn truncation_at_every_byte_is_an_error_and_leaks_nothing() {
    let counter = RightCounter::new();
    let full = wire::encode(frame(&counter)).unwrap();
    let rights_per_message = full.rights.len();
    let length = full.bytes.len();
    drop(full);
    for cut in 0..length {
        let message = wire::encode(frame(&counter)).unwrap();
        let bytes = message.bytes[..cut].to_vec();
        let (kind, _) = reject::<Frame>(bytes, message.rights);
        assert!(
            matches!(
                kind,
                DecodeErrorKind::Truncated { .. } | DecodeErrorKind::LengthTooLarge { .. }
            ),
            "cut at {cut}: {kind:?}"
        );
        assert_eq!(counter.live(), 0, "cut at {cut} leaked a right");
    }
    assert_eq!(counter.created(), rights_per_message * (length + 1));
    assert_eq!(
        counter.released(),
        counter.created(),
        "each released exactly once"
    );
}

#[test]
fn huge_length_prefix_is_rejected_before_allocating() {
    let mut bytes = u32::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[0; 16]);
    let (kind, _) = reject::<Vec<u64>>(bytes.clone(), Vec::new());
    assert_eq!(
        kind,
        DecodeErrorKind::LengthTooLarge {
            len: u64::from(u32::MAX),
            max: 2
        }
    );
    let (kind, _) = reject::<String>(bytes.clone(), Vec::new());
    assert!(matches!(kind, DecodeErrorKind::LengthTooLarge { .. }));
    let (kind, _) = reject::<BTreeMap<u64, u64>>(bytes.clone(), Vec::new());
    assert!(matches!(kind, DecodeErrorKind::LengthTooLarge { .. }));
    // Zero-sized elements: the length is capped, not trusted.
    let (kind, _) = reject::<Vec<()>>(bytes, Vec::new());
    assert!(matches!(kind, DecodeErrorKind::LengthTooLarge { .. }));
}

fn surface_bytes(label: &[u8], kind: u32, right_index: u32, memory: Option<u32>) -> Vec<u8> {
    let mut bytes = 7u64.to_le_bytes().to_vec();
    bytes.extend_from_slice(&(label.len() as u32).to_le_bytes());
    bytes.extend_from_slice(label);
    bytes.extend_from_slice(&kind.to_le_bytes());
    bytes.extend_from_slice(&right_index.to_le_bytes());
    match memory {
        None => bytes.push(0),
        Some(index) => {
            bytes.push(1);
            bytes.extend_from_slice(&index.to_le_bytes());
        }
    }
    bytes
}

#[test]
fn right_index_out_of_range() {
    let counter = RightCounter::new();
    let rights = vec![Right::Send(counter.send_right())];
    let (kind, path) = reject::<Surface>(surface_bytes(b"a", 0, 3, None), rights);
    assert_eq!(
        kind,
        DecodeErrorKind::RightIndexOutOfRange { index: 3, count: 1 }
    );
    assert_eq!(path, ".port");
    assert_eq!(counter.live(), 0);
}

#[test]
fn the_same_index_claimed_twice() {
    let counter = RightCounter::new();
    // Two send-right fields that both name index 0.
    #[derive(Debug, MachMessage)]
    struct Two {
        a: SendRight,
        b: SendRight,
    }
    let (kind, path) = reject::<Two>(
        [0u32.to_le_bytes(), 0u32.to_le_bytes()].concat(),
        vec![
            Right::Send(counter.send_right()),
            Right::Send(counter.send_right()),
        ],
    );
    assert_eq!(kind, DecodeErrorKind::RightClaimedTwice { index: 0 });
    assert_eq!(path, ".b");
    assert_eq!(counter.live(), 0);
}

#[test]
fn a_send_right_where_a_receive_right_is_declared() {
    let counter = RightCounter::new();
    #[derive(Debug, MachMessage)]
    struct Owner {
        owner: ReceiveRight,
    }
    let (kind, path) = reject::<Owner>(
        0u32.to_le_bytes().to_vec(),
        vec![Right::Send(counter.send_right())],
    );
    assert_eq!(
        kind,
        DecodeErrorKind::WrongRightKind {
            index: 0,
            expected: RightKind::Receive,
            found: RightKind::Send
        }
    );
    assert_eq!(path, ".owner");
    assert_eq!(counter.live(), 0, "the wrong right is released once");
}

#[test]
fn undeclared_enum_value() {
    let counter = RightCounter::new();
    let rights = vec![Right::Send(counter.send_right())];
    let (kind, path) = reject::<Surface>(surface_bytes(b"a", 1, 0, None), rights);
    assert_eq!(kind, DecodeErrorKind::UnknownVariant(1));
    assert_eq!(path, ".kind");
    assert_eq!(counter.live(), 0);
}

#[test]
fn string_over_its_bound() {
    let counter = RightCounter::new();
    let rights = vec![Right::Send(counter.send_right())];
    let (kind, path) = reject::<Surface>(surface_bytes(b"123456789", 0, 0, None), rights);
    assert_eq!(kind, DecodeErrorKind::BoundExceeded { len: 9, bound: 8 });
    assert_eq!(path, ".label");
    assert_eq!(counter.live(), 0);
}

#[test]
fn invalid_utf8() {
    let counter = RightCounter::new();
    let rights = vec![Right::Send(counter.send_right())];
    let (kind, path) = reject::<Surface>(surface_bytes(b"\xff\xfe", 0, 0, None), rights);
    assert_eq!(kind, DecodeErrorKind::InvalidUtf8);
    assert_eq!(path, ".label");
    assert_eq!(counter.live(), 0);
}

#[test]
fn trailing_bytes_and_unclaimed_rights() {
    let counter = RightCounter::new();
    let mut bytes = surface_bytes(b"a", 0, 0, None);
    bytes.push(0);
    let (kind, _) = reject::<Surface>(bytes, vec![Right::Send(counter.send_right())]);
    assert_eq!(kind, DecodeErrorKind::TrailingBytes { count: 1 });
    assert_eq!(
        counter.live(),
        0,
        "the decoded value is dropped, its right released"
    );

    let rights = vec![
        Right::Send(counter.send_right()),
        Right::Receive(counter.receive_right()),
        Right::SharedMemory(counter.shared_memory(1)),
    ];
    let (kind, _) = reject::<Surface>(surface_bytes(b"a", 0, 0, None), rights);
    assert_eq!(kind, DecodeErrorKind::UnclaimedRights { count: 2 });
    assert_eq!(counter.live(), 0);
    assert_eq!(counter.released(), counter.created());
}

#[test]
fn failure_deep_inside_releases_claimed_and_unreached_rights() {
    let counter = RightCounter::new();
    let message = wire::encode(frame(&counter)).unwrap();
    let mut bytes = message.bytes;
    // Corrupt the second surface's kind (after its label) to an undeclared value.
    let position = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == 5u32.to_le_bytes())
        .map(|(i, _)| i)
        .nth(1)
        .expect("two Fancy kinds");
    bytes[position] = 9;
    let (kind, path) = reject::<Frame>(bytes, message.rights);
    assert_eq!(kind, DecodeErrorKind::UnknownVariant(9));
    assert_eq!(path, ".surfaces[1].kind");
    assert_eq!(counter.live(), 0);
    assert_eq!(counter.released(), counter.created());
}

#[test]
fn unsorted_or_duplicate_map_keys() {
    let mut bytes = 2u32.to_le_bytes().to_vec();
    for key in [3u32, 3] {
        bytes.extend_from_slice(&key.to_le_bytes());
        bytes.push(1);
    }
    let (kind, path) = reject::<BTreeMap<u32, bool>>(bytes, Vec::new());
    assert_eq!(kind, DecodeErrorKind::MapKeysOutOfOrder);
    assert_eq!(path, "[1]");
}

#[test]
fn invalid_bool_and_option_tags() {
    let (kind, _) = reject::<bool>(vec![2], Vec::new());
    assert_eq!(kind, DecodeErrorKind::InvalidBool(2));
    let (kind, _) = reject::<Option<u8>>(vec![7, 0], Vec::new());
    assert_eq!(kind, DecodeErrorKind::InvalidOptionTag(7));
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    #[derive(Debug, MachMessage)]
    struct Chain {
        next: Option<Box<Chain>>,
    }
    // A million `Some` tags: far deeper than any real value.
    let bytes = vec![1u8; 1_000_000];
    let outcome = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || reject::<Chain>(bytes, Vec::new()).0)
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(outcome, DecodeErrorKind::TooDeep);
}

#[test]
fn random_bytes_and_rights_never_panic_or_leak() {
    let counter = RightCounter::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let valid = wire::encode(frame(&counter)).unwrap().bytes;
    for round in 0..20_000 {
        let mut bytes = if round % 2 == 0 {
            valid.clone()
        } else {
            (0..next() % 200).map(|_| next() as u8).collect()
        };
        for _ in 0..(next() % 4) {
            if !bytes.is_empty() {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = next() as u8;
            }
        }
        let rights = (0..next() % 8)
            .map(|_| match next() % 3 {
                0 => Right::Send(counter.send_right()),
                1 => Right::Receive(counter.receive_right()),
                _ => Right::SharedMemory(counter.shared_memory(next() % 100)),
            })
            .collect();
        let _ = wire::decode::<Frame>(Message { bytes, rights });
        assert_eq!(counter.live(), 0, "round {round} leaked");
    }
}
