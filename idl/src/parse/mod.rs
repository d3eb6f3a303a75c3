//! Text to [`ast::File`]. pest types stay inside this module.

mod build;
mod literal;
mod prescan;
mod syntax_error;

use pest::Parser as _;

use crate::ast;
use crate::diag::Diagnostics;
use crate::span::FileId;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct Grammar;

/// Parses one file. Returns `None` after reporting when the text is not
/// syntactically valid; problems inside valid syntax (a bad escape, an
/// out-of-range integer) are reported while a tree is still returned.
pub(crate) fn parse_file(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<ast::File> {
    if !prescan::prescan(file, text, diags) {
        return None;
    }
    enable_error_detail();
    match Grammar::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let root = pairs.next()?;
            Some(build::Builder::new(file, diags).file(root))
        }
        Err(error) => {
            diags.push(syntax_error::convert(file, text, &error));
            None
        }
    }
}

fn enable_error_detail() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // Detail makes pest record which tokens it expected at the failure point,
    // so syntax errors can say "expected `;`" instead of naming grammar rules.
    ONCE.call_once(|| pest::set_error_detail(true));
}
