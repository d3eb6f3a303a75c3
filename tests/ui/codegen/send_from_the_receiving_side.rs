//! `Present` goes from the child to the parent: the parent's handle has no
//! method to send it.
use machproto_tests::generated::compositor::gfx_compositor::CompositorParentHandle;
use machproto_tests::generated::compositor::gfx_texture::SurfaceDescriptor;
use machproto_tests::geom::Point;

fn present(gpu: &CompositorParentHandle) {
    let _ = gpu.present(SurfaceDescriptor::None, Point { x: 0, y: 0 });
}

fn main() {}
