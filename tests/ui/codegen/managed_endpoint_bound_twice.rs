//! A managed endpoint is moved by `bind`: it cannot be bound twice.
use machproto_tests::generated::compositor::gfx_compositor::{
    CompositorChildHandle, TextureChild, TextureChildHandle, TextureChildHandler,
};
use machproto_runtime::ManagedEndpoint;
use machproto_runtime::SharedMemory;

struct Content;

impl TextureChildHandler for Content {
    fn update(&mut self, _actor: &TextureChildHandle, _pixels: SharedMemory) {}
}

fn bind(endpoint: ManagedEndpoint<TextureChild>, content: &CompositorChildHandle) {
    let _ = TextureChild::bind(endpoint, content, Content);
    let _ = TextureChild::bind(endpoint, content, Content);
}

fn main() {}
