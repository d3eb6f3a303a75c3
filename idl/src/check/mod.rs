//! Semantic rules over the resolved model: resources (L11, L17), recursive
//! types (L13) and protocol structure (L20, L24–L28). Each rule is a small
//! function; all of them run, so every error of the phase is reported.

mod generated;
mod graph;
mod protocols;
mod types;

use crate::diag::Diagnostics;
use crate::model::Model;

pub(crate) fn check(model: &mut Model, diags: &mut Diagnostics) {
    types::check_resources(model, diags);
    types::check_recursion(model, diags);
    protocols::check_protocols(model, diags);
    generated::check_generated_names(model, diags);
}
