//! Every generated file implements and runs: for each top-level protocol of
//! every canonical protocol and valid test input that `build.rs` compiles
//! into this crate, both handler traits are implemented and a channel of it
//! is opened in this process, bound by the process kinds its `[ChildProc]`
//! and `[ParentProc]` demand, and closed: each side's top-level actor ends
//! exactly once, with `NormalShutdown`. Both handler traits of every
//! managed protocol are implemented too (their actors are not built here).
//! Runs on both backends (`scripts/test.sh` runs it again with `--features
//! mach-sim`).
//!
//! `every_generated_file_and_protocol_is_covered` holds [`FILES`] to what
//! the generated code declares, so a new protocol (or file) fails here until
//! it is covered.
#![cfg(target_os = "linux")]

#[path = "../support/log.rs"]
mod log;

use std::collections::BTreeMap;
use std::os::fd::OwnedFd;
use std::sync::mpsc;

use log::{Log, WAIT};
use machproto_runtime::actor::{
    ActorHandle, ActorOptions, DestroyReason, EventLoop, Priority, Responder,
};
use machproto_runtime::{
    Endpoint, ManagedEndpoint, ProtocolSide, ReceiveRight, SendOnceRight, SharedMemory,
    create_endpoints,
};

/// Every file `build.rs` generates into this crate, in its order, with the
/// full names of the top-level protocols its code declares (a channel of
/// each is opened and closed) and of the managed ones (their handler traits
/// are implemented). A file imports another's packages, so protocols of
/// `corpus.common` and `gfx.vsync` are generated (and covered) more than once.
const FILES: &[(&str, &[&str], &[&str])] = &[
    ("bridge", &["demo.bridge.Worker", "demo.bridge.Sums"], &[]),
    ("fileserver", &["fs.server.FileServer"], &[]),
    (
        "rights",
        &["ipc.rights.Broker", "ipc.rights.Service"],
        &["ipc.rights.Lease"],
    ),
    (
        "tree",
        &["browser.tree.Content"],
        &["browser.tree.Tab", "browser.tree.Frame"],
    ),
    (
        "compositor",
        &["gfx.vsync.Vsync", "gfx.compositor.Compositor"],
        &["gfx.compositor.Texture"],
    ),
    ("texture", &[], &[]),
    ("vsync", &["gfx.vsync.Vsync"], &[]),
    ("attributes_all", &["corpus.attributes.Canvas"], &[]),
    ("bounds", &[], &[]),
    ("case_mapping", &["corpus.casing.Casing"], &[]),
    ("crlf_line_endings", &[], &[]),
    (
        "declaration_order",
        &["corpus.order.Server"],
        &["corpus.order.Session"],
    ),
    ("doc_comments", &["corpus.docs.Documented"], &[]),
    ("enums_unions", &["corpus.enums.Status"], &[]),
    (
        "frame_tree",
        &["corpus.frames.Window"],
        &["corpus.frames.Frame"],
    ),
    ("identifiers", &["corpus.identifiers.Sandbox"], &[]),
    (
        "imports",
        &[
            "corpus.common.Echo",
            "corpus.common.EchoHost",
            "corpus.imports.Client",
        ],
        &["corpus.common.EchoSession"],
    ),
    (
        "imports_include_dir",
        &["corpus.common.Echo", "corpus.common.EchoHost"],
        &["corpus.common.EchoSession"],
    ),
    ("imports_not_transitive", &[], &[]),
    ("imports_same_package", &[], &[]),
    ("literals", &["corpus.literals.Timing"], &[]),
    (
        "managers",
        &[
            "corpus.managers.Editor",
            "corpus.managers.Printer",
            "corpus.managers.Viewer",
            "corpus.managers.Idle",
        ],
        &[
            "corpus.managers.Document",
            "corpus.managers.Page",
            "corpus.managers.Clipboard",
        ],
    ),
    (
        "qualified_names",
        &[
            "corpus.common.Echo",
            "corpus.common.EchoHost",
            "corpus.qualified.Hub",
        ],
        &["corpus.common.EchoSession", "corpus.qualified.Spoke"],
    ),
    ("recursion", &["corpus.recursion.Tree"], &[]),
    ("resources", &["corpus.resources.Holder"], &[]),
    (
        "scopes",
        &["corpus.scopes.Drawing", "corpus.scopes.Other2"],
        &[],
    ),
    ("spec_declarations", &[], &[]),
    ("spec_file_structure", &[], &[]),
    (
        "spec_library_example",
        &["gfx.texture.Compositor"],
        &["gfx.texture.Texture"],
    ),
    (
        "spec_protocols",
        &["gfx.compositor.Vsync", "gfx.compositor.Compositor"],
        &["gfx.compositor.Texture"],
    ),
    (
        "trailing_commas",
        &["corpus.commas.Root"],
        &["corpus.commas.First", "corpus.commas.Second"],
    ),
    ("types_all", &["corpus.types.Top"], &["corpus.types.Leaf"]),
    (
        "warn_keyword_type_names",
        &["corpus.keyword_types.Sandbox"],
        &[],
    ),
    (
        "warn_not_pascal_case",
        &["corpus.warnings.drawing_service"],
        &[],
    ),
    ("warn_resource_without_resource", &[], &[]),
];

/// The protocols [`FILES`] lists for `file`: top-level and managed.
fn listed(file: &str) -> (&'static [&'static str], &'static [&'static str]) {
    let (_, top, managed) = FILES
        .iter()
        .find(|(name, ..)| *name == file)
        .unwrap_or_else(|| panic!("`{file}` is not in FILES"));
    (top, managed)
}

/// A top-level actor: records how it ended, as `<protocol> <side> <reason>`.
struct End {
    log: Log,
    name: String,
}

impl End {
    fn new(log: &Log, protocol: &str, side: &str) -> End {
        End {
            log: log.clone(),
            name: format!("{protocol} {side}"),
        }
    }

    fn ended(&self, reason: DestroyReason) {
        self.log.push(format!("{} {reason:?}", self.name));
    }
}

/// Either side of every managed protocol, handed out by the constructors
/// (which nothing calls here).
struct Managee;

/// The checks of one generated file: an event loop for each side, what the
/// actors recorded, and the protocols checked so far.
struct Run {
    file: &'static str,
    log: Log,
    parent_loop: EventLoop,
    child_loop: EventLoop,
    opened: Vec<&'static str>,
    implemented: Vec<&'static str>,
}

impl Run {
    fn new(file: &'static str) -> Run {
        let (parent_loop, _) = EventLoop::spawn(&format!("{file} parents")).unwrap();
        let (child_loop, _) = EventLoop::spawn(&format!("{file} children")).unwrap();
        Run {
            file,
            log: Log::default(),
            parent_loop,
            child_loop,
            opened: Vec::new(),
            implemented: Vec::new(),
        }
    }

    /// Checks a channel of `protocol` whose top-level actors, `parent` and
    /// `child`, were just opened: both bind, and closing the parent side
    /// ends each exactly once, cleanly.
    fn bind_and_close(
        &mut self,
        protocol: &'static str,
        parent: &ActorHandle,
        child: &ActorHandle,
    ) {
        // Each side sent its hello as it opened. A loop takes what has
        // arrived before it picks its next job, and runs a channel's pump
        // above `Low`: once both loops have run a `Low` job posted now, both
        // hellos were checked, and a process kind the protocol refuses
        // would have closed the channel.
        self.settle();
        assert!(
            parent.is_alive() && child.is_alive(),
            "{protocol} did not bind: {:?}",
            self.log.lines()
        );

        parent.close();
        for side in ["parent", "child"] {
            self.log
                .wait_line(&format!("{protocol} {side} NormalShutdown"));
        }
        // Anything else either side would record is queued by now.
        self.settle();
        for side in ["parent", "child"] {
            let prefix = format!("{protocol} {side} ");
            let ends: Vec<String> = self
                .log
                .lines()
                .into_iter()
                .filter(|line| line.starts_with(&prefix))
                .collect();
            assert_eq!(
                ends,
                [format!("{prefix}NormalShutdown")],
                "{protocol} {side}"
            );
        }
        assert!(!parent.is_alive() && !child.is_alive(), "{protocol}");
        self.opened.push(protocol);
    }

    /// Notes that both sides of the managed `protocol` have handlers.
    fn implemented(&mut self, parent: &'static str, child: &'static str) {
        assert_eq!(parent, child, "one protocol's two sides");
        self.implemented.push(parent);
    }

    /// Waits until both loops have run everything queued so far (a
    /// channel's pump and teardown are queued above `Low`).
    fn settle(&self) {
        for event_loop in [&self.parent_loop, &self.child_loop] {
            let (done, settled) = mpsc::channel();
            event_loop.post(Priority::Low, None, move || {
                let _ = done.send(());
            });
            settled
                .recv_timeout(WAIT)
                .expect("the loop runs what was queued");
        }
    }

    /// Checks that every protocol [`FILES`] lists for the file was checked.
    fn finish(&self) {
        let (top, managed) = listed(self.file);
        let sorted = |names: &[&'static str]| {
            let mut names = names.to_vec();
            names.sort_unstable();
            names
        };
        assert_eq!(sorted(&self.opened), sorted(top), "{}: opened", self.file);
        assert_eq!(
            sorted(&self.implemented),
            sorted(managed),
            "{}: implemented",
            self.file
        );
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.parent_loop.stop();
        self.child_loop.stop();
    }
}

/// Opens a channel of `$protocol` in this process, with an [`End`] as the
/// top-level actor of each side, bound as the process kind given, and
/// checks it (see [`Run::bind_and_close`]).
macro_rules! bind_and_close {
    (
        $run:expr,
        $protocol:ty: $parent:ty as $parent_kind:literal, $child:ty as $child_kind:literal
    ) => {{
        let run: &mut Run = $run;
        let protocol = <$parent as ProtocolSide>::PROTOCOL;
        let (parent_end, child_end) = create_endpoints::<$protocol>().unwrap();
        let parent = <$parent>::open(
            parent_end,
            &run.parent_loop,
            &ActorOptions::new($parent_kind),
            End::new(&run.log, protocol, "parent"),
        )
        .unwrap();
        let child = <$child>::open(
            child_end,
            &run.child_loop,
            &ActorOptions::new($child_kind),
            End::new(&run.log, protocol, "child"),
        )
        .unwrap();
        run.bind_and_close(protocol, parent.as_ref(), child.as_ref());
    }};
}

/// Notes a managed protocol whose two handler traits [`Managee`] implements.
macro_rules! implements {
    ($run:expr, $parent:ty: $parent_handler:ident, $child:ty: $child_handler:ident) => {{
        let _handlers: (Box<dyn $parent_handler>, Box<dyn $child_handler>) =
            (Box::new(Managee), Box::new(Managee));
        $run.implemented(
            <$parent as ProtocolSide>::PROTOCOL,
            <$child as ProtocolSide>::PROTOCOL,
        );
    }};
}

#[test]
fn every_generated_file_and_protocol_is_covered() {
    let out = env!("OUT_DIR");
    let modules = std::fs::read_to_string(format!("{out}/generated_modules.rs")).unwrap();
    let files: Vec<&str> = modules
        .lines()
        .map(|line| {
            line.strip_prefix("pub mod ")
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or_else(|| panic!("not a module: {line}"))
        })
        .collect();
    let listed_files: Vec<&str> = FILES.iter().map(|(file, ..)| *file).collect();
    assert_eq!(files, listed_files);

    for (file, top, managed) in FILES {
        let code = std::fs::read_to_string(format!("{out}/{file}.rs")).unwrap();
        // Every protocol side declares its protocol's full name.
        let mut protocols: Vec<&str> = Vec::new();
        for (at, _) in code.match_indices("const PROTOCOL: &'static str = \"") {
            let protocol = code[at..].split('"').nth(1).unwrap();
            if !protocols.contains(&protocol) {
                protocols.push(protocol);
            }
        }
        // The sides a top-level actor can be opened on (a message named
        // `open` is a method of a handle, taking `&self`).
        let openable: Vec<&str> = code
            .match_indices("pub fn open(")
            .filter_map(|(at, _)| {
                let rest = code[at + "pub fn open(".len()..].trim_start();
                if rest.starts_with("&self") {
                    return None;
                }
                let side = rest
                    .strip_prefix("endpoint: mp::Endpoint<")
                    .unwrap_or_else(|| panic!("{file}: an `open` of another shape"));
                Some(&side[..side.find('>').unwrap()])
            })
            .collect();
        let (mut declared_top, mut declared_managed) = (Vec::new(), Vec::new());
        for protocol in protocols {
            let name = protocol.rsplit('.').next().unwrap();
            let parent = openable.contains(&format!("{name}Parent").as_str());
            let child = openable.contains(&format!("{name}Child").as_str());
            assert_eq!(parent, child, "{protocol}: one side opens, not the other");
            if parent {
                declared_top.push(protocol);
            } else {
                declared_managed.push(protocol);
            }
        }
        let sorted = |names: &[&str]| {
            let mut names = names.to_vec();
            names.sort_unstable();
            names.join(" ")
        };
        assert_eq!(
            sorted(&declared_top),
            sorted(top),
            "{file}: top-level protocols"
        );
        assert_eq!(
            sorted(&declared_managed),
            sorted(managed),
            "{file}: managed protocols"
        );
    }
}

/// The handlers and checks of package `gfx.vsync`, generated into
/// `vsync.rs` and (imported by `compositor.mproto`) into `compositor.rs`:
/// the same source, so the same traits, in two modules. Expanded in a module
/// that imports one of them.
macro_rules! gfx_vsync_handlers {
    () => {
        impl VsyncParentHandler for End {
            fn observe(&mut self, _actor: &VsyncParentHandle, _enabled: bool) {}

            fn actor_destroyed(&mut self, reason: DestroyReason) {
                self.ended(reason);
            }
        }

        impl VsyncChildHandler for End {
            fn notify(&mut self, _actor: &VsyncChildHandle, _timing: VsyncTiming) {}

            fn actor_destroyed(&mut self, reason: DestroyReason) {
                self.ended(reason);
            }
        }

        /// Checks this package's protocols in `run`.
        pub(super) fn check(run: &mut Run) {
            bind_and_close!(run, Vsync: VsyncParent as "parent", VsyncChild as "child");
        }
    };
}

/// The handlers and checks of package `corpus.common`, which `imports`,
/// `imports_include_dir` and `qualified_names` import, so each of their
/// generated files holds a copy. Expanded in a module that imports one.
macro_rules! corpus_common_handlers {
    () => {
        impl EchoParentHandler for End {
            fn say(
                &mut self,
                _actor: &EchoParentHandle,
                _text: String,
                _responder: Responder<EchoSayResults>,
            ) {
            }

            fn actor_destroyed(&mut self, reason: DestroyReason) {
                self.ended(reason);
            }
        }

        impl EchoChildHandler for End {
            fn actor_destroyed(&mut self, reason: DestroyReason) {
                self.ended(reason);
            }
        }

        impl EchoSessionParentHandler for Managee {}

        impl EchoSessionChildHandler for Managee {}

        impl EchoHostParentHandler for End {
            fn echo_session(
                &mut self,
                _actor: &EchoHostParentHandle,
                _new_actor: &EchoSessionParentHandle,
            ) -> Option<Box<dyn EchoSessionParentHandler>> {
                Some(Box::new(Managee))
            }

            fn actor_destroyed(&mut self, reason: DestroyReason) {
                self.ended(reason);
            }
        }

        impl EchoHostChildHandler for End {
            fn actor_destroyed(&mut self, reason: DestroyReason) {
                self.ended(reason);
            }
        }

        /// Checks this package's protocols in `run`.
        pub(super) fn check(run: &mut Run) {
            bind_and_close!(run, Echo: EchoParent as "parent", EchoChild as "child");
            bind_and_close!(run, EchoHost: EchoHostParent as "parent", EchoHostChild as "child");
            implements!(
                run,
                EchoSessionParent: EchoSessionParentHandler,
                EchoSessionChild: EchoSessionChildHandler
            );
        }
    };
}

mod canonical;
mod inputs_a_to_l;
mod inputs_managers;
mod inputs_q_to_w;
