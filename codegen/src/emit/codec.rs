//! Encode statements and decode expressions for one value, by codec.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::rust_type;
use crate::lower::Codec;

fn bound_tokens(bound: Option<u64>) -> TokenStream {
    match bound {
        Some(bound) => {
            let bound = Literal::u64_unsuffixed(bound);
            quote!(::std::option::Option::Some(#bound))
        }
        None => quote!(::std::option::Option::None),
    }
}

fn min_size(ty: &str) -> TokenStream {
    let ty = rust_type(ty);
    quote!(<#ty as mp::MachMessage>::MIN_ENCODED_SIZE)
}

/// A statement encoding the struct field `value` into `encoder`: the
/// runtime's `Encoder::field` helpers for the common cases.
pub(crate) fn encode_field(codec: &Codec, value: TokenStream) -> TokenStream {
    match codec {
        Codec::Plain => quote!(encoder.field(#value)?;),
        Codec::Bounded(bound) => {
            let bound = Literal::u64_unsuffixed(*bound);
            quote!(encoder.bounded_field(#bound, #value)?;)
        }
        _ => encode(codec, value),
    }
}

/// An expression decoding the struct field `name` (its declared name, for
/// error paths), of type `Result<ty, DecodeError>`: the runtime's
/// `Decoder::field` helpers, which add the field to an error's path.
pub(crate) fn decode_field(codec: &Codec, ty: &str, name: &str) -> TokenStream {
    let name = Literal::string(name);
    match codec {
        Codec::Plain => quote!(decoder.field(#name)),
        Codec::Bounded(bound) => {
            let bound = Literal::u64_unsuffixed(*bound);
            quote!(decoder.bounded_field(#name, #bound))
        }
        _ => {
            let value = decode(codec, ty);
            quote!(decoder.field_with(#name, |decoder| #value))
        }
    }
}

/// A statement encoding `value` into `encoder`.
pub(crate) fn encode(codec: &Codec, value: TokenStream) -> TokenStream {
    let nested = quote!(mp::wire::nested);
    match codec {
        Codec::Plain => quote!(mp::MachMessage::encode(#value, encoder)?;),
        Codec::Bounded(bound) => {
            let bound = Literal::u64_unsuffixed(*bound);
            quote! {
                encoder.with_bound(#bound, |encoder| {
                    mp::MachMessage::encode(#value, encoder)
                })?;
            }
        }
        Codec::Serde => quote!(mp::wire::serde_field::encode(&#value, encoder)?;),
        Codec::Seq { bound, codec, .. } => {
            let bound = bound_tokens(*bound);
            let each = encode(codec, quote!(item));
            quote! {
                #nested::encode_seq(encoder, #bound, #value, |encoder, item| {
                    #each
                    Ok(())
                })?;
            }
        }
        Codec::Array { codec, .. } => {
            let each = encode(codec, quote!(item));
            quote! {
                #nested::encode_array(encoder, #value, |encoder, item| {
                    #each
                    Ok(())
                })?;
            }
        }
        Codec::Map {
            key_codec,
            value_codec,
            ..
        } => {
            let key = encode(key_codec, quote!(key));
            let entry = encode(value_codec, quote!(value));
            quote! {
                #nested::encode_map(
                    encoder,
                    ::std::option::Option::None,
                    #value,
                    |encoder, key| {
                        #key
                        Ok(())
                    },
                    |encoder, value| {
                        #entry
                        Ok(())
                    },
                )?;
            }
        }
        Codec::Option { codec, boxed, .. } => {
            let inner = if *boxed {
                quote!(*value)
            } else {
                quote!(value)
            };
            let each = encode(codec, inner);
            quote! {
                #nested::encode_option(encoder, #value, |encoder, value| {
                    #each
                    Ok(())
                })?;
            }
        }
    }
}

/// A function from `&mut Decoder` to `Result<ty, DecodeError>`: the
/// type's own `decode` where it is plain (clippy refuses a closure that
/// only forwards), a closure otherwise.
pub(crate) fn decode_fn(codec: &Codec, ty: &str) -> TokenStream {
    match codec {
        Codec::Plain => {
            let rust = rust_type(ty);
            quote!(<#rust as mp::MachMessage>::decode)
        }
        _ => {
            let value = decode(codec, ty);
            quote!(|decoder| #value)
        }
    }
}

/// An expression decoding a `ty` from `decoder`, of type
/// `Result<ty, DecodeError>`.
pub(crate) fn decode(codec: &Codec, ty: &str) -> TokenStream {
    let nested = quote!(mp::wire::nested);
    let rust = rust_type(ty);
    match codec {
        Codec::Plain => quote!(<#rust as mp::MachMessage>::decode(decoder)),
        Codec::Bounded(bound) => {
            let bound = Literal::u64_unsuffixed(*bound);
            quote! {
                decoder.with_bound(#bound, <#rust as mp::MachMessage>::decode)
            }
        }
        Codec::Serde => quote!(mp::wire::serde_field::decode::<#rust>(decoder)),
        Codec::Seq {
            bound,
            element,
            codec,
        } => {
            let bound = bound_tokens(*bound);
            let min = min_size(element);
            let each = decode_fn(codec, element);
            quote!(#nested::decode_seq(decoder, #bound, #min, #each))
        }
        Codec::Array { element, codec } => {
            let min = min_size(element);
            let each = decode_fn(codec, element);
            quote!(#nested::decode_array(decoder, #min, #each))
        }
        Codec::Map {
            key,
            key_codec,
            value,
            value_codec,
        } => {
            let min_key = min_size(key);
            let min_value = min_size(value);
            let key = decode_fn(key_codec, key);
            let value = decode_fn(value_codec, value);
            quote! {
                #nested::decode_map(
                    decoder,
                    ::std::option::Option::None,
                    #min_key.saturating_add(#min_value),
                    #key,
                    #value,
                )
            }
        }
        Codec::Option {
            value,
            codec,
            boxed,
        } => {
            if *boxed {
                let each = decode(codec, value);
                quote!(#nested::decode_option(decoder, |decoder| #each.map(::std::boxed::Box::new)))
            } else {
                let each = decode_fn(codec, value);
                quote!(#nested::decode_option(decoder, #each))
            }
        }
    }
}
