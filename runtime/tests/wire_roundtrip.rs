//! Every type of the language's type table survives encode + decode,
//! alone and nested, including values that hold rights.

use std::collections::BTreeMap;

use machproto_macros::MachMessage;
use machproto_runtime::testing::RightCounter;
use machproto_runtime::wire::{self, MachMessage as _};
use machproto_runtime::{
    Endpoint, ProtocolSide, ReceiveRight, SendOnceRight, SendRight, SharedMemory, Side,
};

fn round_trip<T: machproto_runtime::MachMessage>(value: T) -> T {
    let message = wire::encode(value).expect("encodes");
    wire::decode(message).expect("decodes")
}

fn assert_round_trip<T: machproto_runtime::MachMessage + PartialEq + std::fmt::Debug + Clone>(
    value: T,
) {
    assert_eq!(round_trip(value.clone()), value);
}

#[test]
fn scalars_keep_their_extremes() {
    for v in [u8::MIN, 1, u8::MAX] {
        assert_round_trip(v);
    }
    for v in [u16::MIN, u16::MAX] {
        assert_round_trip(v);
    }
    for v in [u32::MIN, 0xdead_beef, u32::MAX] {
        assert_round_trip(v);
    }
    for v in [u64::MIN, u64::MAX] {
        assert_round_trip(v);
    }
    for v in [i8::MIN, -1, i8::MAX] {
        assert_round_trip(v);
    }
    for v in [i16::MIN, i16::MAX] {
        assert_round_trip(v);
    }
    for v in [i32::MIN, i32::MAX] {
        assert_round_trip(v);
    }
    for v in [i64::MIN, i64::MAX] {
        assert_round_trip(v);
    }
    assert_round_trip(true);
    assert_round_trip(false);
    for v in [0.0f32, -0.0, f32::MAX, f32::MIN_POSITIVE, f32::INFINITY] {
        assert_eq!(round_trip(v).to_bits(), v.to_bits());
    }
    for v in [0.0f64, -0.0, f64::MAX, f64::NEG_INFINITY, f64::NAN] {
        assert_eq!(round_trip(v).to_bits(), v.to_bits());
    }
}

#[test]
fn wire_layout_is_compact_little_endian() {
    let message = wire::encode((1u16, true, String::from("hi"), Some(7u8), vec![3u32])).unwrap();
    assert_eq!(
        message.bytes,
        [
            1, 0, 1, 2, 0, 0, 0, b'h', b'i', 1, 7, 1, 0, 0, 0, 3, 0, 0, 0
        ]
    );
    assert!(message.rights.is_empty());
}

#[test]
fn text_bytes_sequences_maps_options_and_tuples() {
    assert_round_trip(String::new());
    assert_round_trip(String::from("grüße, 世界 🦀"));
    assert_round_trip(Vec::<u8>::new());
    assert_round_trip((0..=255u8).collect::<Vec<_>>());
    assert_round_trip(vec![u64::MAX, 0, 42]);
    assert_round_trip([1u32, 2, 3, 4]);
    assert_round_trip([[1u8; 3]; 2]);
    assert_round_trip(BTreeMap::from([
        (1u32, "one".to_owned()),
        (2, "two".to_owned()),
    ]));
    assert_round_trip(BTreeMap::from([("k".to_owned(), vec![true, false])]));
    assert_round_trip(Option::<u8>::None);
    assert_round_trip(Some(Some(3i16)));
    assert_round_trip(());
    assert_round_trip((1u8,));
    assert_round_trip((1u8, 2u16, 3u32, 4u64, 5i8, 6i16, 7i32, String::from("8")));
    assert_round_trip(vec![Some(vec![(1u8, String::from("x"))]), None]);
}

#[derive(Debug, Clone, PartialEq, MachMessage)]
struct Named {
    id: u64,
    #[mach(bound = 16)]
    name: String,
    tags: Vec<String>,
    size: [u32; 2],
    parent: Option<u64>,
    attributes: BTreeMap<u32, bool>,
}

#[derive(Debug, Clone, PartialEq, MachMessage)]
struct Tuple(u8, String);

#[derive(Debug, Clone, PartialEq, MachMessage)]
struct Unit;

#[derive(Debug, Clone, Copy, PartialEq, MachMessage)]
enum Format {
    Rgba8,
    Bgra8 = 7,
    Yuv420,
}

#[derive(Debug, Clone, PartialEq, MachMessage)]
enum Shape {
    Empty,
    Circle(f64),
    Rect { width: u32, height: u32 },
    Named(Named, Tuple),
}

#[derive(Debug, Clone, PartialEq, MachMessage)]
struct Wrapper<T> {
    inner: T,
    list: Vec<T>,
}

#[derive(Debug, Clone, PartialEq, MachMessage)]
struct Node {
    value: u32,
    next: Option<Box<Node>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Config {
    verbose: bool,
    paths: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, MachMessage)]
struct WithSerde {
    #[mach(serde)]
    config: Config,
    after: u8,
}

fn named() -> Named {
    Named {
        id: 7,
        name: "texture".into(),
        tags: vec!["a".into(), "bc".into()],
        size: [640, 480],
        parent: Some(1),
        attributes: BTreeMap::from([(1, true), (9, false)]),
    }
}

#[test]
fn derived_structs_and_enums() {
    assert_round_trip(named());
    assert_round_trip(Tuple(3, "t".into()));
    assert_round_trip(Unit);
    for format in [Format::Rgba8, Format::Bgra8, Format::Yuv420] {
        assert_round_trip(format);
    }
    // Fieldless enums travel as their discriminant.
    assert_eq!(wire::encode(Format::Yuv420).unwrap().bytes, [8, 0, 0, 0]);
    for shape in [
        Shape::Empty,
        Shape::Circle(1.5),
        Shape::Rect {
            width: 3,
            height: 4,
        },
        Shape::Named(named(), Tuple(1, String::new())),
    ] {
        assert_round_trip(shape);
    }
    assert_round_trip(Wrapper {
        inner: 5u16,
        list: vec![1, 2],
    });
    assert_round_trip(Node {
        value: 1,
        next: Some(Box::new(Node {
            value: 2,
            next: None,
        })),
    });
    assert_round_trip(WithSerde {
        config: Config {
            verbose: true,
            paths: vec!["/tmp".into()],
        },
        after: 9,
    });
}

#[derive(Debug, MachMessage)]
struct Carrier {
    label: String,
    send: SendRight,
    once: Option<SendOnceRight>,
    receive: ReceiveRight,
    regions: Vec<SharedMemory>,
    by_name: BTreeMap<String, SendRight>,
    pair: (u8, SendRight),
}

struct TestParent;
impl ProtocolSide for TestParent {
    const PROTOCOL: &'static str = "test.Echo";
    const SIDE: Side = Side::Parent;
}

#[derive(Debug, MachMessage)]
struct WithEndpoint {
    endpoint: Endpoint<TestParent>,
}

#[test]
fn rights_travel_in_the_table_and_come_back() {
    let counter = RightCounter::new();
    let carrier = Carrier {
        label: "c".into(),
        send: counter.send_right(),
        once: Some(counter.send_once_right()),
        receive: counter.receive_right(),
        regions: vec![counter.shared_memory(4096), counter.shared_memory(8)],
        by_name: BTreeMap::from([("a".into(), counter.send_right())]),
        pair: (1, counter.send_right()),
    };
    let message = wire::encode(carrier).unwrap();
    assert_eq!(message.rights.len(), 7);
    assert_eq!(counter.live(), 7);
    let carrier: Carrier = wire::decode(message).unwrap();
    assert_eq!(carrier.regions[0].len(), 4096);
    assert_eq!(
        counter.released(),
        0,
        "nothing released while the value lives"
    );
    drop(carrier);
    assert_eq!((counter.created(), counter.released()), (7, 7));

    let endpoint =
        Endpoint::<TestParent>::from_parts(counter.receive_right(), counter.send_right(), 99);
    let back: WithEndpoint = round_trip(WithEndpoint { endpoint });
    assert_eq!(back.endpoint.nonce(), 99);
    drop(back);
    assert_eq!(counter.live(), 0);
}

#[test]
fn encoding_checks_bounds_and_releases_rights_on_failure() {
    let too_long = Named {
        name: "x".repeat(17),
        ..named()
    };
    let error = wire::encode(too_long).unwrap_err();
    assert_eq!(
        error,
        machproto_runtime::EncodeError::BoundExceeded { len: 17, bound: 16 }
    );

    #[derive(Debug, MachMessage)]
    struct RightThenBounded {
        right: SendRight,
        #[mach(bound = 1)]
        items: Vec<u8>,
    }
    let counter = RightCounter::new();
    let result = wire::encode(RightThenBounded {
        right: counter.send_right(),
        items: vec![1, 2],
    });
    assert!(result.is_err());
    assert_eq!(
        counter.live(),
        0,
        "a failed encode releases the rights it took"
    );
}

#[test]
fn min_encoded_size_is_a_lower_bound() {
    assert_eq!(
        <Named as machproto_runtime::MachMessage>::MIN_ENCODED_SIZE,
        8 + 4 + 4 + 8 + 1 + 4
    );
    assert_eq!(Format::MIN_ENCODED_SIZE, 4);
    let smallest = wire::encode(Shape::Empty).unwrap();
    assert!(smallest.bytes.len() >= Shape::MIN_ENCODED_SIZE);
}

mod reexport {
    pub(crate) use machproto_runtime as rt;
}

/// Names that could clash with the generated code's own.
#[derive(Debug, Clone, PartialEq, MachMessage)]
#[mach(crate = "reexport::rt")]
struct Awkward {
    encoder: u8,
    decoder: String,
    r#type: Option<u16>,
    error: bool,
    tag: u32,
}

#[derive(Debug, Clone, PartialEq, MachMessage)]
enum AwkwardEnum {
    Ok { encoder: u8 },
    Err(String),
    None,
}

#[test]
fn derive_is_hygienic_and_follows_the_crate_path() {
    assert_round_trip(Awkward {
        encoder: 1,
        decoder: "d".into(),
        r#type: Some(2),
        error: true,
        tag: 3,
    });
    for value in [
        AwkwardEnum::Ok { encoder: 1 },
        AwkwardEnum::Err("e".into()),
        AwkwardEnum::None,
    ] {
        assert_round_trip(value);
    }
}
