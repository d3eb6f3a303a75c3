//! Decodes arbitrary bytes with an arbitrary table of rights as a `Root`
//! (see `src/lib.rs`). Whatever happens, every right is released exactly
//! once; a message that decodes re-encodes, and its re-encoding decodes to
//! the same bytes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use machproto_runtime::testing::RightCounter;
use machproto_runtime::wire::{self, Message};
use machproto_runtime_fuzz::{Input, Root};

fuzz_target!(|input: Input| {
    let counter = RightCounter::new();
    let message = Message {
        bytes: input.bytes.clone(),
        rights: input.make_rights(&counter),
    };
    match wire::decode::<Root>(message) {
        Err(error) => {
            // Rendering the error must not panic either.
            let _ = error.to_string();
        }
        Ok(root) => {
            let first = wire::encode(root).expect("a decoded message re-encodes");
            assert_eq!(
                first.rights.len(),
                input.rights.len(),
                "every right claimed is carried again"
            );
            let bytes = first.bytes.clone();
            let kinds: Vec<_> = first.rights.iter().map(|r| r.kind()).collect();
            let again: Root = wire::decode(first).expect("a re-encoded message decodes");
            let second = wire::encode(again).expect("re-encodes twice");
            assert_eq!(second.bytes, bytes, "re-encoding is stable");
            let second_kinds: Vec<_> = second.rights.iter().map(|r| r.kind()).collect();
            assert_eq!(second_kinds, kinds, "rights keep their kinds and order");
        }
    }
    assert_eq!(
        counter.released(),
        counter.created(),
        "every right released exactly once"
    );
    assert_eq!(counter.live(), 0);
});
