//! Writing the output as text: indented lines, the few expressions whose
//! layout depends on their width ([`Doc`]), and the one place each kind
//! of escaped text comes from (identifiers, string literals, doc lines).
//!
//! The layout follows rustfmt's habits where they are simple: four spaces
//! per level, and a list that does not fit in [`WIDTH`] columns is broken
//! one item per line, with a trailing comma. Nothing depends on anything
//! but the text itself, so the output is deterministic.

use std::borrow::Cow;

/// The widest line the layout aims for (a single long word can exceed it).
pub(crate) const WIDTH: usize = 100;

const INDENT: &str = "    ";

/// Rust's strict and reserved keywords (edition 2024), which a declared
/// name can only be as a raw identifier. `self`, `Self`, `super` and
/// `crate` cannot even be that; the front end refuses them as names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// An identifier, raw when it is a Rust keyword (`r#type`).
pub(crate) fn ident(name: &str) -> Cow<'_, str> {
    if KEYWORDS.contains(&name) {
        Cow::Owned(format!("r#{name}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// A string literal holding exactly `text`: quotes, backslashes, control
/// characters and every non-printable character (the bidirectional
/// overrides among them) escaped.
pub(crate) fn string(text: &str) -> String {
    format!("{text:?}")
}

/// A Rust type as the lowering writes it (`::std::vec::Vec<T>`,
/// `::std::collections::BTreeMap<K, V>`, `[T; 4]`, a path), breakable
/// between its generic arguments. Its one-line form is `ty` itself.
pub(crate) fn type_doc(ty: &str) -> Doc {
    let Some(open) = ty.find('<').filter(|_| ty.ends_with('>')) else {
        return Doc::text(ty);
    };
    let inner = &ty[open + 1..ty.len() - 1];
    let mut items = Vec::new();
    let mut depth = 0_usize;
    let mut start = 0;
    for (index, c) in inner.char_indices() {
        match c {
            '<' | '[' | '(' => depth += 1,
            '>' | ']' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(type_doc(inner[start..index].trim()));
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(type_doc(inner[start..].trim()));
    Doc::group(&ty[..=open], items, ">")
}

/// Characters rustc refuses, or warns about, inside a comment, or that
/// would end one: such a doc line is written as a `#[doc]` attribute
/// with an escaped string instead.
fn unsafe_in_comment(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{61c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// An expression or statement whose layout depends on the room left.
#[derive(Clone, Debug)]
pub(crate) enum Doc {
    /// Written as it is, on one line.
    Text(String),
    /// `head` items `close`: on one line, items separated by `, ` (inside
    /// `{ … }` with spaces), when it fits; otherwise `head` ends a line,
    /// each item gets a line of its own ending with `,`, and `close`
    /// starts the last.
    Group {
        head: String,
        items: Vec<Doc>,
        close: String,
    },
    /// `head`, then one statement a line, indented, then `close`: never
    /// on one line.
    Block {
        head: String,
        body: Vec<Doc>,
        close: String,
    },
}

impl Doc {
    pub(crate) fn text(text: impl Into<String>) -> Doc {
        Doc::Text(text.into())
    }

    pub(crate) fn group(head: impl Into<String>, items: Vec<Doc>, close: impl Into<String>) -> Doc {
        Doc::Group {
            head: head.into(),
            items,
            close: close.into(),
        }
    }

    pub(crate) fn block(head: impl Into<String>, body: Vec<Doc>, close: impl Into<String>) -> Doc {
        Doc::Block {
            head: head.into(),
            body,
            close: close.into(),
        }
    }

    /// `prefix` written before this.
    pub(crate) fn prefixed(self, prefix: &str) -> Doc {
        match self {
            Doc::Text(text) => Doc::Text(format!("{prefix}{text}")),
            Doc::Group { head, items, close } => Doc::Group {
                head: format!("{prefix}{head}"),
                items,
                close,
            },
            Doc::Block { head, body, close } => Doc::Block {
                head: format!("{prefix}{head}"),
                body,
                close,
            },
        }
    }

    /// `suffix` written after this.
    pub(crate) fn suffixed(self, suffix: &str) -> Doc {
        match self {
            Doc::Text(text) => Doc::Text(text + suffix),
            Doc::Group { head, items, close } => Doc::Group {
                head,
                items,
                close: close + suffix,
            },
            Doc::Block { head, body, close } => Doc::Block {
                head,
                body,
                close: close + suffix,
            },
        }
    }

    /// Whether a group's one-line form has spaces inside its delimiters.
    fn spaced(head: &str, items: &[Doc]) -> bool {
        head.ends_with('{') && !items.is_empty()
    }

    /// The length of the one-line form; `None` when there is none.
    fn flat_len(&self) -> Option<usize> {
        match self {
            Doc::Text(text) => Some(text.len()),
            Doc::Group { head, items, close } => {
                let mut len = head.len() + close.len() + 2 * (items.len().max(1) - 1);
                if Doc::spaced(head, items) {
                    len += 2;
                }
                for item in items {
                    len += item.flat_len()?;
                }
                Some(len)
            }
            Doc::Block { .. } => None,
        }
    }

    /// The one-line form (nothing for a block).
    pub(crate) fn flat(&self) -> String {
        let mut out = String::new();
        self.write_flat(&mut out);
        out
    }

    fn write_flat(&self, out: &mut String) {
        match self {
            Doc::Text(text) => out.push_str(text),
            Doc::Group { head, items, close } => {
                out.push_str(head);
                let spaced = Doc::spaced(head, items);
                if spaced {
                    out.push(' ');
                }
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    item.write_flat(out);
                }
                if spaced {
                    out.push(' ');
                }
                out.push_str(close);
            }
            // Never asked: a block has no one-line form.
            Doc::Block { .. } => {}
        }
    }
}

/// Indented lines, and the blank line between items.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    out: String,
    depth: usize,
    items: usize,
}

impl Writer {
    /// A writer whose lines start `depth` levels in.
    pub(crate) fn new(depth: usize) -> Writer {
        Writer {
            out: String::new(),
            depth,
            items: 0,
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// Starts an item: a blank line after the previous one.
    pub(crate) fn item(&mut self) {
        if self.items > 0 {
            self.out.push('\n');
        }
        self.items += 1;
    }

    fn start_line(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
    }

    /// One line.
    pub(crate) fn line(&mut self, text: &str) {
        if !text.is_empty() {
            self.start_line();
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// One line made of `parts`.
    pub(crate) fn parts(&mut self, parts: &[&str]) {
        self.start_line();
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('\n');
    }

    /// Whether a line of `len` characters fits at this depth.
    pub(crate) fn fits(&self, len: usize) -> bool {
        self.depth * INDENT.len() + len <= WIDTH
    }

    /// Whether `doc` fits on one line at this depth.
    pub(crate) fn fits_doc(&self, doc: &Doc) -> bool {
        doc.flat_len().is_some_and(|len| self.fits(len))
    }

    /// One level deeper.
    pub(crate) fn indent(&mut self) {
        self.depth += 1;
    }

    /// One level back.
    pub(crate) fn outdent(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A line that opens a level (`impl X {`).
    pub(crate) fn open(&mut self, text: &str) {
        self.line(text);
        self.depth += 1;
    }

    /// A line that closes a level (`}`).
    pub(crate) fn close(&mut self, text: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
    }

    /// `///` lines from the lowering's doc lines (without their `///`):
    /// a line gets the leading space rustdoc expects, unless it has one.
    pub(crate) fn docs(&mut self, lines: &[String]) {
        for line in lines {
            if line.is_empty() || line.starts_with(' ') {
                self.doc(line);
            } else {
                self.doc(&format!(" {line}"));
            }
        }
    }

    /// One doc line whose text (after `///`) is exactly `text`: a `///`
    /// comment when that is faithful, otherwise `#[doc = "…"]`.
    pub(crate) fn doc(&mut self, text: &str) {
        if text.starts_with('/') || text.chars().any(unsafe_in_comment) {
            self.parts(&["#[doc = ", &string(text), "]"]);
        } else {
            self.parts(&["///", text]);
        }
    }

    /// `prefix`, `doc`, `suffix`: on one line when it fits (or cannot be
    /// broken), otherwise broken at `doc`'s outer group and, inside it, at
    /// every item that does not fit either.
    pub(crate) fn print(&mut self, prefix: &str, doc: &Doc, suffix: &str) {
        let room = WIDTH.saturating_sub(self.depth * INDENT.len());
        let flat = match doc {
            Doc::Group { items, .. } if items.is_empty() => true,
            Doc::Text(_) => true,
            _ => doc
                .flat_len()
                .is_some_and(|len| prefix.len() + len + suffix.len() <= room),
        };
        if flat {
            self.start_line();
            self.out.push_str(prefix);
            doc.write_flat(&mut self.out);
            self.out.push_str(suffix);
            self.out.push('\n');
            return;
        }
        match doc {
            Doc::Group { head, items, close } => {
                self.parts(&[prefix, head]);
                self.depth += 1;
                for item in items {
                    self.print("", item, ",");
                }
                self.depth -= 1;
                self.parts(&[close, suffix]);
            }
            Doc::Block { head, body, close } => {
                self.parts(&[prefix, head]);
                self.depth += 1;
                for statement in body {
                    self.print("", statement, "");
                }
                self.depth -= 1;
                self.parts(&[close, suffix]);
            }
            Doc::Text(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_of(text: &str) -> String {
        let mut writer = Writer::new(0);
        writer.doc(text);
        writer.finish()
    }

    /// The doc text rustc sees for `line` (one `///` line or `#[doc]`).
    fn parsed_doc(line: &str) -> String {
        let item: syn::ItemStruct =
            syn::parse_str(&format!("{line}struct S;")).expect("valid Rust");
        assert_eq!(item.attrs.len(), 1, "one attribute from {line:?}");
        match &item.attrs[0].meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => text.value(),
            _ => panic!("not a doc string: {line:?}"),
        }
    }

    #[test]
    fn doc_lines_keep_their_text_whatever_it_holds() {
        for text in [
            "",
            " plain",
            " `code` and *stars*, /* not a comment */ and */",
            " trailing spaces  ",
            "/ starts with a slash",
            "// two slashes",
            "! a bang",
            " \"quotes\" and \\ backslashes \\n",
            " a tab\there",
            " a line\nbreak",
            " a carriage\rreturn",
            " bidi \u{202e}override\u{2066}",
            " nul \0 and bell \u{7}",
            " line separator \u{2028} here",
            " unicode é ✓ 😀",
        ] {
            let written = doc_of(text);
            assert_eq!(written.matches('\n').count(), 1, "one line for {text:?}");
            assert_eq!(parsed_doc(&written), text, "from {written:?}");
            assert!(
                !written.chars().any(|c| c != '\n' && unsafe_in_comment(c)),
                "{written:?} holds a character rustc refuses"
            );
        }
        assert_eq!(doc_of(" plain"), "/// plain\n");
        assert_eq!(doc_of(""), "///\n");
        assert_eq!(doc_of("/x"), "#[doc = \"/x\"]\n");
    }

    #[test]
    fn docs_add_the_leading_space() {
        let mut writer = Writer::new(1);
        writer.docs(&["first".into(), String::new(), " kept".into()]);
        assert_eq!(writer.finish(), "    /// first\n    ///\n    /// kept\n");
    }

    #[test]
    fn strings_are_literals_of_exactly_their_text() {
        for text in [
            "",
            "gfx.compositor.Compositor",
            "\"quoted\"",
            "back\\slash",
            "new\nline\r\t",
            "bidi \u{202e} \u{2067}",
            "nul \0",
            "é ✓ 😀 \u{301} combining",
            "{braces} #[attr] r#raw",
        ] {
            let literal = string(text);
            let parsed: syn::LitStr = syn::parse_str(&literal).expect("a string literal");
            assert_eq!(parsed.value(), text);
            assert!(!literal.contains(['\n', '\r', '\u{202e}', '\u{2067}', '\0']));
        }
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("match"), "r#match");
        assert_eq!(ident("gen"), "r#gen");
        assert_eq!(ident("Type"), "Type");
        assert_eq!(ident("types"), "types");
        assert_eq!(ident("r#type"), "r#type");
        let _: syn::Ident = syn::parse_str(&ident("type")).expect("a raw identifier");
        let _: syn::Ident = syn::parse_str(&ident("async")).expect("a raw identifier");
    }

    fn printed(depth: usize, prefix: &str, doc: &Doc, suffix: &str) -> String {
        let mut writer = Writer::new(depth);
        writer.print(prefix, doc, suffix);
        writer.finish()
    }

    #[test]
    fn groups_stay_on_one_line_when_they_fit() {
        let call = Doc::group(
            "f(",
            vec![
                Doc::text("a"),
                Doc::text("::std::vec::Vec<::std::option::Option<u8>>"),
            ],
            ")",
        );
        assert_eq!(
            printed(1, "let x = ", &call, ";"),
            "    let x = f(a, ::std::vec::Vec<::std::option::Option<u8>>);\n"
        );
        let literal = Doc::group("S {", vec![Doc::text("a"), Doc::text("b")], "}");
        assert_eq!(printed(0, "", &literal, ""), "S { a, b }\n");
        let empty = Doc::group("S {", Vec::new(), "}");
        assert_eq!(printed(0, "", &empty, ""), "S {}\n");
    }

    #[test]
    fn groups_break_item_by_item_when_they_do_not() {
        let long = "x".repeat(60);
        let inner = Doc::group("g(", vec![Doc::text(&long), Doc::text(&long)], ")");
        let outer = Doc::group("f(", vec![Doc::text("a"), inner], ")");
        let text = printed(1, "", &outer.suffixed("?"), ";");
        let expected = format!(
            "    f(\n        a,\n        g(\n            {long},\n            {long},\n        ),\n    )?;\n"
        );
        assert_eq!(text, expected);
        // The result is still one valid expression.
        let _: syn::Expr = syn::parse_str(text.trim().trim_end_matches(';')).expect("valid");
    }

    #[test]
    fn blocks_always_break_and_break_their_group() {
        let closure = Doc::block(
            "|encoder, item| {",
            vec![Doc::text("encoder.field(item)?;"), Doc::text("Ok(())")],
            "}",
        );
        let call = Doc::group("encode_seq(", vec![Doc::text("encoder"), closure], ")?;");
        assert_eq!(
            printed(0, "", &call, ""),
            "encode_seq(\n    encoder,\n    |encoder, item| {\n        encoder.field(item)?;\n        Ok(())\n    },\n)?;\n"
        );
    }

    #[test]
    fn nested_generic_types_are_written_as_given() {
        let ty = "::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<[u32; 4]>>";
        let signature = Doc::group(
            "fn f(",
            vec![Doc::text("&self"), Doc::text(format!("value: {ty}"))],
            ");",
        );
        let text = printed(1, "", &signature, "");
        assert_eq!(
            text,
            format!("    fn f(\n        &self,\n        value: {ty},\n    );\n")
        );
        let _: syn::TraitItemFn = syn::parse_str(text.trim()).expect("valid");
    }

    #[test]
    fn types_break_between_their_arguments() {
        for ty in [
            "u8",
            "[u32; 4]",
            "::std::vec::Vec<[::std::vec::Vec<u8>; 4]>",
            "::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<(u8, u16)>>",
            "mp::actor::Responder<::std::result::Result<AResults, super::pkg::AnError>>",
        ] {
            let doc = type_doc(ty);
            let mut flat = String::new();
            doc.write_flat(&mut flat);
            assert_eq!(flat, ty);
            let mut writer = Writer::new(0);
            writer.print("type T = ", &doc, ";");
            let _: syn::ItemType = syn::parse_str(&writer.finish()).expect("valid");
        }
        let long = format!(
            "::std::collections::BTreeMap<{}, ::std::vec::Vec<{}>>",
            "A".repeat(50),
            "B".repeat(50)
        );
        let text = printed(1, "value: ", &type_doc(&long), ",");
        assert_eq!(
            text,
            format!(
                "    value: ::std::collections::BTreeMap<\n        {},\n        ::std::vec::Vec<{}>,\n    >,\n",
                "A".repeat(50),
                "B".repeat(50)
            )
        );
    }

    #[test]
    fn items_are_separated_by_one_blank_line() {
        let mut writer = Writer::new(0);
        writer.item();
        writer.open("impl A {");
        writer.close("}");
        writer.item();
        writer.line("struct B;");
        assert_eq!(writer.finish(), "impl A {\n}\n\nstruct B;\n");
    }
}
