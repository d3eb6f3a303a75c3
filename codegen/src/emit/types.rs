//! Declared types: structs, C-like enums, unions and aliases, each with
//! its `MachMessage` impl.

use std::borrow::Cow;

use super::codec::{decode_field, decode_fn, encode, encode_field, min_size};
use super::text::{Doc, Writer, ident, string, type_doc};
use super::{alias_path, case_allow};
use crate::lower::{Codec, Derives, FieldPlan, TypePlan, VariantPlan};

/// Writes the items of one type: its declaration, then its impls.
pub(crate) fn emit_type(plan: &TypePlan, w: &mut Writer) {
    match plan {
        TypePlan::Struct {
            name,
            docs,
            fields,
            derives,
        } => emit_struct(name, docs, fields, *derives, w),
        TypePlan::Enum {
            name,
            docs,
            members,
            flexible,
        } => emit_enum(name, docs, members, *flexible, w),
        TypePlan::Union {
            name,
            docs,
            variants,
            derives,
        } => emit_union(name, docs, variants, *derives, w),
        TypePlan::Alias { name, docs, path } => {
            w.item();
            w.docs(docs);
            case_allow(name, w);
            w.parts(&["pub type ", &ident(name), " = ", &alias_path(path), ";"]);
        }
    }
}

fn derive_attr(derives: Derives) -> &'static str {
    match (derives.plain, derives.eq_hash) {
        (true, true) => "#[derive(Clone, Debug, PartialEq, Eq, Hash)]",
        (true, false) => "#[derive(Clone, Debug, PartialEq)]",
        _ => "#[derive(Debug)]",
    }
}

/// `const MIN_ENCODED_SIZE`: the fewest bytes a struct of `fields` takes,
/// the sum of its fields' (a serde field's is unknown, so none). One
/// line when it fits, otherwise one term a line.
fn min_sizes(fields: &[FieldPlan], w: &mut Writer) {
    let sizes: Vec<Doc> = fields
        .iter()
        .filter(|field| field.codec != Codec::Serde)
        .map(|field| min_size(&field.ty))
        .collect();
    let head = "const MIN_ENCODED_SIZE: usize = ";
    let Some((first, rest)) = sizes.split_first() else {
        w.parts(&[head, "0;"]);
        return;
    };
    let mut line = format!("{head}{}", first.flat());
    for size in rest {
        line.push_str(".saturating_add(");
        line.push_str(&size.flat());
        line.push(')');
    }
    line.push(';');
    if w.fits(line.len()) {
        w.line(&line);
        return;
    }
    w.print(head, first, if rest.is_empty() { ";" } else { "" });
    w.indent();
    for (index, size) in rest.iter().enumerate() {
        let end = if index + 1 == rest.len() { ");" } else { ")" };
        w.print(".saturating_add(", size, end);
    }
    w.outdent();
}

/// `fn encode(self, encoder: …) -> Result<(), EncodeError> {`.
fn encode_signature(encoder: &str, w: &mut Writer) {
    w.open("fn encode(");
    w.line("self,");
    w.parts(&[encoder, ": &mut mp::wire::Encoder,"]);
    w.close(") -> ::std::result::Result<(), mp::EncodeError> {");
    w.indent();
}

/// `fn decode(decoder: …) -> Result<Self, DecodeError> {`.
fn decode_signature(decoder: &str, w: &mut Writer) {
    w.open("fn decode(");
    w.parts(&[decoder, ": &mut mp::wire::Decoder<'_>,"]);
    w.close(") -> ::std::result::Result<Self, mp::DecodeError> {");
    w.indent();
}

/// Starts a declared type's item: its docs, derives and case allowance.
/// Returns its name as an identifier.
fn type_head<'a>(name: &'a str, docs: &[String], derive: &str, w: &mut Writer) -> Cow<'a, str> {
    w.item();
    w.docs(docs);
    w.line(derive);
    case_allow(name, w);
    ident(name)
}

fn emit_struct(
    name: &str,
    docs: &[String],
    fields: &[FieldPlan],
    derives: Derives,
    w: &mut Writer,
) {
    let type_name = type_head(name, docs, derive_attr(derives), w);
    if fields.is_empty() {
        w.parts(&["pub struct ", &type_name, " {}"]);
    } else {
        w.parts(&["pub struct ", &type_name, " {"]);
        w.indent();
        for field in fields {
            w.docs(&field.docs);
            w.print(
                &format!("pub {}: ", ident(&field.name)),
                &type_doc(&field.ty),
                ",",
            );
        }
        w.close("}");
    }

    w.item();
    w.parts(&["impl mp::MachMessage for ", &type_name, " {"]);
    w.indent();
    min_sizes(fields, w);
    // An empty struct writes and reads nothing.
    let (encoder, decoder) = if fields.is_empty() {
        ("_encoder", "_decoder")
    } else {
        ("encoder", "decoder")
    };
    encode_signature(encoder, w);
    for field in fields {
        let value = format!("self.{}", ident(&field.name));
        w.print("", &encode_field(&field.codec, &value), "");
    }
    w.line("Ok(())");
    w.close("}");
    decode_signature(decoder, w);
    if fields.is_empty() {
        w.parts(&["Ok(", &type_name, " {})"]);
    } else {
        w.parts(&["Ok(", &type_name, " {"]);
        w.indent();
        for field in fields {
            let value = decode_field(&field.codec, &field.ty, &field.wire_name);
            w.print(
                &format!("{}: ", ident(&field.name)),
                &value.suffixed("?"),
                ",",
            );
        }
        w.close("})");
    }
    w.close("}");
    w.close("}");
}

fn emit_enum(
    name: &str,
    docs: &[String],
    members: &[(String, u32, Vec<String>)],
    flexible: bool,
    w: &mut Writer,
) {
    let type_name = type_head(
        name,
        docs,
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]",
        w,
    );
    w.parts(&["pub enum ", &type_name, " {"]);
    w.indent();
    for (member, _, lines) in members {
        w.docs(lines);
        w.parts(&[&ident(member), ","]);
    }
    if flexible {
        w.line("/// A value this version does not know, kept as received.");
        w.line("Unknown(u32),");
    }
    w.close("}");

    w.item();
    w.parts(&["impl ", &type_name, " {"]);
    w.indent();
    w.line("/// The value that travels for this member.");
    w.open("pub const fn value(self) -> u32 {");
    w.open("match self {");
    for (member, value, _) in members {
        w.parts(&[
            &type_name,
            "::",
            &ident(member),
            " => ",
            &value.to_string(),
            ",",
        ]);
    }
    if flexible {
        w.parts(&[&type_name, "::Unknown(value) => value,"]);
    }
    w.close("}");
    w.close("}");
    w.line("/// The member with `value`, if there is one.");
    w.parts(&[
        "pub const fn from_value(value: u32) -> ::std::option::Option<",
        &type_name,
        "> {",
    ]);
    w.indent();
    w.open("match value {");
    for (member, value, _) in members {
        w.parts(&[
            &value.to_string(),
            " => ::std::option::Option::Some(",
            &type_name,
            "::",
            &ident(member),
            "),",
        ]);
    }
    if flexible {
        w.parts(&[
            "value => ::std::option::Option::Some(",
            &type_name,
            "::Unknown(value)),",
        ]);
    } else {
        w.line("_ => ::std::option::Option::None,");
    }
    w.close("}");
    w.close("}");
    w.close("}");

    w.item();
    w.parts(&["impl mp::MachMessage for ", &type_name, " {"]);
    w.indent();
    w.line("const MIN_ENCODED_SIZE: usize = 4;");
    encode_signature("encoder", w);
    w.line("encoder.put_u32(self.value());");
    w.line("Ok(())");
    w.close("}");
    decode_signature("decoder", w);
    w.line("let value = decoder.take_u32()?;");
    w.parts(&[&type_name, "::from_value(value).ok_or_else(|| {"]);
    w.indent();
    w.line("mp::DecodeError::new(mp::wire::DecodeErrorKind::UnknownVariant(value))");
    w.close("})");
    w.close("}");
    w.close("}");
}

fn emit_union(
    name: &str,
    docs: &[String],
    variants: &[VariantPlan],
    derives: Derives,
    w: &mut Writer,
) {
    let type_name = type_head(name, docs, derive_attr(derives), w);
    w.parts(&["pub enum ", &type_name, " {"]);
    w.indent();
    for variant in variants {
        w.docs(&variant.docs);
        match &variant.payload {
            Some((ty, _)) => w.print(&format!("{}(", ident(&variant.name)), &type_doc(ty), "),"),
            None => w.parts(&[&ident(&variant.name), ","]),
        }
    }
    w.close("}");

    w.item();
    w.parts(&["impl mp::MachMessage for ", &type_name, " {"]);
    w.indent();
    w.line("const MIN_ENCODED_SIZE: usize = 4;");
    encode_signature("encoder", w);
    w.open("match self {");
    for (tag, variant) in variants.iter().enumerate() {
        let path = format!("{type_name}::{}", ident(&variant.name));
        match &variant.payload {
            Some((_, codec)) => {
                w.parts(&[&path, "(value) => {"]);
                w.indent();
                w.parts(&["encoder.put_u32(", &tag.to_string(), ");"]);
                w.print("", &encode(codec, "value"), "");
                w.close("}");
            }
            None => w.parts(&[&path, " => encoder.put_u32(", &tag.to_string(), "),"]),
        }
    }
    w.close("}");
    w.line("Ok(())");
    w.close("}");
    decode_signature("decoder", w);
    w.open("match decoder.take_u32()? {");
    for (tag, variant) in variants.iter().enumerate() {
        let path = format!("{type_name}::{}", ident(&variant.name));
        match &variant.payload {
            Some((ty, codec)) => {
                let value = Doc::group(
                    "decoder.variant_with(",
                    vec![Doc::text(string(&variant.wire_name)), decode_fn(codec, ty)],
                    ")",
                );
                w.print(&format!("{tag} => Ok({path}("), &value, "?)),");
            }
            None => w.parts(&[&tag.to_string(), " => Ok(", &path, "),"]),
        }
    }
    w.print(
        "other => ",
        &Doc::group(
            "Err(mp::DecodeError::new(",
            vec![Doc::text(
                "mp::wire::DecodeErrorKind::UnknownVariant(other)",
            )],
            "))",
        ),
        ",",
    );
    w.close("}");
    w.close("}");
    w.close("}");
}
