//! A managed endpoint opened by the GPU side is the content side's to
//! bind: binding it as the GPU's own side does not type-check.
use machproto_tests::generated::compositor::gfx_compositor::{
    CompositorParentHandle, TextureParent, TextureParentHandler,
};

struct Gpu;

impl TextureParentHandler for Gpu {}

fn open(gpu: &CompositorParentHandle) {
    let (_ours, endpoint) = gpu.open_texture_endpoint(Gpu).unwrap();
    let _ = TextureParent::bind(endpoint, gpu, Gpu);
}

fn main() {}
