//! Writes `seeds/decode_message/*`: valid messages encoded from `Root`
//! values, in the fuzz input layout. Run from `runtime/fuzz` with
//! `cargo run --bin write_seeds`.

use std::collections::BTreeMap;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use machproto_runtime::testing::RightCounter;
use machproto_runtime::wire;
use machproto_runtime::{Endpoint, SendRight};
use machproto_runtime_fuzz::{
    Entry, FuzzParent, Header, Input, Item, Meta, Mode, Node, RightSpec, Root, State,
};

fn minimal() -> Root {
    Root {
        name: String::new(),
        header: Header {
            id: 0,
            scale: 0.0,
            blob: Vec::new(),
        },
        state: State::Idle,
        items: Vec::new(),
        tree: None,
        table: BTreeMap::new(),
        pair: (0, false),
        corners: [0; 3],
        reply: None,
        endpoint: None,
        meta: Meta {
            note: String::new(),
            numbers: Vec::new(),
            mode: Mode::Off,
            extra: BTreeMap::new(),
        },
    }
}

fn node(value: i64, right: Option<SendRight>, children: Vec<Node>, next: Option<Node>) -> Node {
    Node {
        value,
        right,
        children,
        next: next.map(Box::new),
    }
}

fn full(counter: &RightCounter) -> Root {
    Root {
        name: "compositor".into(),
        header: Header {
            id: 0x0123_4567_89ab_cdef,
            scale: 1.5,
            blob: vec![1, 2, 3, 4],
        },
        state: State::Busy,
        items: vec![
            Item::Text("hello".into()),
            Item::Port {
                port: counter.send_right(),
                weight: -7,
            },
            Item::Memory(counter.shared_memory(4096)),
            Item::Receiver(counter.receive_right()),
            Item::Empty,
        ],
        tree: Some(Box::new(node(
            1,
            None,
            vec![node(2, Some(counter.send_right()), Vec::new(), None)],
            Some(node(3, None, Vec::new(), None)),
        ))),
        table: BTreeMap::from([
            (
                1,
                Entry {
                    labels: vec!["a".into(), "bc".into()],
                    memory: None,
                },
            ),
            (
                40,
                Entry {
                    labels: Vec::new(),
                    memory: Some(counter.shared_memory(16)),
                },
            ),
        ]),
        pair: (-1, true),
        corners: [1, 2, 3],
        reply: Some(counter.send_once_right()),
        endpoint: None,
        meta: Meta {
            note: "plain".into(),
            numbers: vec![1, 2, 3],
            mode: Mode::Window {
                width: 640,
                height: 480,
            },
            extra: BTreeMap::from([("k".into(), Some(-3)), ("z".into(), None)]),
        },
    }
}

fn with_endpoint(counter: &RightCounter) -> Root {
    Root {
        endpoint: Some(Endpoint::<FuzzParent>::from_parts(
            counter.receive_right(),
            counter.send_right(),
            0x1111_2222_3333_4444_5555_6666_7777_8888,
        )),
        meta: Meta {
            mode: Mode::Level(3),
            ..minimal().meta
        },
        ..minimal()
    }
}

fn deep(counter: &RightCounter) -> Root {
    let mut chain = node(0, Some(counter.send_right()), Vec::new(), None);
    for value in 1..20 {
        chain = node(value, None, Vec::new(), Some(chain));
    }
    Root {
        tree: Some(Box::new(chain)),
        ..minimal()
    }
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/decode_message");
    std::fs::create_dir_all(&dir).expect("seed directory");
    let counter = RightCounter::new();
    let seeds = [
        ("minimal", minimal()),
        ("full", full(&counter)),
        ("endpoint", with_endpoint(&counter)),
        ("deep", deep(&counter)),
    ];
    for (name, root) in seeds {
        let message = wire::encode(root).expect("seed encodes");
        let input = Input {
            rights: message.rights.iter().map(RightSpec::of).collect(),
            bytes: message.bytes.clone(),
        };
        drop(message);
        let raw = input.to_fuzz_bytes();
        let back = Input::arbitrary_take_rest(Unstructured::new(&raw)).expect("seed parses");
        assert_eq!(back, input, "the seed reads back as written");
        let check = RightCounter::new();
        let decoded: Root = wire::decode(wire::Message {
            bytes: back.bytes.clone(),
            rights: back.make_rights(&check),
        })
        .expect("seed decodes");
        drop(decoded);
        std::fs::write(dir.join(name), &raw).expect("seed written");
        println!("{name}: {} bytes, {} rights", raw.len(), input.rights.len());
    }
    assert_eq!(counter.live(), 0);
}
