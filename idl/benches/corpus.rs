//! The benchmark corpus, shared by the front end's and the generator's
//! benchmarks: one large, valid protocol file generated in code,
//! deterministically. Groups of five protocols (a `sync protocol` that
//! manages two protocols, and two more top-level ones), each with 20
//! messages, plus a few structs, enums and unions per group.
#![allow(dead_code)] // Each benchmark uses its own subset.

use std::fmt::Write as _;

use machproto_idl::{Compiler, MemoryLoader};

pub(crate) const FILE: &str = "bench/big.mproto";

/// Messages per protocol.
const MESSAGES: usize = 20;

/// Protocols per group: `Hub`, `LeafA`, `LeafB` (managed by `Hub`), `Service`, `Monitor`.
const GROUP: usize = 5;

/// One file with `protocols` protocols of [`MESSAGES`] messages each.
pub(crate) fn generate(protocols: usize) -> String {
    assert_eq!(protocols % GROUP, 0, "whole groups only");
    let mut out = String::new();
    let w = &mut out;
    w.push_str(
        "//! Generated benchmark input: many protocols in one package.\n\
         package bench.big;\n\n\
         /// The longest list a message may carry.\n\
         const MAX_ITEMS: u32 = 4096;\n\
         const MAX_NAME: u32 = 64;\n\n\
         /// A point in surface coordinates.\n\
         using Point = \"crate::geom::Point\";\n\
         [Serde] using Config = \"crate::Config\";\n\n\
         /// Why a request failed.\n\
         enum Failure { Busy, NotFound = 4, Denied, Timeout, }\n\n\
         /// A surface handed from one process to another.\n\
         resource struct Surface {\n    id: u64,\n    size: [u32; 2],\n    port: send_right,\n    pixels: shmem?,\n}\n\n\
         resource union Handle {\n    surface: Surface,\n    file: fd,\n    none,\n}\n\n",
    );
    for g in 0..protocols / GROUP {
        group(w, g);
    }
    out
}

/// The declarations and five protocols of group `g`.
fn group(w: &mut String, g: usize) {
    writeln!(
        w,
        "/// Everything group {g} knows about one item.\n\
         struct Info{g} {{\n    id: u64,\n    name: string<MAX_NAME>,\n    tags: vec<string<32>, MAX_ITEMS>,\n    \
         state: State{g},\n    origin: Point?,\n    children: vec<Info{g}>,\n    attributes: map<string, Payload{g}>,\n}}\n\n\
         enum State{g} {{ Idle, Running = 10, Stopped, Failed }}\n\n\
         flexible enum Kind{g} {{ Small, Medium, Large }}\n\n\
         /// A value of one of several kinds.\n\
         union Payload{g} {{\n    number: i64,\n    text: string<256>,\n    data: bytes<4096>,\n    info: Info{g},\n    empty,\n}}\n\n\
         enum Error{g} {{ Busy, Gone }}\n"
    )
    .unwrap();

    // The manager: a sync protocol with two constructors.
    writeln!(
        w,
        "/// Hub {g}: manages the leaves of group {g}.\n\
         [ChildProc = content]\n\
         sync protocol Hub{g} {{\n    manages LeafA{g}, LeafB{g};\n\nparent:\n    \
         /// Constructs a `LeafA{g}`.\n    async LeafA{g}(id: u64, info: Info{g});\n    \
         async LeafB{g}(id: u64, surface: Surface);"
    )
    .unwrap();
    messages(w, g, 2, MESSAGES, true);
    w.push_str("}\n\n");

    // Two managed protocols, each with its destructor.
    for leaf in ["LeafA", "LeafB"] {
        writeln!(
            w,
            "/// A {leaf} actor of group {g}.\n\
             protocol {leaf}{g} {{\n    manager Hub{g};\n\nchild:"
        )
        .unwrap();
        messages(w, g, 0, MESSAGES - 1, false);
        w.push_str("both:\n    async delete(reason: string<128>);\n}\n\n");
    }

    // Two more top-level protocols.
    writeln!(
        w,
        "[ParentProc = gpu]\nsync protocol Service{g} {{\nparent:\n    \
         async Bridge(hub: endpoint<Hub{g}Child>);"
    )
    .unwrap();
    messages(w, g, 1, MESSAGES, true);
    w.push_str("}\n\n");
    writeln!(w, "protocol Monitor{g} {{\nboth:").unwrap();
    messages(w, g, 0, MESSAGES, false);
    w.push_str("}\n\n");
}

/// Messages `from..to` of a protocol; the first half goes under the label
/// already written, the second half under `child:` (when the current label is
/// `parent:`). `sync` messages are generated only under `parent:` of a sync protocol.
fn messages(w: &mut String, g: usize, from: usize, to: usize, sync_parent: bool) {
    let half = (from + to) / 2;
    for i in from..to {
        let in_parent = sync_parent && i < half;
        if sync_parent && i == half {
            w.push_str("\nchild:\n");
        }
        match i % 8 {
            0 => writeln!(
                w,
                "    /// Reports progress on item {i}.\n    \
                 [Priority = input]\n    async Progress{i}(id: u64, done: u32, total: u32);"
            ),
            1 => writeln!(
                w,
                "    async Fetch{i}(key: string<MAX_NAME>) -> (info: Info{g}?) error Error{g};"
            ),
            2 => writeln!(
                w,
                "    [Compress]\n    async Invalidate{i}(region: [u32; 4], kind: Kind{g});"
            ),
            3 if in_parent => writeln!(
                w,
                "    /// Blocks until none of `ids` is in use.\n    \
                 [Timeout = 100ms]\n    sync Wait{i}(ids: vec<u64, MAX_ITEMS>) -> (ok: bool);"
            ),
            3 => writeln!(
                w,
                "    async Store{i}(items: vec<Info{g}, MAX_ITEMS>, config: Config) -> ();"
            ),
            4 => writeln!(
                w,
                "    [Priority = vsync, Tainted]\n    \
                 async Upload{i}(data: bytes<65536>, payload: Payload{g}, state: State{g});"
            ),
            5 => writeln!(
                w,
                "    async Lookup{i}(names: map<string<32>, u64>) -> (slot: i32, state: State{g}) \
                 error Failure;"
            ),
            6 => writeln!(
                w,
                "    [ReplyPriority = control, Timeout = 2s]\n    \
                 async Query{i}(x: i32, y: i32, origin: Point) -> (hit: bool, id: u64?);"
            ),
            _ => writeln!(
                w,
                "    /// Hands over a resource.\n    \
                 async Give{i}(handle: Handle, note: string<256>, flags: u16);"
            ),
        }
        .unwrap();
    }
}

/// A loader holding the generated file of `protocols` protocols, checked once
/// to be valid (zero errors and zero warnings).
pub(crate) fn loader(protocols: usize) -> MemoryLoader {
    let text = generate(protocols);
    let mut files = MemoryLoader::new();
    files.add(FILE, text);
    let compilation = Compiler::new(files.clone())
        .compile(&[FILE])
        .expect("the generated file exists");
    assert!(
        compilation.diagnostics.is_empty(),
        "the generated file must be valid:\n{}",
        compilation.render_diagnostics()
    );
    let model = compilation.model.expect("valid input gives a model");
    let messages: usize = model.protocols.iter().map(|p| p.messages.len()).sum();
    assert_eq!(model.protocols.len(), protocols);
    assert_eq!(messages, protocols * MESSAGES);
    files
}
