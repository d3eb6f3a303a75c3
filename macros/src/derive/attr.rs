//! `#[mach(...)]` attributes.

use super::ctxt::Ctxt;

const MACH: &str = "mach";
const BOUND: &str = "bound";
const SERDE: &str = "serde";
const CRATE: &str = "crate";

/// Type names that are rights: `#[mach(serde)]` on them is a mistake that
/// can be named precisely rather than left to a trait error.
const RIGHT_TYPES: &[&str] = &[
    "SendRight",
    "SendOnceRight",
    "ReceiveRight",
    "SharedMemory",
    "OwnedFd",
    "Endpoint",
    "ManagedEndpoint",
];

/// Attributes of the type being derived.
pub(crate) struct ContainerAttrs {
    pub(crate) crate_path: syn::Path,
}

/// Attributes of one field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) bound: Option<syn::Expr>,
    pub(crate) serde: bool,
}

pub(crate) fn container(ctxt: &Ctxt, attrs: &[syn::Attribute]) -> ContainerAttrs {
    let mut crate_path: Option<syn::Path> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(MACH)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(CRATE) {
                let literal: syn::LitStr = meta.value()?.parse()?;
                if crate_path.is_some() {
                    ctxt.error_spanned(&meta.path, "duplicate `mach(crate)` attribute");
                }
                crate_path = Some(literal.parse()?);
            } else if meta.path.is_ident(BOUND) || meta.path.is_ident(SERDE) {
                let name = path_name(&meta.path);
                ctxt.error_spanned(
                    &meta.path,
                    format!("`mach({name})` belongs on a field, not on the type"),
                );
                skip_value(&meta)?;
            } else {
                ctxt.error_spanned(
                    &meta.path,
                    format!(
                        "unknown `mach` attribute `{}`; on a type only `crate = \"...\"` is known",
                        path_name(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            ctxt.syn_error(error);
        }
    }
    ContainerAttrs {
        crate_path: crate_path.unwrap_or_else(|| syn::parse_quote!(::machproto_runtime)),
    }
}

pub(crate) fn field(ctxt: &Ctxt, field: &syn::Field) -> FieldAttrs {
    let mut attrs = FieldAttrs::default();
    let mut serde_path: Option<syn::Path> = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident(MACH)) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(BOUND) {
                let bound: syn::Expr = meta.value()?.parse()?;
                if attrs.bound.is_some() {
                    ctxt.error_spanned(&meta.path, "duplicate `mach(bound)` attribute");
                }
                attrs.bound = Some(bound);
            } else if meta.path.is_ident(SERDE) {
                if attrs.serde {
                    ctxt.error_spanned(&meta.path, "duplicate `mach(serde)` attribute");
                }
                attrs.serde = true;
                serde_path = Some(meta.path.clone());
            } else {
                ctxt.error_spanned(
                    &meta.path,
                    format!(
                        "unknown `mach` attribute `{}`; on a field the known ones are `bound = N` and `serde`",
                        path_name(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            ctxt.syn_error(error);
        }
    }
    if let Some(path) = &serde_path {
        if let Some(right) = right_type_name(&field.ty) {
            ctxt.error_spanned(
                path,
                format!(
                    "`#[mach(serde)]` cannot carry `{right}`: rights travel in the message's table of rights, never as serde data"
                ),
            );
        }
        if attrs.bound.is_some() {
            ctxt.error_spanned(
                path,
                "`mach(serde)` and `mach(bound)` cannot be combined on one field",
            );
        }
    }
    attrs
}

/// The right type a field's type names, looking through `Option`, `Vec` and
/// similar wrappers.
fn right_type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    if RIGHT_TYPES.contains(&name.as_str()) {
        return Some(name);
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(inner) => right_type_name(inner),
        _ => None,
    })
}

fn path_name(path: &syn::Path) -> String {
    quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "")
}

/// Consumes `= value` or `(…)` after an unknown attribute name so parsing
/// can go on and report later attributes too.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _ = meta.parse_nested_meta(|inner| skip_value(&inner));
    }
    Ok(())
}
