//! Generated protocol code at work, on both backends (`scripts/test.sh`
//! runs it again with `--features mach-sim`): the canonical compositor, both sides
//! opened in this process through the generated API. A content process's
//! calls (an error reply, a sync call with its declared default timeout),
//! a managed `Texture` built, updated and deleted, a vsync endpoint handed
//! over in a message and bound, and `[Compress]` on the child side.
#![cfg(target_os = "linux")]

#[path = "support/log.rs"]
mod log;

use log::{Log, WAIT};
use std::time::Duration;

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::{SharedMemory, create_endpoints, platform};
use machproto_tests::generated::compositor::gfx_compositor::*;
use machproto_tests::generated::compositor::gfx_texture::{
    Format, LookupError, SurfaceDescriptor, SurfaceInfo,
};
use machproto_tests::generated::compositor::gfx_vsync::{
    Vsync, VsyncChild, VsyncChildHandle, VsyncChildHandler, VsyncParent, VsyncParentHandle,
    VsyncParentHandler, VsyncTiming,
};
use machproto_tests::geom::Point;

/// The GPU process's side.
struct Gpu {
    log: Log,
    vsync_loop: EventLoop,
    vsync: Option<VsyncChildHandle>,
}

struct GpuTexture {
    log: Log,
    id: u64,
}

impl TextureParentHandler for GpuTexture {
    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("gpu texture {} {reason:?}", self.id));
    }
}

impl CompositorParentHandler for Gpu {
    fn texture(
        &mut self,
        _actor: &CompositorParentHandle,
        new_actor: &TextureParentHandle,
        id: u64,
        info: SurfaceInfo,
    ) -> Option<Box<dyn TextureParentHandler>> {
        self.log.push(format!(
            "gpu texture {id} {:?} {:?}",
            info.size, info.format
        ));
        // Pixels for the new texture, straight back to the content process.
        let pixels = SharedMemory::new(4096).unwrap();
        new_actor.update(pixels).unwrap();
        Some(Box::new(GpuTexture {
            log: self.log.clone(),
            id,
        }))
    }

    fn present(
        &mut self,
        _actor: &CompositorParentHandle,
        frame: SurfaceDescriptor,
        origin: Point,
    ) {
        let kind = match frame {
            SurfaceDescriptor::Shared(_) => "shared",
            SurfaceDescriptor::Surface(_) => "surface",
            SurfaceDescriptor::None => "none",
        };
        self.log
            .push(format!("gpu present {kind} at {},{}", origin.x, origin.y));
    }

    fn configure(&mut self, _actor: &CompositorParentHandle, config: machproto_tests::Config) {
        self.log.push(format!("gpu configure {}", config.rate));
    }

    fn lookup(
        &mut self,
        _actor: &CompositorParentHandle,
        key: String,
        responder: Responder<Result<CompositorLookupResults, LookupError>>,
    ) {
        let answer = match key.as_str() {
            "known" => Ok(CompositorLookupResults { slot: 3 }),
            _ => Err(LookupError::NotFound),
        };
        responder.respond(answer).unwrap();
    }

    fn wait_for_texture_ids_to_unlock(
        &mut self,
        _actor: &CompositorParentHandle,
        ids: Vec<u64>,
        responder: Responder<CompositorWaitForTextureIdsToUnlockResults>,
    ) {
        self.log.push(format!("gpu unlock {ids:?}"));
        responder
            .respond(CompositorWaitForTextureIdsToUnlockResults { ok: true })
            .unwrap();
    }

    fn bridge(
        &mut self,
        _actor: &CompositorParentHandle,
        vsync: machproto_runtime::Endpoint<VsyncChild>,
    ) {
        let handle = VsyncChild::open(
            vsync,
            &self.vsync_loop,
            &ActorOptions::new("gpu"),
            VsyncTimings {
                log: self.log.clone(),
            },
        )
        .unwrap();
        handle.observe(true).unwrap();
        self.vsync = Some(handle);
    }
}

/// The GPU process's end of the bridged vsync channel.
struct VsyncTimings {
    log: Log,
}

impl VsyncChildHandler for VsyncTimings {
    fn notify(&mut self, _actor: &VsyncChildHandle, timing: VsyncTiming) {
        self.log.push(format!("gpu vsync {}", timing.timestamp_ns));
    }
}

/// The vsync source, in the content process.
struct VsyncSource {
    log: Log,
}

impl VsyncParentHandler for VsyncSource {
    fn observe(&mut self, actor: &VsyncParentHandle, enabled: bool) {
        self.log.push(format!("content observe {enabled}"));
        actor
            .notify(VsyncTiming {
                timestamp_ns: 16_666_667,
                interval_us: 16_667,
            })
            .unwrap();
    }
}

/// The content process's side.
struct Content {
    log: Log,
}

impl CompositorChildHandler for Content {
    fn invalidate(&mut self, _actor: &CompositorChildHandle, region: [u32; 4]) {
        self.log.push(format!("content invalidate {region:?}"));
    }
}

struct ContentTexture {
    log: Log,
}

impl TextureChildHandler for ContentTexture {
    fn update(&mut self, _actor: &TextureChildHandle, pixels: SharedMemory) {
        self.log.push(format!("content update {}", pixels.len()));
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.log.push(format!("content texture {reason:?}"));
    }
}

#[test]
fn the_generated_compositor_runs_end_to_end() {
    let (gpu_loop, _) = EventLoop::spawn("gpu").unwrap();
    let (content_loop, _) = EventLoop::spawn("content").unwrap();
    let log = Log::default();
    let (gpu_end, content_end) = create_endpoints::<Compositor>().unwrap();
    let gpu = CompositorParent::open(
        gpu_end,
        &gpu_loop,
        &ActorOptions::new("gpu"),
        Gpu {
            log: log.clone(),
            vsync_loop: gpu_loop.clone(),
            vsync: None,
        },
    )
    .unwrap();
    // `[ChildProc = content]`: the child binds as a content process.
    let content = CompositorChild::open(
        content_end,
        &content_loop,
        &ActorOptions::new("content"),
        Content { log: log.clone() },
    )
    .unwrap();

    // A managed texture, with a send right in its constructor.
    let (_surface_port, surface) = platform::port().unwrap();
    let info = SurfaceInfo {
        id: 9,
        size: [64, 32],
        format: Format::Bgra8,
        surface,
    };
    let texture = content
        .texture(9, info, ContentTexture { log: log.clone() })
        .unwrap();
    log.wait_line("gpu texture 9 [64, 32] Bgra8");
    log.wait_line("content update 4096");

    // Plain messages with a union, an app type and a serde type.
    content
        .present(SurfaceDescriptor::None, Point { x: 3, y: 4 })
        .unwrap();
    content
        .configure(machproto_tests::Config { rate: 120 })
        .unwrap();
    log.wait_line("gpu present none at 3,4");
    log.wait_line("gpu configure 120");

    // A reply that may be an error.
    let found = content.lookup("known".into()).unwrap().wait(WAIT).unwrap();
    assert_eq!(found.map(|results| results.slot), Ok(3));
    let missing = content.lookup("other".into()).unwrap().wait(WAIT).unwrap();
    assert_eq!(
        missing.map(|results| results.slot),
        Err(LookupError::NotFound)
    );

    // The sync call, with its declared default timeout.
    assert_eq!(
        Compositor::WAIT_FOR_TEXTURE_IDS_TO_UNLOCK_TIMEOUT,
        Duration::from_millis(100)
    );
    let unlocked = content
        .wait_for_texture_ids_to_unlock(vec![9], WAIT)
        .unwrap();
    assert!(unlocked.ok);

    // An endpoint in a message: the GPU process binds the vsync child side
    // it was handed; the content process serves the parent side.
    let (vsync_parent, vsync_child) = create_endpoints::<Vsync>().unwrap();
    let _source = VsyncParent::open(
        vsync_parent,
        &content_loop,
        &ActorOptions::new("content"),
        VsyncSource { log: log.clone() },
    )
    .unwrap();
    content.bridge(vsync_child).unwrap();
    log.wait_line("content observe true");
    log.wait_line("gpu vsync 16666667");

    // The parent side sends `Invalidate` (`[Compress]`, `[Priority = input]`).
    gpu.invalidate([0, 0, 10, 10]).unwrap();
    log.wait_line("content invalidate [0, 0, 10, 10]");

    // Deleting the texture ends it on both sides.
    texture.delete().unwrap();
    log.wait_line("gpu texture 9 Deletion");
    log.wait_line("content texture Deletion");
    assert!(!texture.as_ref().is_alive());

    content.as_ref().close();
    gpu_loop.stop();
    content_loop.stop();
}
