//! A handler must handle every message its side receives.
use machproto_tests::generated::compositor::gfx_compositor::CompositorChildHandler;

struct Content;

impl CompositorChildHandler for Content {}

fn main() {}
