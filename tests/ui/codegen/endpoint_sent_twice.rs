//! An endpoint is moved into the message that carries it: it cannot be
//! sent (or bound) again.
use machproto_runtime::create_endpoints;
use machproto_tests::generated::compositor::gfx_compositor::CompositorChildHandle;
use machproto_tests::generated::compositor::gfx_vsync::Vsync;

fn bridge(content: &CompositorChildHandle) {
    let (_parent, child) = create_endpoints::<Vsync>().unwrap();
    let _ = content.bridge(child);
    let _ = content.bridge(child);
}

fn main() {}
