//! Declared types: structs, C-like enums, unions and aliases, each with
//! its `MachMessage` impl.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::codec::{decode_field, decode_fn, encode, encode_field};
use super::{Items, case_allow, docs, ident, rust_type};
use crate::lower::{Derives, FieldPlan, TypePlan, VariantPlan};

/// Pushes the items of one type: its declaration, then its impls.
pub(crate) fn emit_type(plan: &TypePlan, items: &mut Items) {
    match plan {
        TypePlan::Struct {
            name,
            docs: lines,
            fields,
            derives,
        } => emit_struct(name, lines, fields, *derives, items),
        TypePlan::Enum {
            name,
            docs: lines,
            members,
            flexible,
        } => emit_enum(name, lines, members, *flexible, items),
        TypePlan::Union {
            name,
            docs: lines,
            variants,
            derives,
        } => emit_union(name, lines, variants, *derives, items),
        TypePlan::Alias {
            name,
            docs: lines,
            path,
        } => {
            let doc = docs(lines);
            let allow = case_allow(name);
            let name = ident(name);
            let path = rust_type(path);
            items.push(quote! {
                #doc
                #allow
                pub type #name = #path;
            });
        }
    }
}

fn derive_attr(derives: Derives) -> TokenStream {
    match (derives.plain, derives.eq_hash) {
        (true, true) => quote!(#[derive(Clone, Debug, PartialEq, Eq, Hash)]),
        (true, false) => quote!(#[derive(Clone, Debug, PartialEq)]),
        _ => quote!(#[derive(Debug)]),
    }
}

/// The fewest bytes a struct of `fields` takes: the sum of its fields'
/// (a serde field's is unknown, so none).
fn min_sizes(fields: &[FieldPlan]) -> TokenStream {
    let sizes = fields
        .iter()
        .filter(|field| field.codec != crate::lower::Codec::Serde)
        .map(|field| {
            let ty = rust_type(&field.ty);
            quote!(<#ty as mp::MachMessage>::MIN_ENCODED_SIZE)
        });
    let mut sizes = sizes.peekable();
    match sizes.next() {
        None => quote!(0),
        Some(first) => quote!(#first #(.saturating_add(#sizes))*),
    }
}

fn emit_struct(
    name: &str,
    lines: &[String],
    fields: &[FieldPlan],
    derives: Derives,
    items: &mut Items,
) {
    let doc = docs(lines);
    let derive = derive_attr(derives);
    let allow = case_allow(name);
    let type_name = ident(name);
    let declared = fields.iter().map(|field| {
        let doc = docs(&field.docs);
        let name = ident(&field.name);
        let ty = rust_type(&field.ty);
        quote! {
            #doc
            pub #name: #ty,
        }
    });
    let min = min_sizes(fields);
    // An empty struct writes and reads nothing.
    let (encoder, decoder) = if fields.is_empty() {
        (quote!(_encoder), quote!(_decoder))
    } else {
        (quote!(encoder), quote!(decoder))
    };
    let encodes = fields.iter().map(|field| {
        let name = ident(&field.name);
        encode_field(&field.codec, quote!(self.#name))
    });
    let decodes = fields.iter().map(|field| {
        let name = ident(&field.name);
        let value = decode_field(&field.codec, &field.ty, &field.wire_name);
        quote!(#name: #value?,)
    });
    items.push(quote! {
        #doc
        #derive
        #allow
        pub struct #type_name {
            #(#declared)*
        }

    });
    items.push(quote! {
        impl mp::MachMessage for #type_name {
            const MIN_ENCODED_SIZE: usize = #min;

            fn encode(
                self,
                #encoder: &mut mp::wire::Encoder,
            ) -> ::std::result::Result<(), mp::EncodeError> {
                #(#encodes)*
                Ok(())
            }

            fn decode(
                #decoder: &mut mp::wire::Decoder<'_>,
            ) -> ::std::result::Result<Self, mp::DecodeError> {
                Ok(#type_name {
                    #(#decodes)*
                })
            }
        }
    });
}

fn emit_enum(
    name: &str,
    lines: &[String],
    members: &[(String, u32, Vec<String>)],
    flexible: bool,
    items: &mut Items,
) {
    let doc = docs(lines);
    let allow = case_allow(name);
    let type_name = ident(name);
    let variants = members.iter().map(|(member, _, lines)| {
        let doc = docs(lines);
        let member = ident(member);
        quote! {
            #doc
            #member,
        }
    });
    let unknown_variant = flexible.then(|| {
        quote! {
            /// A value this version does not know, kept as received.
            Unknown(u32),
        }
    });
    let to_value = members.iter().map(|(member, value, _)| {
        let member = ident(member);
        let value = Literal::u32_unsuffixed(*value);
        quote!(#type_name::#member => #value,)
    });
    let unknown_to_value = flexible.then(|| quote!(#type_name::Unknown(value) => value,));
    let from_value = members.iter().map(|(member, value, _)| {
        let member = ident(member);
        let value = Literal::u32_unsuffixed(*value);
        quote!(#value => ::std::option::Option::Some(#type_name::#member),)
    });
    let otherwise = if flexible {
        quote!(value => ::std::option::Option::Some(#type_name::Unknown(value)),)
    } else {
        quote!(_ => ::std::option::Option::None,)
    };
    items.push(quote! {
        #doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #allow
        pub enum #type_name {
            #(#variants)*
            #unknown_variant
        }

    });
    items.push(quote! {
        impl #type_name {
            /// The value that travels for this member.
            pub const fn value(self) -> u32 {
                match self {
                    #(#to_value)*
                    #unknown_to_value
                }
            }

            /// The member with `value`, if there is one.
            pub const fn from_value(value: u32) -> ::std::option::Option<#type_name> {
                match value {
                    #(#from_value)*
                    #otherwise
                }
            }
        }

    });
    items.push(quote! {
        impl mp::MachMessage for #type_name {
            const MIN_ENCODED_SIZE: usize = 4;

            fn encode(
                self,
                encoder: &mut mp::wire::Encoder,
            ) -> ::std::result::Result<(), mp::EncodeError> {
                encoder.put_u32(self.value());
                Ok(())
            }

            fn decode(
                decoder: &mut mp::wire::Decoder<'_>,
            ) -> ::std::result::Result<Self, mp::DecodeError> {
                let value = decoder.take_u32()?;
                #type_name::from_value(value).ok_or_else(|| {
                    mp::DecodeError::new(
                        mp::wire::DecodeErrorKind::UnknownVariant(value),
                    )
                })
            }
        }
    });
}

fn emit_union(
    name: &str,
    lines: &[String],
    variants: &[VariantPlan],
    derives: Derives,
    items: &mut Items,
) {
    let doc = docs(lines);
    let derive = derive_attr(derives);
    let allow = case_allow(name);
    let type_name = ident(name);
    let declared = variants.iter().map(|variant| {
        let doc = docs(&variant.docs);
        let name = ident(&variant.name);
        match &variant.payload {
            Some((ty, _)) => {
                let ty = rust_type(ty);
                quote! {
                    #doc
                    #name(#ty),
                }
            }
            None => quote! {
                #doc
                #name,
            },
        }
    });
    let encodes = variants.iter().enumerate().map(|(index, variant)| {
        let name = ident(&variant.name);
        let tag = Literal::u32_unsuffixed(index as u32);
        match &variant.payload {
            Some((_, codec)) => {
                let value = encode(codec, quote!(value));
                quote! {
                    #type_name::#name(value) => {
                        encoder.put_u32(#tag);
                        #value
                    }
                }
            }
            None => quote!(#type_name::#name => encoder.put_u32(#tag),),
        }
    });
    let decodes = variants.iter().enumerate().map(|(index, variant)| {
        let name = ident(&variant.name);
        let tag = Literal::u32_unsuffixed(index as u32);
        let wire_name = Literal::string(&variant.wire_name);
        match &variant.payload {
            Some((ty, codec)) => {
                let value = decode_fn(codec, ty);
                quote! {
                    #tag => Ok(#type_name::#name(
                        decoder.variant_with(#wire_name, #value)?,
                    )),
                }
            }
            None => quote!(#tag => Ok(#type_name::#name),),
        }
    });
    items.push(quote! {
        #doc
        #derive
        #allow
        pub enum #type_name {
            #(#declared)*
        }

    });
    items.push(quote! {
        impl mp::MachMessage for #type_name {
            const MIN_ENCODED_SIZE: usize = 4;

            fn encode(
                self,
                encoder: &mut mp::wire::Encoder,
            ) -> ::std::result::Result<(), mp::EncodeError> {
                match self {
                    #(#encodes)*
                }
                Ok(())
            }

            fn decode(
                decoder: &mut mp::wire::Decoder<'_>,
            ) -> ::std::result::Result<Self, mp::DecodeError> {
                match decoder.take_u32()? {
                    #(#decodes)*
                    other => Err(mp::DecodeError::new(
                        mp::wire::DecodeErrorKind::UnknownVariant(other),
                    )),
                }
            }
        }
    });
}
