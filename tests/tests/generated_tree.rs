//! The generated browser actor tree (`protocols/tree.mproto`) at work, on
//! both backends (`scripts/test.sh` runs it again with `--features
//! mach-sim`): a browser process builds a tab and nested frames in a
//! content process, messages flow both ways at every level, a reply may
//! be an error, a delete carries its reason and ends its subtree children
//! first, and closing ends the rest cleanly.
#![cfg(target_os = "linux")]

#[path = "support/log.rs"]
mod log;

use log::{Log, WAIT};
use std::sync::mpsc;

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::create_endpoints;
use machproto_tests::generated::tree::browser_tree::*;

// The browser process's side.

struct Browser {
    log: Log,
}

impl ContentParentHandler for Browser {
    fn crash_report(&mut self, _actor: &ContentParentHandle, minidump: std::os::fd::OwnedFd) {
        use std::io::Read;
        let mut text = String::new();
        let read = std::fs::File::from(minidump).read_to_string(&mut text);
        self.log.push(format!(
            "browser crash report {}",
            read.map_or(0, |_| text.len())
        ));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("browser content {reason:?}"));
    }
}

struct BrowserTab {
    log: Log,
}

impl TabParentHandler for BrowserTab {
    fn title_changed(&mut self, _actor: &TabParentHandle, title: String) {
        self.log.push(format!("browser title {title}"));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("browser tab {reason:?}"));
    }
}

struct BrowserFrame {
    log: Log,
    id: u64,
}

impl FrameParentHandler for BrowserFrame {
    fn loaded(&mut self, _actor: &FrameParentHandle, url: String) {
        self.log
            .push(format!("browser frame {} loaded {url}", self.id));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log
            .push(format!("browser frame {} {reason:?}", self.id));
    }
}

// The content process's side.

struct ContentProcess {
    log: Log,
    tabs: mpsc::Sender<TabChildHandle>,
}

impl ContentChildHandler for ContentProcess {
    fn tab(
        &mut self,
        _actor: &ContentChildHandle,
        new_actor: &TabChildHandle,
        id: TabId,
        url: String,
    ) -> Option<Box<dyn TabChildHandler>> {
        self.log.push(format!("content tab {} {url}", id.value));
        let _ = self.tabs.send(new_actor.clone());
        Some(Box::new(ContentTab {
            log: self.log.clone(),
        }))
    }

    fn set_low_memory(&mut self, _actor: &ContentChildHandle, low: bool) {
        self.log.push(format!("content low memory {low}"));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("content content {reason:?}"));
    }
}

struct ContentTab {
    log: Log,
}

impl TabChildHandler for ContentTab {
    fn frame(
        &mut self,
        _actor: &TabChildHandle,
        _new_actor: &FrameChildHandle,
        frame_id: u64,
    ) -> Option<Box<dyn FrameChildHandler>> {
        self.log.push(format!("content frame {frame_id} in tab"));
        Some(Box::new(ContentFrame {
            log: self.log.clone(),
            id: frame_id,
        }))
    }

    fn navigate(
        &mut self,
        actor: &TabChildHandle,
        url: String,
        responder: Responder<Result<TabNavigateResults, NavigationError>>,
    ) {
        let answer = if url.starts_with("https:") {
            let _ = actor.title_changed(format!("title of {url}"));
            Ok(TabNavigateResults { committed: true })
        } else {
            Err(NavigationError::Blocked)
        };
        responder.respond(answer).unwrap();
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("content tab {reason:?}"));
    }
}

struct ContentFrame {
    log: Log,
    id: u64,
}

impl FrameChildHandler for ContentFrame {
    fn frame(
        &mut self,
        _actor: &FrameChildHandle,
        _new_actor: &FrameChildHandle,
        frame_id: u64,
    ) -> Option<Box<dyn FrameChildHandler>> {
        self.log
            .push(format!("content frame {frame_id} in frame {}", self.id));
        Some(Box::new(ContentFrame {
            log: self.log.clone(),
            id: frame_id,
        }))
    }

    fn click(&mut self, actor: &FrameChildHandle, x: i32, y: i32) {
        self.log
            .push(format!("content frame {} click {x},{y}", self.id));
        actor.loaded(format!("frame-{}.html", self.id)).unwrap();
    }

    fn delete(&mut self, _actor: &FrameChildHandle, reason: String) {
        self.log
            .push(format!("content frame {} delete: {reason}", self.id));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log
            .push(format!("content frame {} {reason:?}", self.id));
    }
}

#[test]
fn the_generated_browser_tree_builds_talks_and_tears_down() {
    let (browser_loop, _) = EventLoop::spawn("browser").unwrap();
    let (content_loop, _) = EventLoop::spawn("content").unwrap();
    let log = Log::default();
    let (tabs, content_tabs) = mpsc::channel();
    let (browser_end, content_end) = create_endpoints::<Content>().unwrap();
    // `[ChildProc = content, ParentProc = browser]`: both kinds are checked.
    let browser = ContentParent::open(
        browser_end,
        &browser_loop,
        &ActorOptions::new("browser"),
        Browser { log: log.clone() },
    )
    .unwrap();
    let content = ContentChild::open(
        content_end,
        &content_loop,
        &ActorOptions::new("content"),
        ContentProcess {
            log: log.clone(),
            tabs,
        },
    )
    .unwrap();

    browser.set_low_memory(true).unwrap();
    log.wait_line("content low memory true");

    // Three levels of managed actors, built by the browser.
    let tab = browser
        .tab(
            TabId { value: 7 },
            "https://a.example".into(),
            BrowserTab { log: log.clone() },
        )
        .unwrap();
    let top = tab
        .frame(
            1,
            BrowserFrame {
                log: log.clone(),
                id: 1,
            },
        )
        .unwrap();
    let nested = top
        .frame(
            2,
            BrowserFrame {
                log: log.clone(),
                id: 2,
            },
        )
        .unwrap();
    log.wait_line("content tab 7 https://a.example");
    log.wait_line("content frame 1 in tab");
    log.wait_line("content frame 2 in frame 1");

    // `[Priority = input]` down, a message back up, at the deepest level.
    nested.click(3, 4).unwrap();
    log.wait_line("content frame 2 click 3,4");
    log.wait_line("browser frame 2 loaded frame-2.html");

    // A reply that may be an error, and a message sent while answering.
    let committed = tab
        .navigate("https://b.example".into())
        .unwrap()
        .wait(WAIT)
        .unwrap();
    assert_eq!(committed, Ok(TabNavigateResults { committed: true }));
    log.wait_line("browser title title of https://b.example");
    let blocked = tab
        .navigate("javascript:x".into())
        .unwrap()
        .wait(WAIT)
        .unwrap();
    assert_eq!(blocked, Err(NavigationError::Blocked));

    // A descriptor, child to parent (a fileport on Mach).
    {
        let file = std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
        let size = file.metadata().unwrap().len();
        content.crash_report(file.into()).unwrap();
        log.wait_line(&format!("browser crash report {size}"));
    }

    // A delete with its reason: the subtree ends children first.
    top.delete("navigated away".into()).unwrap();
    log.wait_line("content frame 1 delete: navigated away");
    log.wait_line("content frame 1 Deletion");
    log.wait_line("browser frame 1 Deletion");
    assert!(
        log.position("content frame 2 AncestorDeletion") < log.position("content frame 1 Deletion")
    );
    assert!(
        log.position("browser frame 2 AncestorDeletion") < log.position("browser frame 1 Deletion")
    );
    assert!(!nested.as_ref().is_alive());

    // The content process deletes the tab from its side.
    let content_tab = content_tabs.recv_timeout(WAIT).unwrap();
    content_tab.delete().unwrap();
    log.wait_line("browser tab Deletion");
    log.wait_line("content tab Deletion");

    // Closing ends the top-level actors cleanly on both sides.
    assert!(content.as_ref().is_alive());
    browser.as_ref().close();
    log.wait_line("browser content NormalShutdown");
    log.wait_line("content content NormalShutdown");
    let ends = log
        .lines()
        .iter()
        .filter(|line| line.ends_with("Deletion") || line.ends_with("Shutdown"))
        .count();
    // Two frames and a tab on each side, and the two top-level actors:
    // each ended exactly once.
    assert_eq!(ends, 8, "{:?}", log.lines());
    browser_loop.stop();
    content_loop.stop();
}
