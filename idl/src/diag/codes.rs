//! The table of diagnostic codes. Codes are stable: a code is never reused for
//! another meaning, and `docs/diagnostics.md` lists them all.

/// A diagnostic code, with the rule of LANGUAGE.md it enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    /// The code as printed, e.g. `E0203`.
    pub name: &'static str,
    /// The rule it enforces, e.g. `L18`.
    pub rule: &'static str,
    /// A short description, for the table in the docs.
    pub summary: &'static str,
}

macro_rules! codes {
    ($($ident:ident = $name:literal, $rule:literal, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $ident: Code = Code { name: $name, rule: $rule, summary: $summary };
        )*
        /// Every code, in table order.
        pub const ALL: &[Code] = &[$($ident),*];
    };
}

codes! {
    // Files and lexical rules.
    SYNTAX = "E0001", "L1-L4", "syntax error";
    INVALID_UTF8 = "E0002", "L1", "file is not UTF-8";
    NESTING_TOO_DEEP = "E0003", "L31", "nesting deeper than the compiler accepts";
    UNTERMINATED = "E0004", "L2", "unterminated comment or string literal";
    BAD_ESCAPE = "E0005", "L4", "invalid escape in a string literal";
    BAD_INTEGER = "E0006", "L4", "integer literal out of range";
    BAD_EXTENSION = "E0007", "L1", "protocol file without the `.mproto` extension";
    MISPLACED_DOC = "E0008", "L2", "doc comment that documents nothing";
    // File structure.
    MISSING_PACKAGE = "E0101", "L5", "file does not start with `package`";
    MISPLACED_PACKAGE = "E0102", "L5", "`package` that is not the first statement";
    IMPORT_NOT_FOUND = "E0103", "L6", "import that resolves to no file";
    IMPORT_CYCLE = "E0104", "L6", "import cycle";
    IMPORT_UNREADABLE = "E0105", "L31", "import that cannot be read";
    // Names.
    RESERVED_WORD = "E0201", "L3a", "reserved word used as a name";
    INVALID_RUST_NAME = "E0202", "L3", "name with no valid Rust form after case mapping";
    DUPLICATE_DECLARATION = "E0203", "L18", "top-level name declared twice in a package";
    DUPLICATE_FIELD = "E0204", "L14", "field name used twice in a struct";
    DUPLICATE_MEMBER = "E0205", "L15", "enum member name used twice";
    DUPLICATE_VARIANT = "E0206", "L16", "union variant name used twice";
    DUPLICATE_PARAMETER = "E0207", "L22", "parameter or result name used twice in a message";
    DUPLICATE_MESSAGE = "E0208", "L22", "message name used twice in a protocol";
    UNKNOWN_NAME = "E0209", "L7", "name that no visible declaration has";
    AMBIGUOUS_NAME = "E0210", "L7", "simple name that several visible declarations have";
    WRONG_KIND = "E0211", "L7", "name of the wrong kind of declaration";
    NOT_IMPORTED = "E0212", "L6", "qualified name of a declaration that is not imported";
    NOT_PASCAL_CASE = "W0201", "L3", "type, protocol or enum member name not in PascalCase";
    // Types.
    SIDE_OUTSIDE_ENDPOINT = "E0301", "L10", "protocol side used outside `endpoint<…>`";
    ENDPOINT_WITHOUT_SIDE = "E0302", "L10", "`endpoint<…>` that names no side";
    ENDPOINT_OF_MANAGED = "E0303", "L10", "`endpoint<…>` of a managed protocol";
    MANAGED_ENDPOINT_OF_TOP_LEVEL = "E0304", "L10", "`managed_endpoint<…>` of a top-level protocol";
    SIDE_NAME_DECLARED = "E0305", "L10", "declared type named like a protocol side";
    BAD_MAP_KEY = "E0306", "§3", "map key of a type that cannot be a key";
    BAD_BOUND = "E0307", "L12", "bound that is not a positive integer";
    INFINITE_TYPE = "E0308", "L13", "type that contains itself without `vec`, `map` or `?`";
    RESOURCE_NOT_DECLARED = "E0309", "L17", "struct or union holding a resource without `resource`";
    RESOURCE_WITHOUT_RESOURCE = "W0310", "L17", "`resource` declaration that holds no resource";
    BAD_CONST = "E0311", "L9", "constant whose type or value is not allowed";
    DUPLICATE_ENUM_VALUE = "E0312", "L15", "enum value used twice";
    ENUM_VALUE_RANGE = "E0313", "L15", "enum value outside `u32`";
    BAD_ERROR_TYPE = "E0314", "L25", "`error` type that is not an enum or union";
    // Protocols.
    MESSAGE_WITHOUT_DIRECTION = "E0401", "L21", "message before any direction label";
    MANAGER_AFTER_LABEL = "E0402", "L20", "`manager` or `manages` after a direction label";
    MANAGER_MISMATCH = "E0403", "L20", "`manager` and `manages` that do not agree";
    MANAGER_CYCLE = "E0404", "L20", "cycle in the manager graph";
    UNREACHABLE_MANAGED = "E0405", "L20", "managed protocol no top-level protocol reaches";
    DUPLICATE_MANAGER = "E0406", "L20", "protocol listed twice in `manager` or `manages`";
    SYNC_IN_ASYNC_PROTOCOL = "E0407", "L24", "`sync` message in a protocol not declared `sync`";
    SYNC_NOT_TO_PARENT = "E0408", "L24", "`sync` message not under `parent:`";
    SYNC_UNDER_ASYNC_MANAGER = "E0409", "L24", "`sync protocol` managed by a protocol that is not";
    ERROR_WITHOUT_REPLY = "E0410", "L25", "`error` clause on a message without a reply";
    MISSING_CONSTRUCTOR = "E0411", "L26", "manager without a constructor for a managed protocol";
    MISSING_DELETE = "E0412", "L27", "managed protocol without `delete`";
    BAD_DELETE = "E0413", "L27", "`delete` that is sync, has a reply or is in a top-level protocol";
    DUPLICATE_MESSAGE_ID = "E0414", "L28", "two messages of a protocol with the same id";
    GENERATED_NAME_COLLISION = "E0415", "L3", "name that meets a name the code generator makes";
    // Attributes.
    UNKNOWN_ATTRIBUTE = "E0501", "L29", "unknown attribute";
    REPEATED_ATTRIBUTE = "E0502", "L29", "attribute given twice on one element";
    MISPLACED_ATTRIBUTE = "E0503", "L29", "attribute on an element it does not apply to";
    BAD_ATTRIBUTE_VALUE = "E0504", "L29", "attribute with a missing or wrong value";
    CONFLICTING_ATTRIBUTES = "E0505", "L8", "attributes that exclude each other";
}

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn codes_are_unique_and_documented() {
        let docs = include_str!("../../../docs/diagnostics.md");
        for (index, code) in ALL.iter().enumerate() {
            assert!(
                ALL[..index].iter().all(|c| c.name != code.name),
                "{} is used twice",
                code.name
            );
            let row = format!("| {} | {} | {} |", code.name, code.rule, code.summary);
            assert!(docs.contains(&row), "docs/diagnostics.md lacks `{row}`");
        }
    }
}
