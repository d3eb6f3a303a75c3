use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;

use serde::de::{DeserializeOwned, IgnoredAny, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{MAX_DEPTH, SerdeErrorKind, from_bytes, to_bytes};

fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    to_bytes(value, &mut bytes).unwrap();
    bytes
}

/// Encodes, decodes, compares, and returns the encoding.
#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> Vec<u8> {
    let bytes = encode(value);
    let back: T = from_bytes(&bytes).unwrap();
    assert_eq!(&back, value);
    bytes
}

#[track_caller]
fn kind_of<T: DeserializeOwned + Debug>(bytes: &[u8]) -> SerdeErrorKind {
    from_bytes::<T>(bytes).unwrap_err().kind()
}

/// A byte string, as `serde_bytes::ByteBuf` would give.
#[derive(Debug, Clone, PartialEq)]
struct ByteBuf(Vec<u8>);

impl Serialize for ByteBuf {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl Visitor<'_> for BytesVisitor {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
        }
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Unit;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Newtype(u16);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TupleStruct(i8, String, Unit);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Kinds {
    Unit,
    Newtype(u32),
    Tuple(i8, String),
    Struct { x: Option<char>, y: Vec<Kinds> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Rich {
    a: u8,
    b: i16,
    c: u32,
    d: i64,
    e: u128,
    f: f32,
    g: f64,
    h: bool,
    i: char,
    s: String,
    v: Vec<u16>,
    o: Option<Box<Rich>>,
    btree: BTreeMap<String, Vec<u8>>,
    hash: HashMap<u32, Option<bool>>,
    t: (u8, String, ()),
    ts: TupleStruct,
    u: Unit,
    n: Newtype,
    kinds: Vec<Kinds>,
    nested: Vec<Vec<String>>,
    bytes: ByteBuf,
}

fn rich() -> Rich {
    let inner = Rich {
        o: None,
        kinds: vec![Kinds::Unit],
        hash: HashMap::new(),
        ..rich_leaf()
    };
    Rich {
        o: Some(Box::new(inner)),
        ..rich_leaf()
    }
}

fn rich_leaf() -> Rich {
    Rich {
        a: 7,
        b: -300,
        c: 0xdead_beef,
        d: i64::MIN,
        e: u128::MAX - 1,
        f: 1.5,
        g: -0.25,
        h: true,
        i: 'é',
        s: "héllo".into(),
        v: vec![1, 2, 0xffff],
        o: None,
        btree: [("k".to_string(), vec![1, 2]), (String::new(), vec![])].into(),
        // One entry: HashMap order varies between runs, and the hostile-input
        // tests need the same bytes every run to be reproducible.
        hash: [(1, Some(false))].into(),
        t: (9, "t".into(), ()),
        ts: TupleStruct(-1, "ts".into(), Unit),
        u: Unit,
        n: Newtype(513),
        kinds: vec![
            Kinds::Unit,
            Kinds::Newtype(5),
            Kinds::Tuple(-5, "x".into()),
            Kinds::Struct {
                x: Some('z'),
                y: vec![Kinds::Unit, Kinds::Newtype(1)],
            },
        ],
        nested: vec![vec![], vec!["a".into(), "bc".into()]],
        bytes: ByteBuf(vec![0, 255, 128]),
    }
}

// ---- round trips ----------------------------------------------------------

#[test]
fn integers_round_trip_at_their_extremes() {
    macro_rules! extremes {
        ($($ty:ty),*) => {$(
            for v in [<$ty>::MIN, <$ty>::MAX, 0, 1, <$ty>::MAX / 3] {
                let bytes = round_trip(&v);
                assert_eq!(bytes, v.to_le_bytes(), "{}", stringify!($ty));
            }
        )*};
    }
    extremes!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);
}

#[test]
fn floats_keep_their_exact_bits() {
    let f32s = [
        0.0,
        -0.0,
        1.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MIN_POSITIVE,
        f32::NAN,
    ];
    let f32_bits = f32s
        .iter()
        .map(|f| f.to_bits())
        .chain([0x7fc0_1234, 0xffff_ffff]);
    for bits in f32_bits {
        let bytes = encode(&f32::from_bits(bits));
        assert_eq!(bytes, bits.to_le_bytes());
        assert_eq!(from_bytes::<f32>(&bytes).unwrap().to_bits(), bits);
    }
    let f64s = [
        0.0,
        -0.0,
        1.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        f64::NAN,
    ];
    let f64_bits = f64s
        .iter()
        .map(|f| f.to_bits())
        .chain([0x7ff8_0000_dead_beef]);
    for bits in f64_bits {
        let bytes = encode(&f64::from_bits(bits));
        assert_eq!(bytes, bits.to_le_bytes());
        assert_eq!(from_bytes::<f64>(&bytes).unwrap().to_bits(), bits);
    }
}

#[test]
fn scalars_round_trip() {
    assert_eq!(round_trip(&false), [0]);
    assert_eq!(round_trip(&true), [1]);
    for c in ['\0', 'a', 'é', '\u{10ffff}', '\u{d7ff}', '\u{e000}'] {
        assert_eq!(round_trip(&c), u32::from(c).to_le_bytes());
    }
    assert_eq!(round_trip(&()), [] as [u8; 0]);
    assert_eq!(round_trip(&Unit), [] as [u8; 0]);
    assert_eq!(round_trip(&Newtype(0x0201)), [1, 2]);
}

#[test]
fn strings_and_bytes_round_trip() {
    assert_eq!(round_trip(&String::new()), [0, 0, 0, 0]);
    assert_eq!(
        round_trip(&"hé".to_string()),
        [3, 0, 0, 0, b'h', 0xc3, 0xa9]
    );
    assert_eq!(round_trip(&ByteBuf(vec![1, 2])), [2, 0, 0, 0, 1, 2]);
    // A byte string and a seq of u8 share an encoding.
    assert_eq!(encode(&vec![1u8, 2]), encode(&ByteBuf(vec![1, 2])));
    assert_eq!(
        from_bytes::<ByteBuf>(&encode(&vec![7u8])).unwrap(),
        ByteBuf(vec![7])
    );
}

#[test]
fn borrowed_strings_and_bytes_point_into_the_input() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Borrowed<'a> {
        s: &'a str,
        b: &'a [u8],
    }
    let bytes = encode(&Borrowed {
        s: "str",
        b: &[1, 2, 3],
    });
    let back: Borrowed<'_> = from_bytes(&bytes).unwrap();
    assert_eq!(
        back,
        Borrowed {
            s: "str",
            b: &[1, 2, 3]
        }
    );
    let range = bytes.as_ptr_range();
    assert!(range.contains(&back.s.as_ptr()));
    assert!(range.contains(&back.b.as_ptr()));
}

#[test]
fn options_tuples_and_structs_round_trip() {
    assert_eq!(round_trip(&None::<u8>), [0]);
    assert_eq!(round_trip(&Some(5u8)), [1, 5]);
    assert_eq!(round_trip(&Some(None::<u8>)), [1, 0]);
    assert_eq!(round_trip(&(1u8, 2u16, ())), [1, 2, 0]);
    assert_eq!(round_trip(&[1u8, 2, 3]), [1, 2, 3]);
    assert_eq!(
        round_trip(&TupleStruct(-1, "a".into(), Unit)),
        [0xff, 1, 0, 0, 0, b'a']
    );
    round_trip(&rich());
}

#[test]
fn collections_round_trip() {
    assert_eq!(round_trip(&vec![1u16, 2]), [2, 0, 0, 0, 1, 0, 2, 0]);
    round_trip(&vec![vec![1u32], vec![], vec![2, 3]]);
    round_trip(&Vec::<String>::new());
    let btree: BTreeMap<u8, Vec<String>> = [(1, vec!["x".into()]), (2, vec![])].into();
    assert_eq!(
        round_trip(&BTreeMap::from([(1u8, 2u8)])),
        [1, 0, 0, 0, 1, 2]
    );
    round_trip(&btree);
    let hash: HashMap<String, BTreeMap<u8, Option<i32>>> = [
        ("a".into(), [(1, Some(-1)), (2, None)].into()),
        ("b".into(), BTreeMap::new()),
    ]
    .into();
    round_trip(&hash);
}

#[test]
fn enums_of_every_variant_kind_round_trip() {
    assert_eq!(round_trip(&Kinds::Unit), [0, 0, 0, 0]);
    assert_eq!(round_trip(&Kinds::Newtype(1)), [1, 0, 0, 0, 1, 0, 0, 0]);
    assert_eq!(
        round_trip(&Kinds::Tuple(-1, String::new())),
        [2, 0, 0, 0, 0xff, 0, 0, 0, 0]
    );
    assert_eq!(
        round_trip(&Kinds::Struct {
            x: None,
            y: vec![Kinds::Unit]
        }),
        [3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    );
    round_trip(&Some(Kinds::Struct {
        x: Some('q'),
        y: vec![],
    }));
}

#[test]
fn skipped_fields_are_absent_on_both_sides() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Skips {
        a: u8,
        #[serde(skip)]
        b: u64,
        c: u8,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct TupleSkips(u8, #[serde(skip)] u64, u8);
    assert_eq!(round_trip(&Skips { a: 1, b: 0, c: 2 }), [1, 2]);
    assert_eq!(round_trip(&TupleSkips(1, 0, 2)), [1, 2]);
}

/// Serializes as a seq or map whose length it does not state, or misstates.
struct Streamed {
    items: Vec<u32>,
    stated: Option<usize>,
    as_map: bool,
}

impl Serialize for Streamed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.as_map {
            let mut map = serializer.serialize_map(self.stated)?;
            for item in &self.items {
                map.serialize_key(item)?;
                map.serialize_value(&item.to_string())?;
            }
            map.end()
        } else {
            let mut seq = serializer.serialize_seq(self.stated)?;
            for item in &self.items {
                seq.serialize_element(item)?;
            }
            seq.end()
        }
    }
}

#[test]
fn seqs_and_maps_of_unknown_or_wrong_length_get_the_true_count() {
    for stated in [None, Some(0), Some(99)] {
        let seq = Streamed {
            items: vec![3, 1, 2],
            stated,
            as_map: false,
        };
        let bytes = encode(&seq);
        assert_eq!(&bytes[..4], [3, 0, 0, 0]);
        assert_eq!(from_bytes::<Vec<u32>>(&bytes).unwrap(), vec![3, 1, 2]);

        let map = Streamed {
            items: vec![3, 1],
            stated,
            as_map: true,
        };
        let back: BTreeMap<u32, String> = from_bytes(&encode(&map)).unwrap();
        assert_eq!(back, [(1, "1".into()), (3, "3".into())].into());
    }
}

#[test]
fn to_bytes_appends_and_leaves_no_partial_value_on_error() {
    let mut out = vec![9, 9];
    to_bytes(&1u8, &mut out).unwrap();
    assert_eq!(out, [9, 9, 1]);
    let err = to_bytes(&(5u8, vec![(); 100]), &mut out).unwrap_err();
    assert_eq!(err.kind(), SerdeErrorKind::LengthTooLarge);
    assert_eq!(out, [9, 9, 1]);
}

#[test]
fn identifiers_are_indices() {
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(field_identifier)]
    enum Field {
        A,
        B,
    }
    assert_eq!(from_bytes::<Field>(&[1, 0, 0, 0]).unwrap(), Field::B);
    assert_eq!(from_bytes::<Field>(&[0, 0, 0, 0]).unwrap(), Field::A);
}

#[test]
fn self_describing_features_are_unsupported() {
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(untagged)]
    enum Untagged {
        A(u32),
    }
    let bytes = encode(&Untagged::A(5));
    assert_eq!(kind_of::<Untagged>(&bytes), SerdeErrorKind::Unsupported);
    assert_eq!(kind_of::<IgnoredAny>(&[]), SerdeErrorKind::Unsupported);
}

// ---- hostile input --------------------------------------------------------

#[test]
fn every_truncation_is_an_error() {
    let bytes = encode(&rich());
    for len in 0..bytes.len() {
        assert!(
            from_bytes::<Rich>(&bytes[..len]).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    assert_eq!(kind_of::<u32>(&[1, 2, 3]), SerdeErrorKind::Truncated);
}

#[test]
fn huge_lengths_are_refused_before_allocating() {
    let mut huge = vec![0xff; 4];
    huge.extend_from_slice(&[0; 10]);
    assert_eq!(kind_of::<Vec<u64>>(&huge), SerdeErrorKind::LengthTooLarge);
    assert_eq!(kind_of::<String>(&huge), SerdeErrorKind::LengthTooLarge);
    assert_eq!(kind_of::<ByteBuf>(&huge), SerdeErrorKind::LengthTooLarge);
    assert_eq!(
        kind_of::<HashMap<u32, u32>>(&huge),
        SerdeErrorKind::LengthTooLarge
    );
    assert_eq!(
        kind_of::<BTreeMap<u8, ()>>(&huge),
        SerdeErrorKind::LengthTooLarge
    );
    // Just one byte too many is as wrong as four billion.
    assert_eq!(
        kind_of::<String>(&[3, 0, 0, 0, b'a', b'b']),
        SerdeErrorKind::LengthTooLarge
    );

    // A count within the element budget but beyond the bytes present: the
    // size hint is capped by the input, and reading runs out.
    let mut within_budget = encode(&"x".repeat(200));
    within_budget.extend_from_slice(&[100, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    let err = from_bytes::<(String, Vec<u64>)>(&within_budget).unwrap_err();
    assert_eq!(err.kind(), SerdeErrorKind::Truncated);
}

#[test]
fn zero_byte_elements_are_limited_to_one_per_byte() {
    // Four elements fit in the four bytes of the count; five do not.
    assert_eq!(round_trip(&vec![(); 4]), [4, 0, 0, 0]);
    let mut out = Vec::new();
    let err = to_bytes(&vec![(); 5], &mut out).unwrap_err();
    assert_eq!(err.kind(), SerdeErrorKind::LengthTooLarge);
    assert_eq!(
        kind_of::<Vec<()>>(&[5, 0, 0, 0]),
        SerdeErrorKind::LengthTooLarge
    );

    // Nested, each inner count would be within the remaining bytes, so
    // without a message-wide budget 1000 bytes could declare ~250,000 elements.
    let mut quadratic = 249u32.to_le_bytes().to_vec();
    for _ in 0..249 {
        quadratic.extend_from_slice(&990u32.to_le_bytes());
    }
    assert_eq!(
        kind_of::<Vec<Vec<()>>>(&quadratic),
        SerdeErrorKind::LengthTooLarge
    );
}

#[test]
fn malformed_scalars_are_refused() {
    assert_eq!(kind_of::<bool>(&[2]), SerdeErrorKind::InvalidBool);
    assert_eq!(kind_of::<bool>(&[0xff]), SerdeErrorKind::InvalidBool);
    assert_eq!(
        kind_of::<String>(&[2, 0, 0, 0, 0xc3, 0x28]),
        SerdeErrorKind::InvalidUtf8
    );
    let borrowed = from_bytes::<&str>(&[1, 0, 0, 0, 0x80]).unwrap_err();
    assert_eq!(borrowed.kind(), SerdeErrorKind::InvalidUtf8);
    for bad in [0xd800u32, 0xdfff, 0x11_0000, u32::MAX] {
        assert_eq!(
            kind_of::<char>(&bad.to_le_bytes()),
            SerdeErrorKind::InvalidChar
        );
    }
    assert_eq!(kind_of::<Option<u8>>(&[2, 0]), SerdeErrorKind::InvalidTag);
    let unknown_variant = from_bytes::<Kinds>(&[4, 0, 0, 0]).unwrap_err();
    assert_eq!(unknown_variant.kind(), SerdeErrorKind::Custom);
    assert!(
        unknown_variant.to_string().contains("variant index"),
        "{unknown_variant}"
    );
}

#[test]
fn trailing_bytes_are_refused() {
    assert_eq!(kind_of::<u8>(&[1, 2]), SerdeErrorKind::TrailingBytes);
    assert_eq!(kind_of::<()>(&[0]), SerdeErrorKind::TrailingBytes);
    let mut bytes = encode(&rich());
    bytes.push(0);
    assert_eq!(kind_of::<Rich>(&bytes), SerdeErrorKind::TrailingBytes);
}

#[derive(Debug, Serialize, Deserialize)]
enum Tree {
    Leaf,
    Node(Box<Tree>),
}

fn tree(nodes: usize) -> Tree {
    (0..nodes).fold(Tree::Leaf, |t, _| Tree::Node(Box::new(t)))
}

/// Runs `f` on a thread with a small stack, as a sandboxed reader might have.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn nesting_up_to_max_depth_works_on_a_small_stack() {
    // Each enum is one level, so MAX_DEPTH - 1 nodes and the leaf fill it.
    let bytes = encode(&tree(MAX_DEPTH - 1));
    let decoded = on_small_stack(move || from_bytes::<Tree>(&bytes).map(|_| ()));
    assert_eq!(decoded, Ok(()));

    let err = to_bytes(&tree(MAX_DEPTH), &mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), SerdeErrorKind::TooDeep);
    let mut too_deep = encode(&tree(MAX_DEPTH - 1));
    too_deep.splice(0..0, [1, 0, 0, 0]);
    assert_eq!(kind_of::<Tree>(&too_deep), SerdeErrorKind::TooDeep);
}

#[test]
fn depth_bombs_are_refused_not_stack_overflows() {
    // Serialize only so that the field counts as read.
    #[derive(Debug, Serialize, Deserialize)]
    struct Nest(Vec<Nest>);

    let kinds = on_small_stack(|| {
        let mut enum_bomb = [1u8, 0, 0, 0].repeat(1_000_000);
        enum_bomb.extend_from_slice(&[0, 0, 0, 0]);
        let option_bomb = vec![1u8; 1_000_000];
        let seq_bomb = [1u8, 0, 0, 0].repeat(1_000_000);
        [
            from_bytes::<Tree>(&enum_bomb).unwrap_err().kind(),
            from_bytes::<Nested>(&option_bomb).unwrap_err().kind(),
            from_bytes::<Nest>(&seq_bomb).unwrap_err().kind(),
        ]
    });
    assert_eq!(kinds, [SerdeErrorKind::TooDeep; 3]);
}

#[derive(Debug, Serialize, Deserialize)]
struct Nested(Option<Box<Nested>>);

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_and_mutated_input_never_panics() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..5_000 {
        let len = (rng.next() % 300) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = from_bytes::<Rich>(&bytes);
        let _ = from_bytes::<Vec<Kinds>>(&bytes);
    }
    // Random bytes rarely get past the first field; flipping bytes of a valid
    // encoding reaches every part of the reader.
    let valid = encode(&rich());
    for _ in 0..20_000 {
        let mut bytes = valid.clone();
        for _ in 0..1 + rng.next() % 4 {
            let at = (rng.next() % bytes.len() as u64) as usize;
            bytes[at] = rng.next() as u8;
        }
        if let Ok(value) = from_bytes::<Rich>(&bytes) {
            // Whatever the reader accepts, the writer can write and the
            // reader read again, within the same limits. (Shorter, if the
            // mutation made two map keys equal.)
            let again = encode(&value);
            assert!(again.len() <= bytes.len());
            from_bytes::<Rich>(&again).unwrap();
        }
    }
}
