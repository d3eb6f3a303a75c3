//! Syntax as written: every node carries its span. Produced by `parse`,
//! consumed by `validate` and `resolve`; pest types never appear here.

use crate::span::{FileId, Span};

/// A name as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// A dotted name, `gfx.texture.TextureInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// At least one segment.
    pub segments: Vec<Ident>,
    /// The whole path.
    pub span: Span,
}

impl Path {
    /// The last segment: the simple name.
    pub fn last(&self) -> &Ident {
        &self.segments[self.segments.len() - 1]
    }

    /// The segments before the last one, joined with `.` (empty when simple).
    pub fn qualifier(&self) -> String {
        join(&self.segments[..self.segments.len() - 1])
    }

    /// The whole path joined with `.`.
    pub fn dotted(&self) -> String {
        join(&self.segments)
    }
}

fn join(segments: &[Ident]) -> String {
    let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
    names.join(".")
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    /// An integer; `None` when it does not fit in `i128` (reported when used).
    Int(Option<i128>),
    /// A duration in milliseconds.
    Duration(Option<u64>),
    /// A string, escapes decoded.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A name where a literal was expected (for example `Priority = input`).
    Name(Path),
}

/// A literal with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// The value.
    pub kind: LiteralKind,
    /// Where.
    pub span: Span,
}

/// `[Name]` or `[Name = value]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The attribute's name.
    pub name: Ident,
    /// The value after `=`, if any.
    pub value: Option<Literal>,
    /// The whole `Name = value`.
    pub span: Span,
}

/// Doc comments and attributes written before an element.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// `///` lines, without the slashes.
    pub docs: Vec<String>,
    /// Span of each doc line, parallel to `docs`.
    pub doc_spans: Vec<Span>,
    /// Attributes in order.
    pub attrs: Vec<Attribute>,
}

/// A bound: `64` or `MAX_TEXTURES`.
#[derive(Clone, Debug, PartialEq)]
pub enum Bound {
    /// A literal integer.
    Int(Literal),
    /// A constant's name.
    Const(Path),
}

impl Bound {
    /// Where the bound was written.
    pub fn span(&self) -> Span {
        match self {
            Bound::Int(literal) => literal.span,
            Bound::Const(path) => path.span,
        }
    }
}

/// Built-in scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Scalar {
    Bool,
    U8,
    U16,
    U32,
    U64,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
}

impl Scalar {
    /// The scalar written as `word`.
    pub fn from_word(word: &str) -> Option<Scalar> {
        Some(match word {
            "bool" => Scalar::Bool,
            "u8" => Scalar::U8,
            "u16" => Scalar::U16,
            "u32" => Scalar::U32,
            "u64" => Scalar::U64,
            "i8" => Scalar::I8,
            "i16" => Scalar::I16,
            "i32" => Scalar::I32,
            "i64" => Scalar::I64,
            "f32" => Scalar::F32,
            "f64" => Scalar::F64,
            _ => return None,
        })
    }

    /// The word that writes this scalar.
    pub fn word(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::U8 => "u8",
            Scalar::U16 => "u16",
            Scalar::U32 => "u32",
            Scalar::U64 => "u64",
            Scalar::I8 => "i8",
            Scalar::I16 => "i16",
            Scalar::I32 => "i32",
            Scalar::I64 => "i64",
            Scalar::F32 => "f32",
            Scalar::F64 => "f64",
        }
    }

    /// The range of values of an integer scalar; `None` for `bool` and floats.
    pub fn int_range(self) -> Option<(i128, i128)> {
        Some(match self {
            Scalar::U8 => (0, u8::MAX.into()),
            Scalar::U16 => (0, u16::MAX.into()),
            Scalar::U32 => (0, u32::MAX.into()),
            Scalar::U64 => (0, u64::MAX.into()),
            Scalar::I8 => (i8::MIN.into(), i8::MAX.into()),
            Scalar::I16 => (i16::MIN.into(), i16::MAX.into()),
            Scalar::I32 => (i32::MIN.into(), i32::MAX.into()),
            Scalar::I64 => (i64::MIN.into(), i64::MAX.into()),
            Scalar::Bool | Scalar::F32 | Scalar::F64 => return None,
        })
    }
}

/// Kinds of right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum RightKind {
    SendRight,
    SendOnceRight,
    ReceiveRight,
    Shmem,
    Fd,
}

impl RightKind {
    /// The word that writes this right.
    pub fn word(self) -> &'static str {
        match self {
            RightKind::SendRight => "send_right",
            RightKind::SendOnceRight => "send_once_right",
            RightKind::ReceiveRight => "receive_right",
            RightKind::Shmem => "shmem",
            RightKind::Fd => "fd",
        }
    }

    /// The right written as `word`.
    pub fn from_word(word: &str) -> Option<RightKind> {
        Some(match word {
            "send_right" => RightKind::SendRight,
            "send_once_right" => RightKind::SendOnceRight,
            "receive_right" => RightKind::ReceiveRight,
            "shmem" => RightKind::Shmem,
            "fd" => RightKind::Fd,
            _ => return None,
        })
    }
}

/// A type as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `bool`, `u32`, `f64`, ...
    Scalar(Scalar),
    /// `string` or `string<N>`.
    String(Option<Bound>),
    /// `bytes` or `bytes<N>`.
    Bytes(Option<Bound>),
    /// `vec<T>` or `vec<T, N>`.
    Vec(Box<TypeExpr>, Option<Bound>),
    /// `[T; N]`.
    Array(Box<TypeExpr>, Bound),
    /// `map<K, V>`.
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// `T?`.
    Optional(Box<TypeExpr>),
    /// A right type.
    Right(RightKind),
    /// `endpoint<PSide>`.
    Endpoint(Path),
    /// `managed_endpoint<PSide>`.
    ManagedEndpoint(Path),
    /// A declared name.
    Named(Path),
}

/// A type with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    /// What was written.
    pub kind: TypeKind,
    /// Where.
    pub span: Span,
}

/// A parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Which file.
    pub id: FileId,
    /// `//!` lines.
    pub docs: Vec<String>,
    /// Top-level statements in order.
    pub items: Vec<Item>,
}

/// A top-level statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Docs and attributes before it.
    pub meta: Meta,
    /// What it is.
    pub kind: ItemKind,
    /// The whole statement, meta excluded.
    pub span: Span,
}

/// The kinds of top-level statement.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
pub enum ItemKind {
    Package(Path),
    Import(Literal),
    Using(Using),
    Const(Const),
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    Protocol(Protocol),
}

impl ItemKind {
    /// The declared name, for declarations.
    pub fn name(&self) -> Option<&Ident> {
        match self {
            ItemKind::Package(_) | ItemKind::Import(_) => None,
            ItemKind::Using(d) => Some(&d.name),
            ItemKind::Const(d) => Some(&d.name),
            ItemKind::Struct(d) => Some(&d.name),
            ItemKind::Enum(d) => Some(&d.name),
            ItemKind::Union(d) => Some(&d.name),
            ItemKind::Protocol(d) => Some(&d.name),
        }
    }

    /// How the statement is described in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ItemKind::Package(_) => "package",
            ItemKind::Import(_) => "import",
            ItemKind::Using(_) => "using",
            ItemKind::Const(_) => "constant",
            ItemKind::Struct(_) => "struct",
            ItemKind::Enum(_) => "enum",
            ItemKind::Union(_) => "union",
            ItemKind::Protocol(_) => "protocol",
        }
    }
}

/// `using Name = "rust::Path";`
#[derive(Clone, Debug, PartialEq)]
pub struct Using {
    /// The declared name.
    pub name: Ident,
    /// The Rust path string.
    pub rust_path: Literal,
}

/// `const NAME: type = literal;`
#[derive(Clone, Debug, PartialEq)]
pub struct Const {
    /// The declared name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// Its value.
    pub value: Literal,
}

/// `[resource] struct Name { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// The `resource` keyword, if written.
    pub resource: Option<Span>,
    /// The declared name.
    pub name: Ident,
    /// Fields in order.
    pub fields: Vec<Field>,
}

/// `name: Type` in a struct, or a parameter or result of a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Docs and attributes.
    pub meta: Meta,
    /// The name.
    pub name: Ident,
    /// The type.
    pub ty: TypeExpr,
}

/// `[flexible] enum Name { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// The `flexible` keyword, if written.
    pub flexible: Option<Span>,
    /// The declared name.
    pub name: Ident,
    /// Members in order.
    pub members: Vec<Member>,
}

/// `A` or `A = 7` in an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Docs and attributes.
    pub meta: Meta,
    /// The name.
    pub name: Ident,
    /// The explicit value, if any.
    pub value: Option<Literal>,
}

/// `[resource] union Name { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// The `resource` keyword, if written.
    pub resource: Option<Span>,
    /// The declared name.
    pub name: Ident,
    /// Variants in order.
    pub variants: Vec<Variant>,
}

/// `name: Type` or `name` in a union.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// Docs and attributes.
    pub meta: Meta,
    /// The name.
    pub name: Ident,
    /// The payload type; `None` for an empty variant.
    pub ty: Option<TypeExpr>,
}

/// `[sync] protocol Name { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Protocol {
    /// The `sync` keyword, if written.
    pub sync: Option<Span>,
    /// The declared name.
    pub name: Ident,
    /// Clauses, labels and messages in order.
    pub entries: Vec<ProtocolEntry>,
}

/// The side that receives a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// `parent:` — sent by the child, received by the parent.
    Parent,
    /// `child:` — sent by the parent, received by the child.
    Child,
    /// `both:` — either side sends and receives.
    Both,
}

/// One entry of a protocol body.
#[derive(Clone, Debug, PartialEq)]
pub enum ProtocolEntry {
    /// `manager A | B;`
    Manager(Vec<Path>, Span),
    /// `manages X, Y;`
    Manages(Vec<Path>, Span),
    /// `parent:`, `child:` or `both:`.
    Label(Direction, Span),
    /// A message declaration (boxed: far larger than the other entries).
    Message(Box<Message>),
}

/// `async` or `sync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sendness {
    /// Does not block the sender.
    Async,
    /// Blocks the sender until handled or replied.
    Sync,
}

/// `[attrs] async|sync Name(params) [-> (results)] [error E];`
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Docs and attributes.
    pub meta: Meta,
    /// `async` or `sync`, and where the keyword is.
    pub sendness: (Sendness, Span),
    /// The name.
    pub name: Ident,
    /// Parameters.
    pub params: Vec<Field>,
    /// Results, when the message has a reply; the span covers `-> (…)`.
    pub results: Option<(Vec<Field>, Span)>,
    /// The error type, if any.
    pub error: Option<TypeExpr>,
    /// The whole declaration, meta excluded.
    pub span: Span,
}
