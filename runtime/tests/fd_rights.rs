//! File descriptors in messages: real descriptors, counted in
//! `/proc/self/fd`. One test in its own binary, so no other test opens or
//! closes descriptors while it counts.
#![cfg(target_os = "linux")]

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::OwnedFd;

use machproto_macros::MachMessage;
use machproto_runtime::wire::{self, DecodeErrorKind, Message};
use machproto_runtime::{Right, RightKind, SendRight};

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("procfs").count()
}

fn temp_file(contents: &[u8]) -> OwnedFd {
    let path = std::env::temp_dir().join(format!(
        "machproto-fd-{}-{}",
        std::process::id(),
        contents.len()
    ));
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .expect("temp file");
    std::fs::remove_file(&path).expect("unlink");
    file.write_all(contents).expect("write");
    file.into()
}

#[derive(Debug, MachMessage)]
struct Opened {
    #[mach(bound = 256)]
    path: String,
    file: OwnedFd,
    extra: Vec<OwnedFd>,
}

#[test]
fn descriptors_travel_and_are_closed_exactly_once() {
    let before = open_descriptors();

    let message = wire::encode(Opened {
        path: "/data/a".into(),
        file: temp_file(b"hello"),
        extra: vec![temp_file(b"x"), temp_file(b"yy")],
    })
    .expect("encodes");
    assert_eq!(message.rights.len(), 3);
    let opened: Opened = wire::decode(message).expect("decodes");
    let mut file = File::from(opened.file);
    file.rewind().unwrap();
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    assert_eq!(
        text, "hello",
        "the descriptor still refers to the same file"
    );
    drop(file);
    drop(opened.extra);
    assert_eq!(open_descriptors(), before, "all descriptors closed");

    // A descriptor where a send right is declared: rejected and closed.
    #[derive(Debug, MachMessage)]
    struct Port {
        port: SendRight,
    }
    let message = Message {
        bytes: 0u32.to_le_bytes().to_vec(),
        rights: vec![Right::Fd(temp_file(b"z"))],
    };
    let error = wire::decode::<Port>(message).unwrap_err();
    assert_eq!(
        error.kind(),
        &DecodeErrorKind::WrongRightKind {
            index: 0,
            expected: RightKind::Send,
            found: RightKind::Fd
        }
    );
    assert_eq!(open_descriptors(), before);

    // Truncated in the middle: the claimed descriptor and the unreached ones
    // are all closed.
    let message = wire::encode(Opened {
        path: "/p".into(),
        file: temp_file(b"1"),
        extra: vec![temp_file(b"22"), temp_file(b"333")],
    })
    .unwrap();
    for cut in 0..message.bytes.len() {
        let copy = Message {
            bytes: message.bytes[..cut].to_vec(),
            rights: vec![
                Right::Fd(temp_file(b"a")),
                Right::Fd(temp_file(b"bb")),
                Right::Fd(temp_file(b"ccc")),
            ],
        };
        assert!(wire::decode::<Opened>(copy).is_err());
    }
    drop(message);
    assert_eq!(open_descriptors(), before, "no descriptor leaked");
}
