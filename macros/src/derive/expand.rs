//! The generated `MachMessage` impl. Paths to the runtime are absolute
//! (through the overridable crate path) and the impl sits in `const _`, so
//! user names cannot clash with it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Body, Container, Field, Fields, Variant};

pub(crate) fn expand(container: &Container<'_>) -> TokenStream {
    let krate = &container.attrs.crate_path;
    let ident = container.ident;
    let mut generics = container.generics.clone();
    for param in container.generics.type_params() {
        let name = &param.ident;
        generics
            .make_where_clause()
            .predicates
            .push(syn::parse_quote!(#name: #krate::MachMessage));
    }
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let (min_size, encode, decode) = match &container.body {
        Body::Struct(fields) => (
            min_size(krate, fields),
            encode_struct(krate, fields),
            decode_struct(krate, fields),
        ),
        Body::Enum(variants) if is_fieldless(variants) => (
            quote!(4),
            quote! {
                encoder.put_u32(self as u32);
                ::core::result::Result::Ok(())
            },
            decode_fieldless(krate, variants),
        ),
        Body::Enum(variants) => (
            quote!(4),
            encode_enum(krate, variants),
            decode_enum(krate, variants),
        ),
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            // A bound written as a `u64` literal still goes through `as u64`.
            #[allow(clippy::unnecessary_cast)]
            impl #impl_generics #krate::MachMessage for #ident #type_generics #where_clause {
                const MIN_ENCODED_SIZE: usize = #min_size;

                fn encode(
                    self,
                    encoder: &mut #krate::wire::Encoder,
                ) -> ::core::result::Result<(), #krate::wire::EncodeError> {
                    #encode
                }

                fn decode(
                    decoder: &mut #krate::wire::Decoder<'_>,
                ) -> ::core::result::Result<Self, #krate::wire::DecodeError> {
                    #decode
                }
            }
        };
    }
}

fn is_fieldless(variants: &[Variant<'_>]) -> bool {
    !variants.is_empty() && variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// The local name a field is bound to; prefixed so that a field called
/// `encoder` or `decoder` cannot shadow the method's parameter.
fn binding(field: &Field<'_>, index: usize) -> syn::Ident {
    match field.ident {
        Some(ident) => format_ident!("__mach_{}", ident),
        None => format_ident!("__mach_{}", index),
    }
}

fn path_segment(krate: &syn::Path, field: &Field<'_>, index: usize) -> TokenStream {
    match field.ident {
        Some(ident) => {
            let name = ident.to_string();
            let name = name.trim_start_matches("r#");
            quote!(#krate::wire::PathSegment::Field(#name))
        }
        None => quote!(#krate::wire::PathSegment::Position(#index)),
    }
}

fn min_size(krate: &syn::Path, fields: &Fields<'_>) -> TokenStream {
    let sizes = fields.list().iter().map(|field| {
        let ty = field.ty;
        if field.attrs.serde {
            quote!(4)
        } else {
            quote_spanned!(ty.span()=> <#ty as #krate::MachMessage>::MIN_ENCODED_SIZE)
        }
    });
    quote!(0 #(+ #sizes)*)
}

/// `let Self { a, b } = value;` (or the tuple form), binding every field.
fn destructure(path: TokenStream, fields: &Fields<'_>) -> TokenStream {
    let bindings = fields.list().iter().enumerate().map(|(i, f)| binding(f, i));
    match fields {
        Fields::Named(list) => {
            let names = list.iter().map(|f| f.ident);
            quote!(#path { #(#names: #bindings),* })
        }
        Fields::Unnamed(_) => quote!(#path ( #(#bindings),* )),
        Fields::Unit => path,
    }
}

fn encode_fields(krate: &syn::Path, fields: &Fields<'_>) -> TokenStream {
    let steps = fields.list().iter().enumerate().map(|(index, field)| {
        let value = binding(field, index);
        let ty = field.ty;
        if field.attrs.serde {
            return quote_spanned! {ty.span()=>
                #krate::wire::serde_field::encode(&#value, encoder)?;
            };
        }
        let encode = quote_spanned!(ty.span()=> <#ty as #krate::MachMessage>::encode);
        match &field.attrs.bound {
            Some(bound) => {
                let assert = quote_spanned!(ty.span()=> #krate::wire::__assert_bounded::<#ty>(););
                let bound = quote_spanned!(bound.span()=> (#bound) as u64);
                quote! {
                    #assert
                    encoder.with_bound(#bound, |encoder| #encode(#value, encoder))?;
                }
            }
            None => quote!(#encode(#value, encoder)?;),
        }
    });
    quote!(#(#steps)*)
}

fn decode_fields(krate: &syn::Path, fields: &Fields<'_>) -> TokenStream {
    let steps = fields.list().iter().enumerate().map(|(index, field)| {
        let value = binding(field, index);
        let ty = field.ty;
        let segment = path_segment(krate, field, index);
        let decode = if field.attrs.serde {
            quote_spanned!(ty.span()=> #krate::wire::serde_field::decode::<#ty>(decoder))
        } else {
            let decode = quote_spanned!(ty.span()=> <#ty as #krate::MachMessage>::decode);
            match &field.attrs.bound {
                Some(bound) => {
                    let bound = quote_spanned!(bound.span()=> (#bound) as u64);
                    quote!(decoder.with_bound(#bound, #decode))
                }
                None => quote!(#decode(decoder)),
            }
        };
        quote! {
            let #value = #decode.map_err(|error| error.within(#segment))?;
        }
    });
    quote!(#(#steps)*)
}

fn encode_struct(krate: &syn::Path, fields: &Fields<'_>) -> TokenStream {
    let pattern = destructure(quote!(Self), fields);
    let steps = encode_fields(krate, fields);
    quote! {
        let #pattern = self;
        #steps
        ::core::result::Result::Ok(())
    }
}

fn decode_struct(krate: &syn::Path, fields: &Fields<'_>) -> TokenStream {
    let steps = decode_fields(krate, fields);
    let value = destructure(quote!(Self), fields);
    quote! {
        #steps
        ::core::result::Result::Ok(#value)
    }
}

fn decode_fieldless(krate: &syn::Path, variants: &[Variant<'_>]) -> TokenStream {
    let checks = variants.iter().map(|variant| {
        let name = variant.ident;
        quote! {
            if tag == (Self::#name as u32) {
                return ::core::result::Result::Ok(Self::#name);
            }
        }
    });
    quote! {
        let tag = decoder.take_u32()?;
        #(#checks)*
        ::core::result::Result::Err(#krate::wire::DecodeError::new(
            #krate::wire::DecodeErrorKind::UnknownVariant(tag),
        ))
    }
}

fn variant_tag(index: usize) -> syn::LitInt {
    syn::LitInt::new(&format!("{index}u32"), Span::call_site())
}

fn encode_enum(krate: &syn::Path, variants: &[Variant<'_>]) -> TokenStream {
    let arms = variants.iter().enumerate().map(|(index, variant)| {
        let name = variant.ident;
        let pattern = destructure(quote!(Self::#name), &variant.fields);
        let tag = variant_tag(index);
        let steps = encode_fields(krate, &variant.fields);
        quote! {
            #pattern => {
                encoder.put_u32(#tag);
                #steps
            }
        }
    });
    quote! {
        match self {
            #(#arms)*
        }
        ::core::result::Result::Ok(())
    }
}

fn decode_enum(krate: &syn::Path, variants: &[Variant<'_>]) -> TokenStream {
    let arms = variants.iter().enumerate().map(|(index, variant)| {
        let name = variant.ident;
        let label = name.to_string();
        let tag = variant_tag(index);
        let steps = decode_fields(krate, &variant.fields);
        let value = destructure(quote!(Self::#name), &variant.fields);
        quote! {
            #tag => {
                let decode = |decoder: &mut #krate::wire::Decoder<'_>|
                    -> ::core::result::Result<Self, #krate::wire::DecodeError> {
                    #steps
                    ::core::result::Result::Ok(#value)
                };
                decode(decoder).map_err(|error| {
                    error.within(#krate::wire::PathSegment::Variant(#label))
                })
            }
        }
    });
    quote! {
        match decoder.take_u32()? {
            #(#arms)*
            tag => ::core::result::Result::Err(#krate::wire::DecodeError::new(
                #krate::wire::DecodeErrorKind::UnknownVariant(tag),
            )),
        }
    }
}
