//! A content process: builds textures, draws into the memory the GPU
//! process gives it, presents, and shuts its channel down cleanly.

use std::time::Duration;

use machproto_runtime::actor::{ActorOptions, DestroyReason, EventLoop};
use machproto_runtime::launch::launched_endpoint;
use machproto_runtime::{SharedMemory, platform};

use super::{TEXTURE_SIDE, TEXTURES_PER_CONTENT, pixel_byte};
use crate::Config;
use crate::geom::Point;
use crate::protocols::compositor::gfx_compositor::*;
use crate::protocols::compositor::gfx_texture::{
    Format, LookupError, SurfaceDescriptor, SurfaceInfo,
};
use crate::support::{Error, Shared, WAIT};

#[derive(Default)]
struct Drawing {
    presented: u64,
    invalidations: u64,
    failures: Vec<String>,
}

/// The content process's side of the compositor channel.
struct Content {
    drawing: Shared<Drawing>,
}

impl CompositorChildHandler for Content {
    fn invalidate(&mut self, _actor: &CompositorChildHandle, _region: [u32; 4]) {
        self.drawing.update(|drawing| drawing.invalidations += 1);
    }
}

/// One texture, drawn when its memory arrives.
struct ContentTexture {
    id: u64,
    compositor: CompositorChildHandle,
    drawing: Shared<Drawing>,
}

impl ContentTexture {
    fn draw_and_present(&self, pixels: SharedMemory) -> Result<(), Error> {
        let mut mapping = pixels.map()?;
        let bytes = mapping
            .as_mut_slice()
            .ok_or("the GPU process sent read-only memory")?;
        if bytes.len() < 8 {
            return Err("the GPU process sent too little memory".into());
        }
        for (index, byte) in bytes.iter_mut().enumerate().skip(8) {
            *byte = pixel_byte(self.id, index);
        }
        bytes[..8].copy_from_slice(&self.id.to_le_bytes());
        drop(mapping);
        let column = i32::try_from(self.id - 1)? * i32::try_from(TEXTURE_SIDE)?;
        self.compositor
            .present(SurfaceDescriptor::Shared(pixels), Point { x: column, y: 0 })?;
        Ok(())
    }
}

impl TextureChildHandler for ContentTexture {
    fn update(&mut self, _actor: &TextureChildHandle, pixels: SharedMemory) {
        let outcome = self.draw_and_present(pixels);
        self.drawing.update(|drawing| match outcome {
            Ok(()) => drawing.presented += 1,
            Err(error) => drawing
                .failures
                .push(format!("texture {}: {error}", self.id)),
        });
    }

    fn actor_destroyed(&mut self, reason: DestroyReason) {
        if reason != DestroyReason::Deletion {
            let failure = format!("texture {} ended with {reason:?}", self.id);
            self.drawing
                .update(|drawing| drawing.failures.push(failure));
        }
    }
}

/// How a content process ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContentMode {
    /// It deletes its textures and closes its channel.
    Complete,
    /// It crashes (aborts) in the middle of a stream of frames.
    CrashMidway,
}

/// A child: `content` is the only role.
pub fn run_child(role: &str) -> Result<(), Error> {
    if role != "content" {
        return Err(format!("compositor has no role `{role}`").into());
    }
    run_content(ContentMode::Complete)
}

/// A content process's life, ended as `mode` says.
pub(crate) fn run_content(mode: ContentMode) -> Result<(), Error> {
    let endpoint = launched_endpoint::<CompositorChild>()?;
    let (event_loop, _thread) = EventLoop::spawn("content")?;
    let drawing = Shared::new(Drawing::default());
    let handler = Content {
        drawing: drawing.clone(),
    };
    // `[ChildProc = content]`: the GPU process checks that we say so.
    let compositor = CompositorChild::open(
        endpoint,
        &event_loop,
        &ActorOptions::new("content"),
        handler,
    )?;
    compositor.configure(Config { rate: 60 })?;

    // The surfaces' receive rights stay here; the GPU process holds sends.
    let mut surfaces = Vec::new();
    let mut textures = Vec::new();
    for id in 1..=TEXTURES_PER_CONTENT {
        let (surface_port, surface) = platform::port()?;
        surfaces.push(surface_port);
        let info = SurfaceInfo {
            id,
            size: [TEXTURE_SIDE, TEXTURE_SIDE],
            format: Format::Rgba8,
            surface,
        };
        let texture = ContentTexture {
            id,
            compositor: compositor.clone(),
            drawing: drawing.clone(),
        };
        textures.push(compositor.texture(id, info, texture)?);
    }
    drawing.wait_until("every texture presented", |drawing| {
        drawing.presented + drawing.failures.len() as u64 >= TEXTURES_PER_CONTENT
    })?;
    if let Some(failure) = drawing.read(|drawing| drawing.failures.first().cloned()) {
        return Err(failure.into());
    }

    if mode == ContentMode::CrashMidway {
        for frame in 0.. {
            compositor.present(SurfaceDescriptor::None, Point { x: frame, y: 0 })?;
            if frame == 100 {
                // A bug takes the process down with frames in flight.
                std::process::abort();
            }
        }
    }

    // A reply that may be an error.
    let known = compositor.lookup("texture-1".into())?.wait(WAIT)?;
    let unknown = compositor.lookup("texture-99".into())?.wait(WAIT)?;
    if known.map(|found| found.slot) != Ok(1)
        || unknown.map(|found| found.slot) != Err(LookupError::NotFound)
    {
        return Err("the GPU process answered a lookup wrongly".into());
    }
    drawing.wait_until("an invalidation", |drawing| drawing.invalidations > 0)?;

    for texture in &textures {
        texture.delete()?;
    }
    // The sync call. Its declared default timeout suits a quiet machine;
    // this example allows for a busy one.
    let declared: Duration = Compositor::WAIT_FOR_TEXTURE_IDS_TO_UNLOCK_TIMEOUT;
    let ids = (1..=TEXTURES_PER_CONTENT).collect();
    let unlocked = compositor.wait_for_texture_ids_to_unlock(ids, declared.max(WAIT))?;
    if !unlocked.ok {
        return Err("the GPU process still holds our textures".into());
    }
    compositor.as_ref().close();
    event_loop.stop();
    Ok(())
}
