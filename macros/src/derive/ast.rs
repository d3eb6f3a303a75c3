//! The derive's view of the input: fields with their parsed attributes.

use super::attr::{self, ContainerAttrs, FieldAttrs};
use super::ctxt::Ctxt;

pub(crate) struct Container<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) body: Body<'a>,
}

pub(crate) enum Body<'a> {
    Struct(Fields<'a>),
    Enum(Vec<Variant<'a>>),
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) fields: Fields<'a>,
}

/// Fields of a struct or variant, and how they are written.
pub(crate) enum Fields<'a> {
    Named(Vec<Field<'a>>),
    Unnamed(Vec<Field<'a>>),
    Unit,
}

impl<'a> Fields<'a> {
    pub(crate) fn list(&self) -> &[Field<'a>] {
        match self {
            Fields::Named(fields) | Fields::Unnamed(fields) => fields,
            Fields::Unit => &[],
        }
    }
}

pub(crate) struct Field<'a> {
    /// The field's name, or `None` for a positional field.
    pub(crate) ident: Option<&'a syn::Ident>,
    pub(crate) ty: &'a syn::Type,
    pub(crate) attrs: FieldAttrs,
}

impl<'a> Container<'a> {
    pub(crate) fn from_ast(ctxt: &Ctxt, input: &'a syn::DeriveInput) -> Option<Container<'a>> {
        let attrs = attr::container(ctxt, &input.attrs);
        let body = match &input.data {
            syn::Data::Struct(data) => Body::Struct(fields(ctxt, &data.fields)),
            syn::Data::Enum(data) => Body::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("mach")) {
                            ctxt.error_spanned(
                                attr,
                                "`mach` attributes go on fields, not on variants",
                            );
                        }
                        Variant {
                            ident: &variant.ident,
                            fields: fields(ctxt, &variant.fields),
                        }
                    })
                    .collect(),
            ),
            syn::Data::Union(data) => {
                ctxt.error_spanned(
                    data.union_token,
                    "`MachMessage` cannot be derived for a union: its fields overlap, so which one to send is unknown",
                );
                return None;
            }
        };
        Some(Container {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            body,
        })
    }
}

fn fields<'a>(ctxt: &Ctxt, fields: &'a syn::Fields) -> Fields<'a> {
    let list = |fields: &'a syn::punctuated::Punctuated<syn::Field, syn::Token![,]>| {
        fields
            .iter()
            .map(|field| Field {
                ident: field.ident.as_ref(),
                ty: &field.ty,
                attrs: attr::field(ctxt, field),
            })
            .collect()
    };
    match fields {
        syn::Fields::Named(named) => Fields::Named(list(&named.named)),
        syn::Fields::Unnamed(unnamed) => Fields::Unnamed(list(&unnamed.unnamed)),
        syn::Fields::Unit => Fields::Unit,
    }
}
