//! Managed endpoints of the generated compositor, on both backends
//! (`scripts/test.sh` runs it again with `--features mach-sim`): the GPU
//! process opens a `Texture` as an endpoint instead of a constructor; the
//! content process binds it, and gets what was sent before; one bound
//! before its announcement arrived works the same; one dropped unbound
//! ends the opener's side with `ManagedEndpointDropped`; one offered to
//! the wrong channel or manager is handed back. The channel stays healthy
//! throughout (no bad message).
#![cfg(target_os = "linux")]

#[path = "support/log.rs"]
mod log;

use log::{Log, WAIT};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, ManagedBindError};
use machproto_runtime::{SharedMemory, create_endpoints};
use machproto_tests::generated::compositor::gfx_compositor::*;
use machproto_tests::generated::compositor::gfx_texture::{
    LookupError, SurfaceDescriptor, SurfaceInfo,
};
use machproto_tests::generated::compositor::gfx_vsync::VsyncChild;

struct Gpu;

impl CompositorParentHandler for Gpu {
    fn texture(
        &mut self,
        _actor: &CompositorParentHandle,
        _new_actor: &TextureParentHandle,
        _id: u64,
        _info: SurfaceInfo,
    ) -> Option<Box<dyn TextureParentHandler>> {
        None
    }

    fn present(
        &mut self,
        _actor: &CompositorParentHandle,
        _frame: SurfaceDescriptor,
        _origin: machproto_tests::geom::Point,
    ) {
    }

    fn configure(&mut self, _actor: &CompositorParentHandle, _config: machproto_tests::Config) {}

    fn lookup(
        &mut self,
        _actor: &CompositorParentHandle,
        _key: String,
        responder: machproto_runtime::actor::Responder<
            Result<CompositorLookupResults, LookupError>,
        >,
    ) {
        responder
            .respond(Ok(CompositorLookupResults { slot: 1 }))
            .unwrap();
    }

    fn wait_for_texture_ids_to_unlock(
        &mut self,
        _actor: &CompositorParentHandle,
        _ids: Vec<u64>,
        responder: machproto_runtime::actor::Responder<CompositorWaitForTextureIdsToUnlockResults>,
    ) {
        responder
            .respond(CompositorWaitForTextureIdsToUnlockResults { ok: true })
            .unwrap();
    }

    fn bridge(
        &mut self,
        _actor: &CompositorParentHandle,
        _vsync: machproto_runtime::Endpoint<VsyncChild>,
    ) {
    }
}

struct GpuTexture {
    log: Log,
    name: &'static str,
}

impl TextureParentHandler for GpuTexture {
    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("gpu {} {reason:?}", self.name));
    }
}

struct Content {
    log: Log,
}

impl CompositorChildHandler for Content {
    fn invalidate(&mut self, _actor: &CompositorChildHandle, region: [u32; 4]) {
        self.log.push(format!("content invalidate {}", region[0]));
    }
}

struct ContentTexture {
    log: Log,
    name: &'static str,
}

impl TextureChildHandler for ContentTexture {
    fn update(&mut self, _actor: &TextureChildHandle, pixels: SharedMemory) {
        self.log
            .push(format!("content {} update {}", self.name, pixels.len()));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("content {} {reason:?}", self.name));
    }
}

struct Pair {
    gpu: CompositorParentHandle,
    content: CompositorChildHandle,
    bad: Arc<Mutex<Vec<String>>>,
}

fn pair(gpu_loop: &EventLoop, content_loop: &EventLoop, log: &Log) -> Pair {
    let bad = Arc::new(Mutex::new(Vec::new()));
    let hook = |bad: &Arc<Mutex<Vec<String>>>| {
        let bad = Arc::clone(bad);
        move |report: &machproto_runtime::actor::BadMessageReport| {
            bad.lock().unwrap().push(report.reason.to_string())
        }
    };
    let (gpu_end, content_end) = create_endpoints::<Compositor>().unwrap();
    let gpu = CompositorParent::open(
        gpu_end,
        gpu_loop,
        &ActorOptions::new("gpu").on_bad_message(hook(&bad)),
        Gpu,
    )
    .unwrap();
    let content = CompositorChild::open(
        content_end,
        content_loop,
        &ActorOptions::new("content").on_bad_message(hook(&bad)),
        Content { log: log.clone() },
    )
    .unwrap();
    Pair { gpu, content, bad }
}

impl Pair {
    /// Neither side reported a bad message.
    fn assert_no_bad_message(&self) {
        let bad = self.bad.lock().unwrap();
        assert!(bad.is_empty(), "{bad:?}");
    }

    /// The channel still answers a call.
    fn assert_serving(&self) {
        let answer = self.content.lookup("k".into()).unwrap().wait(WAIT).unwrap();
        assert_eq!(answer.map(|r| r.slot), Ok(1));
    }
}

fn gpu_texture(log: &Log, name: &'static str) -> GpuTexture {
    GpuTexture {
        log: log.clone(),
        name,
    }
}

fn content_texture(log: &Log, name: &'static str) -> ContentTexture {
    ContentTexture {
        log: log.clone(),
        name,
    }
}

fn loops() -> (EventLoop, EventLoop) {
    (
        EventLoop::spawn("gpu").unwrap().0,
        EventLoop::spawn("content").unwrap().0,
    )
}

#[test]
fn an_endpoint_bound_after_its_announcement_gets_what_was_sent_before() {
    let (gpu_loop, content_loop) = loops();
    let log = Log::default();
    let pair = pair(&gpu_loop, &content_loop, &log);
    let (texture, endpoint) = pair
        .gpu
        .open_texture_endpoint(gpu_texture(&log, "a"))
        .unwrap();
    // Sent before anyone binds it: it waits on the content side.
    texture.update(SharedMemory::new(4096).unwrap()).unwrap();
    // Once this arrives, so has the announcement before it.
    pair.gpu.invalidate([1, 0, 0, 0]).unwrap();
    log.wait_line("content invalidate 1");
    assert!(!log.lines().iter().any(|l| l.contains("update")));

    let bound = TextureChild::bind(endpoint, &pair.content, content_texture(&log, "a")).unwrap();
    log.wait_line("content a update 4096");
    texture.update(SharedMemory::new(8192).unwrap()).unwrap();
    log.wait_line("content a update 8192");

    // Either side may delete it, as any managed actor.
    bound.delete().unwrap();
    log.wait_line("gpu a Deletion");
    log.wait_line("content a Deletion");
    pair.assert_no_bad_message();
    gpu_loop.stop();
    content_loop.stop();
}

#[test]
fn an_endpoint_bound_at_once_may_overtake_its_announcement() {
    let (gpu_loop, content_loop) = loops();
    let log = Log::default();
    let pair = pair(&gpu_loop, &content_loop, &log);
    for round in 0..20 {
        let (texture, endpoint) = pair
            .gpu
            .open_texture_endpoint(gpu_texture(&log, "quick"))
            .unwrap();
        // Bound before the content's loop has pumped the announcement, as
        // often as not.
        let bound =
            TextureChild::bind(endpoint, &pair.content, content_texture(&log, "quick")).unwrap();
        // Whole pages: the Mach backend rounds regions up to them.
        let size = 4096 * (round + 1);
        texture.update(SharedMemory::new(size).unwrap()).unwrap();
        log.wait_line(&format!("content quick update {size}"));
        bound.delete().unwrap();
    }
    // The channel is healthy and every one of them ended once per side.
    pair.assert_serving();
    let deadline = Instant::now() + WAIT;
    while log
        .lines()
        .iter()
        .filter(|l| l.ends_with("quick Deletion"))
        .count()
        < 40
    {
        assert!(Instant::now() < deadline, "{:?}", log.lines());
        std::thread::sleep(Duration::from_millis(2));
    }
    pair.assert_no_bad_message();
    gpu_loop.stop();
    content_loop.stop();
}

#[test]
fn an_endpoint_dropped_unbound_ends_the_openers_side() {
    let (gpu_loop, content_loop) = loops();
    let log = Log::default();
    let pair = pair(&gpu_loop, &content_loop, &log);
    let (texture, endpoint) = pair
        .gpu
        .open_texture_endpoint(gpu_texture(&log, "dropped"))
        .unwrap();
    // Something queued for it on the content side is dropped with it.
    texture.update(SharedMemory::new(4096).unwrap()).unwrap();
    drop(endpoint);
    log.wait_line("gpu dropped ManagedEndpointDropped");
    assert!(!texture.as_ref().is_alive());
    assert!(matches!(
        texture.update(SharedMemory::new(1).unwrap()),
        Err(machproto_runtime::actor::ActorSendError::Destroyed(_))
    ));
    // The channel carries on; the content side never saw the texture.
    pair.assert_serving();
    assert!(
        !log.lines().iter().any(|l| l.starts_with("content dropped")),
        "{:?}",
        log.lines()
    );
    pair.assert_no_bad_message();
    gpu_loop.stop();
    content_loop.stop();
}

#[test]
fn an_endpoint_offered_to_the_wrong_channel_or_manager_comes_back() {
    let (gpu_loop, content_loop) = loops();
    let log = Log::default();
    let first = pair(&gpu_loop, &content_loop, &log);
    let second = pair(&gpu_loop, &content_loop, &log);
    let (_texture, endpoint) = first
        .gpu
        .open_texture_endpoint(gpu_texture(&log, "lost"))
        .unwrap();
    let endpoint =
        match TextureChild::bind(endpoint, &second.content, content_texture(&log, "lost")) {
            Err(ManagedBindError::WrongChannel(endpoint)) => endpoint,
            other => panic!("expected WrongChannel, got {other:?}"),
        };
    // Another actor of the right channel is not its manager either.
    let (_other, other_endpoint) = first
        .gpu
        .open_texture_endpoint(gpu_texture(&log, "other"))
        .unwrap();
    let other = TextureChild::bind(
        other_endpoint,
        &first.content,
        content_texture(&log, "other"),
    )
    .unwrap();
    let endpoint = match TextureChild::bind(endpoint, &other, content_texture(&log, "lost")) {
        Err(ManagedBindError::WrongManager(endpoint)) => endpoint,
        other => panic!("expected WrongManager, got {other:?}"),
    };
    // Handed back, it binds where it belongs.
    let bound = TextureChild::bind(endpoint, &first.content, content_texture(&log, "lost"));
    assert!(bound.is_ok());
    first.assert_no_bad_message();
    second.assert_no_bad_message();
    gpu_loop.stop();
    content_loop.stop();
}

#[test]
fn an_endpoint_whose_actor_was_deleted_first_binds_to_nothing() {
    let (gpu_loop, content_loop) = loops();
    let log = Log::default();
    let pair = pair(&gpu_loop, &content_loop, &log);
    let (texture, endpoint) = pair
        .gpu
        .open_texture_endpoint(gpu_texture(&log, "early-deleted"))
        .unwrap();
    texture.update(SharedMemory::new(4096).unwrap()).unwrap();
    // The opener deletes it before anyone bound it.
    texture.delete().unwrap();
    log.wait_line("gpu early-deleted Deletion");
    pair.gpu.invalidate([2, 0, 0, 0]).unwrap();
    log.wait_line("content invalidate 2");
    // The content side forgot it (and what waited for it) at the delete.
    let bound = TextureChild::bind(
        endpoint,
        &pair.content,
        content_texture(&log, "early-deleted"),
    );
    assert!(matches!(bound, Err(ManagedBindError::Gone(_))), "{bound:?}");
    pair.assert_serving();
    pair.assert_no_bad_message();
    gpu_loop.stop();
    content_loop.stop();
}

#[test]
fn an_endpoint_bound_and_deleted_before_its_announcement_is_no_violation() {
    let (gpu_loop, content_loop) = loops();
    let log = Log::default();
    let pair = pair(&gpu_loop, &content_loop, &log);
    for _ in 0..20 {
        let (_texture, endpoint) = pair
            .gpu
            .open_texture_endpoint(gpu_texture(&log, "brief"))
            .unwrap();
        // Bound and deleted at once: the announcement often comes after.
        let bound =
            TextureChild::bind(endpoint, &pair.content, content_texture(&log, "brief")).unwrap();
        bound.delete().unwrap();
    }
    log.wait_for("every brief texture's end on both sides", |lines| {
        lines
            .iter()
            .filter(|l| l.ends_with("brief Deletion"))
            .count()
            == 40
    });
    // The late announcements were taken for what they are: the channel is
    // healthy.
    pair.assert_serving();
    pair.assert_no_bad_message();
    gpu_loop.stop();
    content_loop.stop();
}

#[test]
fn a_holder_on_the_way_cannot_claim_an_endpoint_bound() {
    use machproto_runtime::Right;
    use machproto_runtime::wire::{self, Message};
    let (gpu_loop, content_loop) = loops();
    let log = Log::default();
    let pair = pair(&gpu_loop, &content_loop, &log);
    let (_texture, endpoint) = pair
        .gpu
        .open_texture_endpoint(gpu_texture(&log, "relayed"))
        .unwrap();
    // A process the endpoint passes through holds everything it carries,
    // its right included, but not the secret the announcement told the
    // peer: its claims that the endpoint was bound are not believed.
    let mut carried = wire::encode(endpoint).unwrap();
    let Some(Right::Send(right)) = carried.rights.pop() else {
        panic!("a managed endpoint carries its send right");
    };
    for claim in [b"bound".to_vec(), vec![0; 16], Vec::new()] {
        let claim = Message {
            bytes: claim,
            rights: Vec::new(),
        };
        right.try_send(claim).unwrap();
    }
    // Then it drops the endpoint: the opener learns that, not a bind.
    drop(right);
    log.wait_line("gpu relayed ManagedEndpointDropped");
    pair.assert_serving();
    pair.assert_no_bad_message();
    gpu_loop.stop();
    content_loop.stop();
}
