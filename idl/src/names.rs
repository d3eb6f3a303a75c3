//! Names: reserved words (L3a), case mapping to Rust (L3) and suggestions.
//! The code generator uses the same mapping, so the compiler can promise
//! that names it accepted are valid, distinct Rust identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of the language (L3a).
pub const KEYWORDS: &[&str] = &[
    "package", "import", "using", "const", "resource", "flexible", "struct", "enum", "union",
    "protocol", "manager", "manages", "sync", "async", "parent", "child", "both", "error", "true",
    "false",
];

/// What the generated code of each package module calls the runtime crate
/// (`use ::machproto_runtime as mp;`). A type or protocol of that name, or
/// a `using` path starting with it, would meet it; E0415 refuses both.
pub const RUNTIME_ALIAS: &str = "mp";

/// Built-in type names (L3a and §3).
pub const BUILTIN_TYPES: &[&str] = &[
    "bool",
    "u8",
    "u16",
    "u32",
    "u64",
    "i8",
    "i16",
    "i32",
    "i64",
    "f32",
    "f64",
    "string",
    "bytes",
    "vec",
    "map",
    "send_right",
    "send_once_right",
    "receive_right",
    "shmem",
    "fd",
    "endpoint",
    "managed_endpoint",
];

/// Whether `word` is reserved: a keyword or a built-in type name.
pub fn is_reserved(word: &str) -> bool {
    KEYWORDS.contains(&word) || BUILTIN_TYPES.contains(&word)
}

/// Rust keywords that can be written as raw identifiers (`r#type`).
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "try", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield",
];

/// Words Rust accepts neither plain nor raw.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// How a name is cased in generated Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Kept as written: declared types, protocols, constants.
    AsWritten,
    /// `PascalCase`: messages, union variants, enum members.
    Pascal,
    /// `snake_case`: fields, parameters, results, methods.
    Snake,
}

/// `name` in `case`, before keyword escaping.
pub fn map_case(name: &str, case: Case) -> String {
    match case {
        Case::AsWritten => name.to_owned(),
        Case::Pascal => name.to_upper_camel_case(),
        Case::Snake => name.to_snake_case(),
    }
}

/// Why a mapped name cannot be a Rust identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RustNameError {
    /// Mapping left nothing (`__`).
    Empty,
    /// Mapping gave a name starting with a digit (`_1`).
    StartsWithDigit(String),
    /// `self`, `Self`, `crate`, `super` or `_`.
    NotRaw(String),
}

/// The Rust identifier for `name` in `case`, `r#`-escaped where needed.
pub fn rust_ident(name: &str, case: Case) -> Result<String, RustNameError> {
    let mapped = map_case(name, case);
    if mapped.is_empty() {
        return Err(RustNameError::Empty);
    }
    if NOT_RAW.contains(&mapped.as_str()) {
        return Err(RustNameError::NotRaw(mapped));
    }
    if mapped.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(RustNameError::StartsWithDigit(mapped));
    }
    if RUST_KEYWORDS.contains(&mapped.as_str()) {
        return Ok(format!("r#{mapped}"));
    }
    Ok(mapped)
}

/// Whether `name` is already `PascalCase` (L3's warning).
pub fn is_pascal_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('_')
}

/// The candidate closest to `wanted`, when it is close enough to be a likely
/// typo. Candidates are compared case-insensitively.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == wanted {
            continue;
        }
        let score = strsim::jaro_winkler(&wanted_lower, &candidate.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, name)| name)
}

#[cfg(test)]
mod tests;
