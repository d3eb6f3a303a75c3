//! `#[derive(MachMessage)]`: attributes are read into an internal AST
//! ([`ast`]), every mistake is collected ([`ctxt`]), then code is written
//! ([`expand`]).

mod ast;
mod attr;
mod ctxt;
mod expand;

use proc_macro2::TokenStream;

pub(crate) fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let ctxt = ctxt::Ctxt::new();
    let container = ast::Container::from_ast(&ctxt, input);
    ctxt.check()?;
    match container {
        Some(container) => Ok(expand::expand(&container)),
        None => Ok(TokenStream::new()),
    }
}
