//! A GPU process and two content processes, as in a browser: the GPU
//! process (the parent, this module) launches the content processes
//! (`content`). Each content process builds managed `Texture` actors,
//! handing the GPU process a send right for each surface; the GPU process
//! answers every texture with a shared-memory region; the content process
//! draws into it and presents it back, and the GPU process checks every
//! byte. The content process then makes the sync call
//! `WaitForTextureIdsToUnlock`, deletes its textures and closes.
//!
//! Protocol: `Compositor` and its managed `Texture`, in
//! `protocols/gfx/compositor.mproto`.

mod content;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop, Responder};
use machproto_runtime::launch::launch;
use machproto_runtime::{Endpoint, SendRight, SharedMemory};

pub use content::run_child;
pub(crate) use content::{ContentMode, run_content};

use crate::Config;
use crate::geom::Point;
use crate::protocols::compositor::gfx_compositor::*;
use crate::protocols::compositor::gfx_texture::{LookupError, SurfaceDescriptor, SurfaceInfo};
use crate::protocols::compositor::gfx_vsync::VsyncChild;
use crate::support::{Children, Error, Shared, reap};

/// Textures each content process makes.
pub const TEXTURES_PER_CONTENT: u64 = 3;
/// Width and height of each texture, in pixels (4 bytes each).
pub const TEXTURE_SIDE: u32 = 256;

/// The byte at `index` of texture `id`'s pixels, as content draws them;
/// the first 8 bytes hold the id.
pub fn pixel_byte(id: u64, index: usize) -> u8 {
    (id as u8).wrapping_mul(31).wrapping_add(index as u8)
}

/// What the GPU process saw of one content process.
#[derive(Debug, Default)]
pub struct ContentReport {
    /// Its pid.
    pub pid: u32,
    /// How long from `launch` to its check-in.
    pub launch_time: Duration,
    /// Textures it constructed.
    pub textures: u64,
    /// Frames presented whose every byte matched the drawing.
    pub frames_verified: u64,
    /// Frames presented with a wrong byte.
    pub frames_wrong: u64,
    /// Bytes checked in verified frames.
    pub bytes_verified: u64,
    /// Sync `WaitForTextureIdsToUnlock` calls answered.
    pub unlock_calls: u64,
    /// From a texture's constructor to its presented frame, each.
    pub draw_latencies: Vec<Duration>,
    /// How each texture ended.
    pub texture_ends: Vec<DestroyReason>,
    /// How its top-level actor ended.
    pub end: Option<DestroyReason>,
}

/// What the GPU process reports.
#[derive(Debug)]
pub struct Summary {
    /// One report per content process.
    pub contents: Vec<ContentReport>,
    /// From the first launch to the last content's end.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "compositor: GPU process and {} content processes",
            self.contents.len()
        )?;
        for report in &self.contents {
            let mean = report.draw_latencies.iter().sum::<Duration>()
                / u32::try_from(report.draw_latencies.len().max(1)).unwrap_or(1);
            writeln!(
                f,
                "  content process {} (checked in after {:.1} ms)",
                report.pid,
                report.launch_time.as_secs_f64() * 1e3
            )?;
            writeln!(
                f,
                "    {} textures; {} frames verified byte for byte ({} KiB), {} wrong; \
                 texture to frame {:.2} ms on average",
                report.textures,
                report.frames_verified,
                report.bytes_verified / 1024,
                report.frames_wrong,
                mean.as_secs_f64() * 1e3,
            )?;
            writeln!(
                f,
                "    {} sync unlock call(s); textures ended {:?}; channel ended {}",
                report.unlock_calls,
                report.texture_ends,
                report
                    .end
                    .as_ref()
                    .map_or("-".to_string(), |end| format!("{end:?}")),
            )?;
        }
        write!(f, "  elapsed: {:.1} ms", self.elapsed.as_secs_f64() * 1e3)
    }
}

/// Every content process's report, by its index.
pub(crate) type Reports = Shared<BTreeMap<usize, ContentReport>>;

/// The GPU process's side of one content process's channel.
struct Gpu {
    content: usize,
    reports: Reports,
    /// When each texture's constructor arrived.
    constructed: BTreeMap<u64, Instant>,
    /// The surfaces' send rights, held while their textures live.
    surfaces: BTreeMap<u64, SendRight>,
}

impl Gpu {
    fn record(&self, change: impl FnOnce(&mut ContentReport)) {
        self.reports
            .update(|reports| change(reports.entry(self.content).or_default()));
    }
}

/// The GPU process's side of one texture.
struct GpuTexture {
    content: usize,
    reports: Reports,
}

impl TextureParentHandler for GpuTexture {
    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.reports.update(|reports| {
            reports
                .entry(self.content)
                .or_default()
                .texture_ends
                .push(reason)
        });
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
        let [width, height] = info.size;
        let bytes = u64::from(width) * u64::from(height) * 4;
        // Refuse what we would not allocate; the content process sees
        // `FailedConstructor`.
        if bytes == 0 || bytes > 64 << 20 {
            return None;
        }
        let pixels = SharedMemory::new(bytes).ok()?;
        new_actor.update(pixels).ok()?;
        self.constructed.insert(id, Instant::now());
        self.surfaces.insert(id, info.surface);
        self.record(|report| report.textures += 1);
        Some(Box::new(GpuTexture {
            content: self.content,
            reports: self.reports.clone(),
        }))
    }

    fn present(&mut self, actor: &CompositorParentHandle, frame: SurfaceDescriptor, origin: Point) {
        let SurfaceDescriptor::Shared(pixels) = frame else {
            return;
        };
        let verified = pixels.map_read_only().ok().and_then(|mapping| {
            let bytes = mapping.as_slice();
            let id = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
            let right = bytes[8..]
                .iter()
                .enumerate()
                .all(|(offset, byte)| *byte == pixel_byte(id, offset + 8));
            right.then_some((id, bytes.len() as u64))
        });
        match verified {
            Some((id, len)) => {
                let latency = self.constructed.get(&id).map(Instant::elapsed);
                self.record(|report| {
                    report.frames_verified += 1;
                    report.bytes_verified += len;
                    report.draw_latencies.extend(latency);
                });
            }
            None => self.record(|report| report.frames_wrong += 1),
        }
        // The frame is composited; ask for the next one there.
        let _ = actor.invalidate([origin.x as u32, origin.y as u32, TEXTURE_SIDE, TEXTURE_SIDE]);
    }

    fn configure(&mut self, _actor: &CompositorParentHandle, _config: Config) {}

    fn lookup(
        &mut self,
        _actor: &CompositorParentHandle,
        key: String,
        responder: Responder<Result<CompositorLookupResults, LookupError>>,
    ) {
        let answer = match key.strip_prefix("texture-").and_then(|id| id.parse().ok()) {
            Some(id) if self.constructed.contains_key(&id) => Ok(CompositorLookupResults {
                slot: i32::try_from(id).unwrap_or(i32::MAX),
            }),
            _ => Err(LookupError::NotFound),
        };
        let _ = responder.respond(answer);
    }

    fn wait_for_texture_ids_to_unlock(
        &mut self,
        _actor: &CompositorParentHandle,
        ids: Vec<u64>,
        responder: Responder<CompositorWaitForTextureIdsToUnlockResults>,
    ) {
        // Frames are read as they are presented, so nothing stays locked
        // past its `Present`, which arrives before this call.
        let ok = ids.iter().all(|id| self.constructed.contains_key(id));
        self.record(|report| report.unlock_calls += 1);
        let _ = responder.respond(CompositorWaitForTextureIdsToUnlockResults { ok });
    }

    fn bridge(&mut self, _actor: &CompositorParentHandle, _vsync: Endpoint<VsyncChild>) {
        // This GPU process drives no vsync; dropping the endpoint tells
        // the content process so.
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        self.surfaces.clear();
        self.record(|report| report.end = Some(reason));
    }
}

/// Serves one content process's channel as the GPU process, recording
/// into `reports` under index `content`.
pub(crate) fn serve_content(
    endpoint: Endpoint<CompositorParent>,
    event_loop: &EventLoop,
    options: &ActorOptions,
    content: usize,
    reports: &Reports,
) -> std::io::Result<CompositorParentHandle> {
    let gpu = Gpu {
        content,
        reports: reports.clone(),
        constructed: BTreeMap::new(),
        surfaces: BTreeMap::new(),
    };
    CompositorParent::open(endpoint, event_loop, options, gpu)
}

/// The GPU process: launches `contents` content processes and serves them
/// until each has closed its channel.
pub fn run(children: Children<'_>, contents: usize) -> Result<Summary, Error> {
    let (event_loop, _thread) = EventLoop::spawn("gpu")?;
    let options = ActorOptions::new("gpu");
    let reports = Reports::new(BTreeMap::new());
    let started = Instant::now();
    let mut processes = Vec::new();
    let mut channels = Vec::new();
    for content in 0..contents {
        let launching = Instant::now();
        let launched = launch::<Compositor>(children("content"))?;
        let (pid, launch_time) = (launched.child.id(), launching.elapsed());
        reports.update(|reports| {
            let report = reports.entry(content).or_default();
            report.pid = pid;
            report.launch_time = launch_time;
        });
        processes.push(launched.child);
        channels.push(serve_content(
            launched.endpoint,
            &event_loop,
            &options,
            content,
            &reports,
        )?);
    }
    reports.wait_until("every content process's end", |reports| {
        reports
            .values()
            .filter(|report| report.end.is_some())
            .count()
            == contents
    })?;
    let elapsed = started.elapsed();
    for process in &mut processes {
        let status = reap(process)?;
        if !status.success() {
            return Err(format!("a content process failed: {status}").into());
        }
    }
    event_loop.stop();
    let contents = reports.update(std::mem::take).into_values().collect();
    Ok(Summary { contents, elapsed })
}
