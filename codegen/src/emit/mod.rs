//! Emitting: the plan as formatted Rust text.

mod codec;
mod format;
mod protocols;
mod text;
mod types;

pub(crate) use format::{STACK, render};

use text::{Writer, ident};

use crate::lower::ConstPlan;

/// What each package module calls the runtime crate: `mp::wire::Encoder`
/// reads better than the full path everywhere, and the front end refuses a
/// declaration, or a `using` path, that would meet it (E0415).
pub(crate) const RUNTIME: &str = machproto_idl::names::RUNTIME_ALIAS;

/// `#[allow(non_camel_case_types)]` for a declared name that is not
/// `UpperCamelCase` (the language keeps its spelling and only warns).
pub(crate) fn case_allow(name: &str, w: &mut Writer) {
    if !crate::lower::is_upper_camel(name) {
        w.line("#[allow(non_camel_case_types)]");
    }
}

/// The Rust type a `using` declaration names, as printed by
/// `prettyplease`. The one text of the output written by hand in the
/// protocol file: it is parsed, never copied, so that it can only be a
/// type (anything else becomes `()`, and rustc points at the alias).
pub(crate) fn alias_path(path: &str) -> String {
    let Ok(ty) = syn::parse_str::<syn::Type>(path) else {
        return "()".to_owned();
    };
    let file = syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![syn::parse_quote!(type T = #ty;)],
    };
    let text = prettyplease::unparse(&file);
    match text.trim_end().strip_prefix("type T = ") {
        Some(text) if !text.contains('\n') => text.strip_suffix(';').unwrap_or(text).to_owned(),
        // Too long for one line: the tokens, spaced but on one line.
        _ => quote::quote!(#ty).to_string(),
    }
}

fn emit_const(plan: &ConstPlan, w: &mut Writer) {
    w.item();
    w.docs(&plan.docs);
    w.parts(&[
        "pub const ",
        &ident(&plan.name),
        ": ",
        &plan.ty,
        " = ",
        &plan.value,
        ";",
    ]);
}

#[cfg(test)]
mod tests {
    use super::alias_path;

    #[test]
    fn alias_paths_are_types_or_nothing() {
        assert_eq!(alias_path("crate::geom::Point"), "crate::geom::Point");
        assert_eq!(alias_path("  ::std::vec::Vec< u8 >"), "::std::vec::Vec<u8>");
        assert_eq!(alias_path("u32 // comment"), "u32");
        assert_eq!(alias_path("u32; fn evil() {}"), "()");
        assert_eq!(alias_path("u32\n"), "u32");
        assert_eq!(alias_path(""), "()");
    }
}
