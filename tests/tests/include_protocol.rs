//! `include_protocol!`: the canonical file server generated in place, and
//! used: a sandboxed child asks the broker to open a file and reads it
//! through the descriptor that comes back; a path outside the served root
//! is refused with the protocol's error; `[ParentProc = broker]` holds.
#![cfg(target_os = "linux")]

mod protocol {
    machproto_macros::include_protocol!("../protocols/fileserver.mproto");
}

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use machproto_runtime::actor::{ActorOptions, BadMessage, EventLoop, Responder};
use machproto_runtime::channel::BindError;
use machproto_runtime::create_endpoints;
use protocol::fs_server::*;

const WAIT: Duration = Duration::from_secs(20);

/// Serves files under `root` only.
struct Broker {
    root: PathBuf,
}

impl Broker {
    fn resolve(&self, path: &Path) -> Result<PathBuf, FsError> {
        let wanted = self.root.join(&path.value);
        let canonical = wanted.canonicalize().map_err(|_| FsError::NotFound)?;
        if canonical.starts_with(&self.root) {
            Ok(canonical)
        } else {
            Err(FsError::PermissionDenied)
        }
    }

    fn stat(file: &std::fs::File) -> Stat {
        let meta = file.metadata().expect("an open file has metadata");
        Stat {
            size: meta.len(),
            mode: 0,
            is_dir: meta.is_dir(),
            modified_ns: 0,
        }
    }
}

impl FileServerParentHandler for Broker {
    fn open(
        &mut self,
        _actor: &FileServerParentHandle,
        path: Path,
        _mode: OpenMode,
        responder: Responder<Result<FileServerOpenResults, FsError>>,
    ) {
        let answer = self.resolve(&path).and_then(|path| {
            let file = std::fs::File::open(path).map_err(|_| FsError::Io)?;
            let stat = Broker::stat(&file);
            Ok(FileServerOpenResults {
                file: file.into(),
                stat,
            })
        });
        responder.respond(answer).expect("the answer encodes");
    }

    fn open_all(
        &mut self,
        _actor: &FileServerParentHandle,
        _paths: Vec<Path>,
        _mode: OpenMode,
        responder: Responder<Result<FileServerOpenAllResults, OpenAllError>>,
    ) {
        responder
            .respond(Err(OpenAllError::TooMany))
            .expect("encodes");
    }

    fn read_dir(
        &mut self,
        _actor: &FileServerParentHandle,
        _dir: Path,
        responder: Responder<Result<FileServerReadDirResults, FsError>>,
    ) {
        responder.respond(Err(FsError::Io)).expect("encodes");
    }

    fn stat_path(
        &mut self,
        _actor: &FileServerParentHandle,
        path: Path,
        responder: Responder<Result<FileServerStatPathResults, FsError>>,
    ) {
        let answer = self.resolve(&path).and_then(|path| {
            let file = std::fs::File::open(path).map_err(|_| FsError::Io)?;
            Ok(FileServerStatPathResults {
                stat: Broker::stat(&file),
            })
        });
        responder.respond(answer).expect("encodes");
    }

    fn watch(
        &mut self,
        _actor: &FileServerParentHandle,
        _dir: Path,
        responder: Responder<Result<(), FsError>>,
    ) {
        responder.respond(Ok(())).expect("encodes");
    }
}

struct Sandboxed;

impl FileServerChildHandler for Sandboxed {
    fn changed(&mut self, _actor: &FileServerChildHandle, _dir: Path) {}
}

#[test]
fn a_child_reads_a_file_through_the_descriptor_the_broker_sends() {
    let (event_loop, _) = EventLoop::spawn("fs").unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    let (broker_end, child_end) = create_endpoints::<FileServer>().unwrap();
    let _broker = FileServerParent::open(
        broker_end,
        &event_loop,
        &ActorOptions::new("browser"),
        Broker { root: root.clone() },
    )
    .unwrap();
    // `[ParentProc = broker]`: the child refuses a parent side bound by
    // another kind of process, and reports it.
    let (refused_tx, refused_rx) = std::sync::mpsc::channel();
    let options = ActorOptions::new("sandboxed").on_bad_message(move |report| {
        let _ = refused_tx.send(report.reason.clone());
    });
    let _child = FileServerChild::open(child_end, &event_loop, &options, Sandboxed).unwrap();
    let reason = refused_rx.recv_timeout(WAIT).expect("the bind is refused");
    assert_eq!(
        reason,
        BadMessage::Bind(BindError::ProcessKindRefused {
            expected: "broker".into(),
            found: "browser".into(),
        })
    );

    let (broker_end, child_end) = create_endpoints::<FileServer>().unwrap();
    let _broker = FileServerParent::open(
        broker_end,
        &event_loop,
        &ActorOptions::new("broker"),
        Broker { root: root.clone() },
    )
    .unwrap();
    let child = FileServerChild::open(
        child_end,
        &event_loop,
        &ActorOptions::new("sandboxed"),
        Sandboxed,
    )
    .unwrap();
    let opened = child
        .open(
            Path {
                value: "Cargo.toml".into(),
            },
            OpenMode::Read,
        )
        .unwrap()
        .wait(WAIT)
        .unwrap()
        .expect("the broker serves Cargo.toml");
    let mut text = String::new();
    std::fs::File::from(opened.file)
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("machproto-tests"));
    assert_eq!(opened.stat.size, text.len() as u64);

    // Outside the served root: refused with the protocol's error.
    let refused = child
        .open(
            Path {
                value: "../Cargo.toml".into(),
            },
            OpenMode::Read,
        )
        .unwrap()
        .wait(WAIT)
        .unwrap();
    assert!(
        matches!(refused, Err(FsError::PermissionDenied)),
        "{refused:?}"
    );

    // The sync call, with its declared default timeout.
    assert_eq!(FileServer::STAT_PATH_TIMEOUT, Duration::from_secs(2));
    let stat = child
        .stat_path(
            Path {
                value: "Cargo.toml".into(),
            },
            FileServer::STAT_PATH_TIMEOUT,
        )
        .unwrap()
        .unwrap();
    assert_eq!(stat.stat.size, text.len() as u64);
    event_loop.stop();
}
