//! Generated code: a snapshot of the output for every canonical protocol
//! and every valid corpus input (CI runs with `INSTA_UPDATE=no`), output
//! that does not change between runs, and generated types that travel as
//! the language says (bounds inside bounds, flexible enums, unions with
//! rights, recursive types). The crate itself compiles the generated code
//! (`build.rs`), and CI's clippy run lints it with `-D warnings`.

use std::path::{Path, PathBuf};

use machproto_idl::Compiler;
use machproto_runtime::wire::{self, DecodeErrorKind};
use machproto_tests::generated;

/// The generated Rust for `path` (relative to this crate).
fn generate(path: &Path) -> String {
    // Relative to this crate, so no machine's paths reach the snapshots.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative: PathBuf = match (path.strip_prefix(root), root.parent()) {
        (Ok(inside), _) => inside.to_path_buf(),
        (Err(_), Some(workspace)) => match path.strip_prefix(workspace) {
            Ok(beside) => Path::new("..").join(beside),
            Err(_) => path.to_path_buf(),
        },
        (Err(_), None) => path.to_path_buf(),
    };
    let mut compiler = Compiler::from_fs();
    compiler.include("../protocols");
    compiler.include("inputs");
    let compilation = compiler
        .compile(&[&relative])
        .unwrap_or_else(|errors| panic!("cannot open {}: {errors:?}", relative.display()));
    let model = compilation
        .model
        .as_ref()
        .filter(|_| compilation.is_ok())
        .unwrap_or_else(|| panic!("{}", compilation.render_diagnostics()));
    machproto_codegen::generate(model, &relative.display().to_string())
}

#[test]
fn every_canonical_protocol_generates_as_snapshotted() {
    insta::glob!("../../protocols", "**/*.mproto", |path| {
        insta::assert_snapshot!("protocol", generate(path));
    });
}

#[test]
fn every_valid_input_generates_as_snapshotted() {
    insta::glob!("../inputs/ok", "*.mproto", |path| {
        insta::assert_snapshot!("input", generate(path));
    });
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    for file in [
        "../protocols/gfx/compositor.mproto",
        "../protocols/fileserver.mproto",
        "inputs/ok/types_all.mproto",
    ] {
        let path = Path::new(file);
        assert_eq!(generate(path), generate(path), "{file}");
    }
}

#[test]
fn bounds_inside_bounds_are_checked_on_send_and_receipt() {
    use generated::fileserver::fs_server::{DirEntry, Path as FsPath, Stat};
    let stat = Stat {
        size: 1,
        mode: 0o644,
        is_dir: false,
        modified_ns: -5,
    };
    let entry = DirEntry {
        name: "notes.txt".into(),
        stat: stat.clone(),
    };
    let message = wire::encode(entry.clone()).unwrap();
    assert_eq!(wire::decode::<DirEntry>(message).unwrap(), entry);
    // `name: string<MAX_NAME>` with MAX_NAME = 255.
    let long = DirEntry {
        name: "n".repeat(256),
        stat,
    };
    assert!(wire::encode(long).is_err(), "refused on send");
    let path = FsPath {
        value: "p".repeat(4097),
    };
    assert!(
        wire::encode(path).is_err(),
        "string<MAX_PATH> refused on send"
    );
    // A peer that ignores the bound is refused on receipt, at the field.
    let forged = wire::encode(("n".repeat(256), 1u64, 0u32, false, 0i64)).unwrap();
    let error = wire::decode::<DirEntry>(forged).unwrap_err();
    assert!(
        matches!(error.kind(), DecodeErrorKind::BoundExceeded { .. }),
        "{error}"
    );
}

#[test]
fn a_flexible_enum_keeps_unknown_values_and_a_closed_one_refuses_them() {
    use generated::fileserver::fs_server::{FsError, OpenMode};
    let unknown = wire::encode(0x42u32).unwrap();
    assert_eq!(
        wire::decode::<FsError>(unknown).unwrap(),
        FsError::Unknown(0x42)
    );
    let known = wire::encode(0xFFu32).unwrap();
    assert_eq!(wire::decode::<FsError>(known).unwrap(), FsError::Io);
    assert_eq!(FsError::Io.value(), 0xFF);
    let bad = wire::encode(9u32).unwrap();
    let error = wire::decode::<OpenMode>(bad).unwrap_err();
    assert_eq!(error.kind(), &DecodeErrorKind::UnknownVariant(9));
}

#[test]
fn a_union_with_rights_and_explicit_enum_values_round_trip() {
    use generated::compositor::gfx_texture::{Format, SurfaceDescriptor, SurfaceInfo};
    use machproto_runtime::testing::RightCounter;
    let counter = RightCounter::new();
    let surface = SurfaceDescriptor::Surface(SurfaceInfo {
        id: 7,
        size: [640, 480],
        format: Format::Bgra8,
        surface: counter.send_right(),
    });
    let message = wire::encode(surface).unwrap();
    assert_eq!(message.rights.len(), 1);
    match wire::decode::<SurfaceDescriptor>(message).unwrap() {
        SurfaceDescriptor::Surface(info) => {
            assert_eq!(
                (info.id, info.size, info.format),
                (7, [640, 480], Format::Bgra8)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(counter.released(), 1, "the right was released once");
    assert_eq!(Format::Bgra8.value(), 7);
    let none = wire::decode::<SurfaceDescriptor>(wire::encode(SurfaceDescriptor::None).unwrap());
    assert!(matches!(none.unwrap(), SurfaceDescriptor::None));
}

#[test]
fn recursive_types_round_trip() {
    use generated::recursion::corpus_recursion::{List, Node};
    let list = List {
        head: 1,
        tail: Some(Box::new(List {
            head: 2,
            tail: None,
        })),
    };
    assert_eq!(
        wire::decode::<List>(wire::encode(list.clone()).unwrap()).unwrap(),
        list
    );
    let tree = Node {
        value: 1,
        children: vec![Node {
            value: 2,
            children: Vec::new(),
        }],
    };
    assert_eq!(
        wire::decode::<Node>(wire::encode(tree.clone()).unwrap()).unwrap(),
        tree
    );
}
