//! Emitting: the plan as Rust tokens, then as a formatted file.

mod codec;
mod format;
mod protocols;
mod types;

pub(crate) use format::{STACK, render};

use proc_macro2::TokenStream;
use quote::quote;

use crate::lower::ConstPlan;

/// What each package module calls the runtime crate: `mp::wire::Encoder`
/// reads better than the full path everywhere, and the front end refuses a
/// declaration, or a `using` path, that would meet it (E0415).
pub(crate) const RUNTIME: &str = machproto_idl::names::RUNTIME_ALIAS;

/// `#[doc]` attributes for `///` lines.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| {
        // `///text` keeps its leading space, as rustdoc expects.
        let text = if line.starts_with(' ') || line.is_empty() {
            line.clone()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}

/// Rust's strict and reserved keywords (edition 2024), which a declared
/// name can only be as a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// An identifier, raw when it is a Rust keyword (`r#type`). A list
/// rather than asking `syn` to parse each name: this runs for every name
/// of every item.
pub(crate) fn ident(name: &str) -> syn::Ident {
    let span = proc_macro2::Span::call_site();
    if KEYWORDS.contains(&name) {
        syn::Ident::new_raw(name, span)
    } else {
        syn::Ident::new(name, span)
    }
}

/// `#[allow(non_camel_case_types)]` for a declared name that is not
/// `UpperCamelCase` (the language keeps its spelling and only warns).
pub(crate) fn case_allow(name: &str) -> TokenStream {
    if crate::lower::is_upper_camel(name) {
        TokenStream::new()
    } else {
        quote!(#[allow(non_camel_case_types)])
    }
}

thread_local! {
    /// The tokens of each Rust type met while emitting one unit (see
    /// `format`): a type is written several times per message (field,
    /// size, handler and handle), and lexing it each time cost more than
    /// a lookup. Cleared after each unit, so that no tokens outlive the
    /// call that made them (inside a procedural macro they are the
    /// compiler's).
    static TYPES: std::cell::RefCell<std::collections::HashMap<String, TokenStream>> =
        std::cell::RefCell::default();
}

/// A Rust type written by the lowering.
pub(crate) fn rust_type(text: &str) -> TokenStream {
    TYPES.with(|types| {
        if let Some(tokens) = types.borrow().get(text) {
            return tokens.clone();
        }
        // The lowering writes only valid types; the unit type stands in
        // for anything else rather than panicking.
        let tokens = match syn::parse_str::<syn::Type>(text) {
            Ok(ty) => quote!(#ty),
            Err(_) => quote!(()),
        };
        types.borrow_mut().insert(text.to_owned(), tokens.clone());
        tokens
    })
}

/// Forgets the types [`rust_type`] has seen on this thread.
fn forget_types() {
    TYPES.with(|types| types.borrow_mut().clear());
}

fn emit_const(plan: &ConstPlan) -> TokenStream {
    let doc = docs(&plan.docs);
    let name = ident(&plan.name);
    let ty = rust_type(&plan.ty);
    let value: TokenStream = plan.value.parse().unwrap_or_else(|_| quote!(()));
    quote! {
        #doc
        pub const #name: #ty = #value;
    }
}

/// The items of a package module, in order.
pub(crate) type Items = Vec<TokenStream>;
