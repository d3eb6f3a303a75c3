//! Encode statements and decode expressions for one value, by codec.

use super::text::{Doc, string, type_doc};
use crate::lower::Codec;

const NESTED: &str = "mp::wire::nested::";

fn bound_text(bound: Option<u64>) -> Doc {
    match bound {
        Some(bound) => Doc::text(format!("::std::option::Option::Some({bound})")),
        None => Doc::text("::std::option::Option::None"),
    }
}

/// `<ty as mp::MachMessage>::MIN_ENCODED_SIZE`.
pub(crate) fn min_size(ty: &str) -> Doc {
    type_doc(ty)
        .prefixed("<")
        .suffixed(" as mp::MachMessage>::MIN_ENCODED_SIZE")
}

/// `<ty as mp::MachMessage>` then `rest`.
fn as_message(ty: &str, rest: &str) -> Doc {
    type_doc(ty)
        .prefixed("<")
        .suffixed(&format!(" as mp::MachMessage>{rest}"))
}

/// `|encoder, name| { each; Ok(()) }`.
fn encode_closure(name: &str, each: Doc) -> Doc {
    Doc::block(
        format!("|encoder, {name}| {{"),
        vec![each, Doc::text("Ok(())")],
        "}",
    )
}

/// `|decoder| value`.
fn decode_closure(value: Doc) -> Doc {
    value.prefixed("|decoder| ")
}

/// A function from `&mut Decoder` to the decoded `ty`: the type's own
/// `decode` where it is plain (clippy refuses a closure that only
/// forwards), a closure otherwise.
pub(crate) fn decode_fn(codec: &Codec, ty: &str) -> Doc {
    match codec {
        Codec::Plain => as_message(ty, "::decode"),
        _ => decode_closure(decode(codec, ty)),
    }
}

/// A statement encoding the struct field `value` into `encoder`: the
/// runtime's `Encoder::field` helpers for the common cases.
pub(crate) fn encode_field(codec: &Codec, value: &str) -> Doc {
    match codec {
        Codec::Plain => Doc::text(format!("encoder.field({value})?;")),
        Codec::Bounded(bound) => Doc::text(format!("encoder.bounded_field({bound}, {value})?;")),
        _ => encode(codec, value),
    }
}

/// An expression decoding the struct field `name` (its declared name, for
/// error paths), of type `Result<ty, DecodeError>`: the runtime's
/// `Decoder::field` helpers, which add the field to an error's path.
pub(crate) fn decode_field(codec: &Codec, ty: &str, name: &str) -> Doc {
    let name = string(name);
    match codec {
        Codec::Plain => Doc::text(format!("decoder.field({name})")),
        Codec::Bounded(bound) => Doc::text(format!("decoder.bounded_field({name}, {bound})")),
        _ => Doc::group(
            "decoder.field_with(",
            vec![Doc::text(name), decode_closure(decode(codec, ty))],
            ")",
        ),
    }
}

/// A statement encoding `value` into `encoder`.
pub(crate) fn encode(codec: &Codec, value: &str) -> Doc {
    match codec {
        Codec::Plain => Doc::text(format!("mp::MachMessage::encode({value}, encoder)?;")),
        Codec::Bounded(bound) => Doc::group(
            "encoder.with_bound(",
            vec![
                Doc::text(bound.to_string()),
                Doc::text(format!(
                    "|encoder| mp::MachMessage::encode({value}, encoder)"
                )),
            ],
            ")?;",
        ),
        Codec::Serde => Doc::text(format!(
            "mp::wire::serde_field::encode(&{value}, encoder)?;"
        )),
        Codec::Seq { bound, codec, .. } => Doc::group(
            format!("{NESTED}encode_seq("),
            vec![
                Doc::text("encoder"),
                bound_text(*bound),
                Doc::text(value),
                encode_closure("item", encode(codec, "item")),
            ],
            ")?;",
        ),
        Codec::Array { codec, .. } => Doc::group(
            format!("{NESTED}encode_array("),
            vec![
                Doc::text("encoder"),
                Doc::text(value),
                encode_closure("item", encode(codec, "item")),
            ],
            ")?;",
        ),
        Codec::Map {
            key_codec,
            value_codec,
            ..
        } => Doc::group(
            format!("{NESTED}encode_map("),
            vec![
                Doc::text("encoder"),
                bound_text(None),
                Doc::text(value),
                encode_closure("key", encode(key_codec, "key")),
                encode_closure("value", encode(value_codec, "value")),
            ],
            ")?;",
        ),
        Codec::Option { codec, boxed, .. } => {
            let inner = if *boxed { "*value" } else { "value" };
            Doc::group(
                format!("{NESTED}encode_option("),
                vec![
                    Doc::text("encoder"),
                    Doc::text(value),
                    encode_closure("value", encode(codec, inner)),
                ],
                ")?;",
            )
        }
    }
}

/// An expression decoding a `ty` from `decoder`, of type
/// `Result<ty, DecodeError>`.
pub(crate) fn decode(codec: &Codec, ty: &str) -> Doc {
    match codec {
        Codec::Plain => as_message(ty, "::decode(decoder)"),
        Codec::Bounded(bound) => Doc::group(
            "decoder.with_bound(",
            vec![Doc::text(bound.to_string()), as_message(ty, "::decode")],
            ")",
        ),
        Codec::Serde => type_doc(ty)
            .prefixed("mp::wire::serde_field::decode::<")
            .suffixed(">(decoder)"),
        Codec::Seq {
            bound,
            element,
            codec,
        } => Doc::group(
            format!("{NESTED}decode_seq("),
            vec![
                Doc::text("decoder"),
                bound_text(*bound),
                min_size(element),
                decode_fn(codec, element),
            ],
            ")",
        ),
        Codec::Array { element, codec } => Doc::group(
            format!("{NESTED}decode_array("),
            vec![
                Doc::text("decoder"),
                min_size(element),
                decode_fn(codec, element),
            ],
            ")",
        ),
        Codec::Map {
            key,
            key_codec,
            value,
            value_codec,
        } => Doc::group(
            format!("{NESTED}decode_map("),
            vec![
                Doc::text("decoder"),
                bound_text(None),
                Doc::group(
                    format!("{}.saturating_add(", min_size(key).flat()),
                    vec![min_size(value)],
                    ")",
                ),
                decode_fn(key_codec, key),
                decode_fn(value_codec, value),
            ],
            ")",
        ),
        Codec::Option {
            value,
            codec,
            boxed,
        } => {
            let each = if *boxed {
                decode_closure(decode(codec, value).suffixed(".map(::std::boxed::Box::new)"))
            } else {
                decode_fn(codec, value)
            };
            Doc::group(
                format!("{NESTED}decode_option("),
                vec![Doc::text("decoder"), each],
                ")",
            )
        }
    }
}
