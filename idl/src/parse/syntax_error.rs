//! pest errors to diagnostics that say what was expected in the language's
//! own words, at the offending token.

use std::collections::BTreeSet;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diag::{Diagnostic, codes};
use crate::span::{FileId, Span};

pub(super) fn convert(file: FileId, text: &str, error: &Error<Rule>) -> Diagnostic {
    let reported = match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    // pest reports where the failing alternative began; with error detail on
    // it also knows how far the parse really got, which is where the
    // offending token is.
    let furthest = error.parse_attempts().map_or(0, |a| a.max_position);
    let mut at = reported.max(furthest).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let found = describe_found(text, at);
    let span = Span::new(
        file,
        at..at + found.len.max(if at < text.len() { 1 } else { 0 }),
    );

    let stray_doc = if text[at..].starts_with("///") || text[at..].starts_with("//!") {
        Some(span)
    } else {
        doc_comment_before(text, at).map(|range| Span::new(file, range))
    };
    if let Some(span) = stray_doc {
        return Diagnostic::error(codes::MISPLACED_DOC, span, "doc comment documents nothing")
            .label("nothing that can be documented follows this comment")
            .help(
                "`///` goes right before a declaration, field, member, variant or message, \
                 and `//!` only between top-level statements; use `//` for a plain comment",
            );
    }

    let expected = expected_tokens(error, furthest > reported);
    let message = match expected.len() {
        0 => format!("unexpected {}", found.text),
        1 => format!("expected {}, found {}", first(&expected), found.text),
        _ => format!("expected one of {}, found {}", list(&expected), found.text),
    };
    let label = match expected.len() {
        0 => "not valid here".to_owned(),
        1..=3 => format!("expected {}", list_or(&expected)),
        _ => "unexpected here".to_owned(),
    };
    let diagnostic = Diagnostic::error(codes::SYNTAX, span, message).label(label);
    match text[at..].chars().next() {
        Some(c) if !c.is_ascii() && c.is_alphanumeric() => {
            diagnostic.help("names are ASCII: letters, digits and `_`, not starting with a digit")
        }
        _ => diagnostic,
    }
}

/// The doc comment line that ends right before `at` (only whitespace
/// between): pest has consumed it as the start of an element that never came.
fn doc_comment_before(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let before = text[..at].trim_end();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..];
    let offset = line.len() - line.trim_start().len();
    let comment = line.trim_start();
    let is_doc =
        (comment.starts_with("///") && !comment.starts_with("////")) || comment.starts_with("//!");
    is_doc.then(|| line_start + offset..before.len())
}

struct Found {
    text: String,
    len: usize,
}

fn describe_found(text: &str, at: usize) -> Found {
    let rest = &text[at..];
    let Some(first) = rest.chars().next() else {
        return Found {
            text: "end of file".into(),
            len: 0,
        };
    };
    if first.is_ascii_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(40)
            .collect();
        let len = word.len();
        return Found {
            text: format!("`{word}`"),
            len,
        };
    }
    let shown = match first {
        '\n' | '\r' => "end of line".to_owned(),
        c if c.is_control() => format!("character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    };
    Found {
        text: shown,
        len: first.len_utf8(),
    }
}

/// What was expected at the failure point. When pest got further than the
/// position it reports, its rule list describes the earlier position, so only
/// the tokens recorded at the furthest point are used.
fn expected_tokens(error: &Error<Rule>, past_reported: bool) -> BTreeSet<String> {
    let mut expected = BTreeSet::new();
    if let Some(attempts) = error.parse_attempts() {
        // Only punctuation is taken from pest's token list; words come from
        // the rules below, which know "a type" from a list of type keywords.
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            if PUNCTUATION.contains(&token.as_str()) {
                expected.insert(format!("`{token}`"));
            }
        }
    }
    if past_reported {
        return expected;
    }
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(positives.iter().filter_map(|rule| describe_rule(*rule)));
    }
    expected
}

const PUNCTUATION: &[&str] = &[
    ";", ":", ",", ".", "=", "{", "}", "(", ")", "[", "]", "<", ">", "?", "|", "->",
];

fn describe_rule(rule: Rule) -> Option<String> {
    let text = match rule {
        Rule::ident | Rule::path => "a name",
        Rule::type_expr | Rule::named_type | Rule::prim_type | Rule::right_type => "a type",
        Rule::int_lit => "an integer",
        Rule::duration => "a duration",
        Rule::string_lit => "a string literal",
        Rule::bool_lit => "`true` or `false`",
        Rule::literal | Rule::attr_value => "a value",
        Rule::bound => "a bound",
        Rule::item => "a declaration",
        Rule::message => "a message",
        Rule::direction_label => "a direction label",
        Rule::field | Rule::param => "a field",
        Rule::member => "an enum member",
        Rule::variant => "a union variant",
        Rule::attr_group => "`[`",
        Rule::EOI => "end of file",
        Rule::optional_mark => "`?`",
        _ => return keyword_of(rule).map(|k| format!("`{k}`")),
    };
    Some(text.to_owned())
}

fn keyword_of(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::kw_package => "package",
        Rule::kw_import => "import",
        Rule::kw_using => "using",
        Rule::kw_const => "const",
        Rule::kw_resource => "resource",
        Rule::kw_flexible => "flexible",
        Rule::kw_struct => "struct",
        Rule::kw_enum => "enum",
        Rule::kw_union => "union",
        Rule::kw_protocol => "protocol",
        Rule::kw_manager => "manager",
        Rule::kw_manages => "manages",
        Rule::kw_sync => "sync",
        Rule::kw_async => "async",
        Rule::kw_parent => "parent",
        Rule::kw_child => "child",
        Rule::kw_both => "both",
        Rule::kw_error => "error",
        _ => return None,
    })
}

fn list_or(set: &BTreeSet<String>) -> String {
    let items: Vec<&str> = set.iter().map(String::as_str).collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

fn first(set: &BTreeSet<String>) -> String {
    set.iter().next().cloned().unwrap_or_default()
}

fn list(set: &BTreeSet<String>) -> String {
    let items: Vec<&str> = set.iter().map(String::as_str).collect();
    items.join(", ")
}
