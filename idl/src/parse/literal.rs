//! Literal text to values (L4). Problems inside a well-formed literal (a bad
//! escape) are diagnostics; the literal still gets a value so parsing goes on.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::span::{FileId, Span};

/// `12`, `-3`, `0xff_ff`: `None` when it does not fit in `i128`.
pub(super) fn int_value(text: &str) -> Option<i128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits: String = body.chars().filter(|c| *c != '_').collect();
    let magnitude = match digits.strip_prefix("0x") {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `250ms`, `2s` to milliseconds: `None` on overflow.
pub(super) fn duration_ms(text: &str) -> Option<u64> {
    let (number, scale) = match text.strip_suffix("ms") {
        Some(number) => (number, 1),
        None => (text.strip_suffix('s').unwrap_or(text), 1000),
    };
    let value = u64::try_from(int_value(number)?).ok()?;
    value.checked_mul(scale)
}

/// The string literal `text` (quotes included) starting at byte `start`,
/// with escapes decoded. Bad escapes are reported and dropped.
pub(super) fn string_value(
    file: FileId,
    start: usize,
    text: &str,
    diags: &mut Diagnostics,
) -> String {
    let inner = &text[1..text.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escape_start = start + 1 + at;
        let Some((_, kind)) = chars.next() else { break };
        match kind {
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'u' => {
                let rest = &inner[at + 2..];
                match unicode_escape(rest) {
                    Some((ch, used)) => {
                        out.push(ch);
                        for _ in 0..used {
                            chars.next();
                        }
                    }
                    None => diags.push(bad_escape(
                        file,
                        escape_start..escape_start + 2,
                        "invalid unicode escape",
                        "write `\\u{…}` with 1 to 6 hex digits naming a Unicode scalar value",
                    )),
                }
            }
            other => diags.push(bad_escape(
                file,
                escape_start..escape_start + 1 + other.len_utf8(),
                &format!("unknown escape `\\{other}`"),
                "the escapes are `\\\\`, `\\\"`, `\\n`, `\\t` and `\\u{…}`",
            )),
        }
    }
    out
}

/// Parses `{hex}` at the start of `rest`; returns the char and bytes used.
fn unicode_escape(rest: &str) -> Option<(char, usize)> {
    let body = rest.strip_prefix('{')?;
    let close = body.find('}')?;
    let hex = &body[..close];
    if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((ch, close + 2))
}

fn bad_escape(
    file: FileId,
    range: std::ops::Range<usize>,
    message: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::error(codes::BAD_ESCAPE, Span::new(file, range), message)
        .label("in this string literal")
        .help(help)
}
