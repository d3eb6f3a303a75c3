//! A file server: the launcher, a sandboxed process that may not open
//! files itself, starts a broker child and asks it for files. The broker
//! serves one directory: it opens what is inside and sends the open
//! descriptor back; anything outside (`..`, an absolute path, a symlink
//! pointing out) is refused with the protocol's `PermissionDenied`.
//!
//! Protocol: `FileServer` in `protocols/fileserver.mproto`, generated in
//! place by `include_protocol!`. The broker serves the protocol's parent
//! side (`[ParentProc = broker]`), so the launcher keeps the child side.

use std::fs::File;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::path::{Component, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::launch::{Launch, launched_endpoint};

use crate::support::{Children, Error, WAIT, reap};

/// The generated code of `protocols/fileserver.mproto`.
pub mod protocol {
    #![allow(missing_docs)]
    machproto_macros::include_protocol!("../protocols/fileserver.mproto");
}

use protocol::fs_server::*;

/// The environment variable naming the broker's root.
pub const ROOT_VAR: &str = "FILESERVER_ROOT";

/// One file the launcher read through a descriptor the broker sent.
#[derive(Debug)]
pub struct FileRead {
    /// The path asked for, relative to the root.
    pub path: String,
    /// What was read from the descriptor.
    pub text: String,
    /// The size the broker reported.
    pub reported_size: u64,
}

/// What the launcher got.
#[derive(Debug)]
pub struct Summary {
    /// Files read through passed descriptors.
    pub read: Vec<FileRead>,
    /// Directory entries listed by `ReadDir` of `notes`.
    pub listed: Vec<String>,
    /// The size `StatPath` (a sync call) gave for `hello.txt`.
    pub stat_size: u64,
    /// Requests refused, with the reason.
    pub refused: Vec<(String, FsError)>,
    /// The broker process's exit status was success.
    pub broker_exited_cleanly: bool,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "fileserver: a broker child opens files for its launcher")?;
        for file in &self.read {
            writeln!(
                f,
                "  read {:?} through a passed descriptor: {} bytes (broker said {}): {:?}",
                file.path,
                file.text.len(),
                file.reported_size,
                file.text.trim_end()
            )?;
        }
        writeln!(
            f,
            "  notes/ lists {:?}; hello.txt has {} bytes (sync StatPath)",
            self.listed, self.stat_size
        )?;
        for (path, reason) in &self.refused {
            writeln!(f, "  refused {path:?}: {reason:?}")?;
        }
        write!(f, "  broker exited cleanly: {}", self.broker_exited_cleanly)
    }
}

/// The files the broker serves, and a secret beside them it must not.
#[derive(Debug)]
pub struct DemoTree {
    /// The directory holding `served/` and `secret.txt`.
    pub base: PathBuf,
    /// The broker's root.
    pub served: PathBuf,
}

/// What `hello.txt` holds.
pub const HELLO: &str = "Hello from the other side of a descriptor.\n";
/// What `notes/todo.txt` holds.
pub const TODO: &str = "- pass rights, not paths\n";
/// What the secret outside the root holds.
pub const SECRET: &str = "the launcher must never read this\n";

impl DemoTree {
    /// Makes a fresh tree under the system's temporary directory.
    pub fn create() -> Result<DemoTree, Error> {
        let unique = format!(
            "machproto-fileserver-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_nanos()
        );
        let base = std::env::temp_dir().join(unique);
        let served = base.join("served");
        std::fs::create_dir_all(served.join("notes"))?;
        std::fs::write(served.join("hello.txt"), HELLO)?;
        std::fs::write(served.join("notes/todo.txt"), TODO)?;
        std::fs::write(base.join("secret.txt"), SECRET)?;
        // A link inside the root that points out of it.
        std::os::unix::fs::symlink(base.join("secret.txt"), served.join("escape"))?;
        Ok(DemoTree { base, served })
    }
}

impl Drop for DemoTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn path(value: &str) -> Path {
    Path {
        value: value.to_string(),
    }
}

fn read_all(file: OwnedFd) -> Result<String, Error> {
    let mut text = String::new();
    File::from(file).read_to_string(&mut text)?;
    Ok(text)
}

/// The launcher's side receives `Changed` only; this demo watches nothing.
struct Sandboxed;

impl FileServerChildHandler for Sandboxed {
    fn changed(&mut self, _actor: &FileServerChildHandle, _dir: Path) {}
}

/// The launcher: starts the broker on a fresh tree and asks it for files.
pub fn run(children: Children<'_>) -> Result<Summary, Error> {
    let tree = DemoTree::create()?;
    let mut command = children("broker");
    command.env(ROOT_VAR, &tree.served);
    let launched = Launch::new(command).keep_child_side::<FileServer>()?;
    let mut broker = launched.child;
    let (event_loop, _thread) = EventLoop::spawn("sandboxed")?;
    let files = FileServerChild::open(
        launched.endpoint,
        &event_loop,
        &ActorOptions::new("sandboxed"),
        Sandboxed,
    )?;

    let mut read = Vec::new();
    let opened = files.open(path("hello.txt"), OpenMode::Read)?.wait(WAIT)?;
    let opened = opened.map_err(|reason| format!("hello.txt refused: {reason:?}"))?;
    read.push(FileRead {
        path: "hello.txt".into(),
        text: read_all(opened.file)?,
        reported_size: opened.stat.size,
    });
    let several = files
        .open_all(
            vec![path("notes/todo.txt"), path("./hello.txt")],
            OpenMode::Read,
        )?
        .wait(WAIT)?
        .map_err(|reason| format!("OpenAll refused: {reason:?}"))?;
    for (name, file) in ["notes/todo.txt", "./hello.txt"]
        .into_iter()
        .zip(several.files)
    {
        read.push(FileRead {
            path: name.into(),
            text: read_all(file.file)?,
            reported_size: file.stat.size,
        });
    }
    let listed = files
        .read_dir(path("notes"))?
        .wait(WAIT)?
        .map_err(|reason| format!("ReadDir refused: {reason:?}"))?
        .entries
        .into_iter()
        .map(|entry| entry.name)
        .collect();
    let stat_size = files
        .stat_path(path("hello.txt"), FileServer::STAT_PATH_TIMEOUT.max(WAIT))?
        .map_err(|reason| format!("StatPath refused: {reason:?}"))?
        .stat
        .size;

    // What a compromised sandbox would try.
    let mut refused = Vec::new();
    let secret = tree.base.join("secret.txt").display().to_string();
    for attempt in [
        "../secret.txt",
        "notes/../../secret.txt",
        secret.as_str(),
        "escape",
    ] {
        match files.open(path(attempt), OpenMode::Read)?.wait(WAIT)? {
            Err(reason) => refused.push((attempt.to_string(), reason)),
            Ok(opened) => read.push(FileRead {
                path: attempt.into(),
                text: read_all(opened.file)?,
                reported_size: opened.stat.size,
            }),
        }
    }
    match files.open(path("hello.txt"), OpenMode::Write)?.wait(WAIT)? {
        Err(reason) => refused.push(("hello.txt for writing".into(), reason)),
        Ok(_) => return Err("the read-only broker opened a file for writing".into()),
    }

    files.as_ref().close();
    let broker_exited_cleanly = reap(&mut broker)?.success();
    event_loop.stop();
    Ok(Summary {
        read,
        listed,
        stat_size,
        refused,
        broker_exited_cleanly,
    })
}

/// Serves files under `root` only, read-only.
struct Broker {
    root: PathBuf,
    closed: Arc<AtomicBool>,
}

impl Broker {
    /// The file `path` names inside the root, or why not.
    fn resolve(&self, path: &Path) -> Result<PathBuf, FsError> {
        let relative = std::path::Path::new(&path.value);
        let plain = relative
            .components()
            .all(|part| matches!(part, Component::Normal(_) | Component::CurDir));
        if !plain {
            // Absolute, or climbing with `..`.
            return Err(FsError::PermissionDenied);
        }
        let canonical = self
            .root
            .join(relative)
            .canonicalize()
            .map_err(|_| FsError::NotFound)?;
        // A symlink may still lead out.
        if canonical.starts_with(&self.root) {
            Ok(canonical)
        } else {
            Err(FsError::PermissionDenied)
        }
    }

    fn open(&self, path: &Path, mode: OpenMode) -> Result<OpenFile, FsError> {
        if mode != OpenMode::Read {
            return Err(FsError::PermissionDenied);
        }
        let file = File::open(self.resolve(path)?).map_err(|_| FsError::Io)?;
        let stat = stat(&file.metadata().map_err(|_| FsError::Io)?);
        if stat.is_dir {
            return Err(FsError::IsADirectory);
        }
        Ok(OpenFile {
            file: file.into(),
            stat,
        })
    }
}

fn stat(meta: &std::fs::Metadata) -> Stat {
    use std::os::unix::fs::MetadataExt;
    Stat {
        size: meta.len(),
        mode: meta.mode(),
        is_dir: meta.is_dir(),
        modified_ns: meta
            .mtime()
            .saturating_mul(1_000_000_000)
            .saturating_add(meta.mtime_nsec()),
    }
}

impl FileServerParentHandler for Broker {
    fn open(
        &mut self,
        _actor: &FileServerParentHandle,
        path: Path,
        mode: OpenMode,
        responder: Responder<Result<FileServerOpenResults, FsError>>,
    ) {
        let answer = Broker::open(self, &path, mode).map(|opened| FileServerOpenResults {
            file: opened.file,
            stat: opened.stat,
        });
        // A launcher that is gone needs no answer.
        let _ = responder.respond(answer);
    }

    fn open_all(
        &mut self,
        _actor: &FileServerParentHandle,
        paths: Vec<Path>,
        mode: OpenMode,
        responder: Responder<Result<FileServerOpenAllResults, OpenAllError>>,
    ) {
        let mut files = Vec::new();
        for path in paths {
            match Broker::open(self, &path, mode) {
                Ok(file) => files.push(file),
                Err(reason) => {
                    // The files opened so far close as `files` drops.
                    let failed = OpenAllError::Failed(FailedPath { path, reason });
                    let _ = responder.respond(Err(failed));
                    return;
                }
            }
        }
        let _ = responder.respond(Ok(FileServerOpenAllResults { files }));
    }

    fn read_dir(
        &mut self,
        _actor: &FileServerParentHandle,
        dir: Path,
        responder: Responder<Result<FileServerReadDirResults, FsError>>,
    ) {
        let list = || -> Result<Vec<DirEntry>, FsError> {
            let mut entries = Vec::new();
            for entry in std::fs::read_dir(self.resolve(&dir)?).map_err(|_| FsError::Io)? {
                let entry = entry.map_err(|_| FsError::Io)?;
                let meta = entry.metadata().map_err(|_| FsError::Io)?;
                entries.push(DirEntry {
                    name: entry.file_name().to_string_lossy().into_owned(),
                    stat: stat(&meta),
                });
            }
            entries.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(entries)
        };
        let _ = responder.respond(list().map(|entries| FileServerReadDirResults { entries }));
    }

    fn stat_path(
        &mut self,
        _actor: &FileServerParentHandle,
        path: Path,
        responder: Responder<Result<FileServerStatPathResults, FsError>>,
    ) {
        let answer = self
            .resolve(&path)
            .and_then(|path| std::fs::metadata(path).map_err(|_| FsError::Io))
            .map(|meta| FileServerStatPathResults { stat: stat(&meta) });
        let _ = responder.respond(answer);
    }

    fn watch(
        &mut self,
        _actor: &FileServerParentHandle,
        _dir: Path,
        responder: Responder<Result<(), FsError>>,
    ) {
        // This broker does not watch for changes.
        let _ = responder.respond(Err(FsError::Io));
    }

    fn actor_destroyed(&mut self, _reason: DestroyReason) {
        self.closed.store(true, Ordering::SeqCst);
    }
}

/// A child: `broker` is the only role. It serves on its main thread,
/// driving its own event loop, until the launcher closes the channel.
pub fn run_child(role: &str) -> Result<(), Error> {
    if role != "broker" {
        return Err(format!("fileserver has no role `{role}`").into());
    }
    let root = std::env::var_os(ROOT_VAR).ok_or(format!("{ROOT_VAR} is not set"))?;
    let root = PathBuf::from(root).canonicalize()?;
    let endpoint = launched_endpoint::<FileServerParent>()?;
    let event_loop = EventLoop::new();
    let closed = Arc::new(AtomicBool::new(false));
    let broker = Broker {
        root,
        closed: Arc::clone(&closed),
    };
    let _files =
        FileServerParent::open(endpoint, &event_loop, &ActorOptions::new("broker"), broker)?;
    while !event_loop.run_until(WAIT, || closed.load(Ordering::SeqCst)) {}
    Ok(())
}
