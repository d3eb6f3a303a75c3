//! A linear pass before pest: it finds what a recursive-descent parser handles
//! badly — nesting deep enough to exhaust the stack, and unterminated comments
//! and strings, which pest would report far from where they start.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::span::{FileId, Span};

/// The deepest nesting of `< ( [ {` the compiler accepts (L31). Real protocols
/// stay below 10; the limit keeps every later recursive pass shallow.
pub(crate) const MAX_NESTING: usize = 100;

/// Returns false (after reporting) when the text must not reach the parser.
pub(crate) fn prescan(file: FileId, text: &str, diags: &mut Diagnostics) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0usize;
    while at < bytes.len() {
        match bytes[at] {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = find_byte(bytes, at, b'\n').unwrap_or(bytes.len());
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => match text[at + 2..].find("*/") {
                Some(end) => at += 2 + end + 2,
                None => {
                    diags.push(
                        Diagnostic::error(
                            codes::UNTERMINATED,
                            Span::new(file, at..at + 2),
                            "unterminated block comment",
                        )
                        .label("this comment is never closed with `*/`")
                        .help("block comments do not nest; close this one with `*/`"),
                    );
                    return false;
                }
            },
            b'"' => match string_end(bytes, at) {
                Some(end) => at = end,
                None => {
                    diags.push(
                        Diagnostic::error(
                            codes::UNTERMINATED,
                            Span::new(file, at..at + 1),
                            "unterminated string literal",
                        )
                        .label("this string is not closed before the end of its line")
                        .help("string literals cannot span lines; write `\\n` for a newline"),
                    );
                    return false;
                }
            },
            b'-' if bytes.get(at + 1) == Some(&b'>') => at += 2,
            b'<' | b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    diags.push(
                        Diagnostic::error(
                            codes::NESTING_TOO_DEEP,
                            Span::new(file, at..at + 1),
                            format!("nesting is deeper than {MAX_NESTING} levels"),
                        )
                        .label("too deep here")
                        .help("flatten the type by declaring a struct for the inner part"),
                    );
                    return false;
                }
                at += 1;
            }
            b'>' | b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                at += 1;
            }
            _ => at += 1,
        }
    }
    true
}

fn find_byte(bytes: &[u8], from: usize, wanted: u8) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == wanted)
        .map(|i| from + i)
}

/// The offset just past the closing quote of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => return Some(at + 1),
            b'\n' => return None,
            b'\\' if bytes.get(at + 1).is_some_and(|&b| b != b'\n') => at += 2,
            _ => at += 1,
        }
    }
    None
}
