//! Sync messages go only from the child to the parent (L24): the parent
//! side has no blocking call to make.
use std::time::Duration;

use machproto_tests::generated::compositor::gfx_compositor::CompositorParentHandle;

fn unlock(gpu: &CompositorParentHandle) {
    let _ = gpu.wait_for_texture_ids_to_unlock(vec![1], Duration::from_millis(100));
}

fn main() {}
