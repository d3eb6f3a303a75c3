//! The checked model: arenas of declarations addressed by ids, every name
//! resolved. This is what the code generator consumes and what `machproto ir`
//! prints as JSON (an unstable format: see `docs/ir.md`).

use std::ops::Index;

use serde::Serialize;

pub use crate::ast::{Direction, RightKind, Scalar, Sendness};
use crate::span::{FileId, Span};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),*) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            /// The position in its arena.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

id_type! {
    /// A package in [`Model::packages`].
    PackageId,
    /// A type declaration in [`Model::types`].
    TypeId,
    /// A protocol in [`Model::protocols`].
    ProtocolId,
    /// A constant in [`Model::consts`].
    ConstId
}

/// Everything the compiler learnt from a set of files.
#[derive(Debug, Default, Serialize)]
pub struct Model {
    /// Files, by [`FileId`].
    pub files: Vec<FileInfo>,
    /// Packages, ordered by name.
    pub packages: Vec<Package>,
    /// Struct, enum, union and `using` declarations.
    pub types: Vec<TypeDecl>,
    /// Protocols.
    pub protocols: Vec<Protocol>,
    /// Constants.
    pub consts: Vec<Const>,
}

/// One source file.
#[derive(Debug, Serialize)]
pub struct FileInfo {
    /// The file's name as shown in diagnostics.
    pub name: String,
    /// Its package.
    pub package: PackageId,
    /// `//!` lines.
    pub docs: Vec<String>,
    /// Files it imports directly.
    pub imports: Vec<FileId>,
}

/// A package: the declarations of every file that names it.
#[derive(Debug, Serialize)]
pub struct Package {
    /// Dotted name, `gfx.compositor`.
    pub name: String,
    /// The dotted name's segments.
    pub path: Vec<String>,
    /// Files that declare this package.
    pub files: Vec<FileId>,
    /// Type declarations, in file then source order.
    pub types: Vec<TypeId>,
    /// Protocols, in file then source order.
    pub protocols: Vec<ProtocolId>,
    /// Constants, in file then source order.
    pub consts: Vec<ConstId>,
}

/// What every top-level declaration has.
#[derive(Debug, Serialize)]
pub struct DeclInfo {
    /// The declared name.
    pub name: String,
    /// Its package.
    pub package: PackageId,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The note of `[Deprecated]`, if deprecated (empty note allowed).
    pub deprecated: Option<String>,
    /// The declared name's span.
    pub span: Span,
}

/// A declared type.
#[derive(Debug, Serialize)]
pub struct TypeDecl {
    /// Name, package, docs.
    pub info: DeclInfo,
    /// What kind of type.
    pub kind: TypeDeclKind,
    /// Whether values of the type hold rights or endpoints (L11).
    pub is_resource: bool,
}

/// The kinds of declared type.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeDeclKind {
    /// `struct`.
    Struct {
        /// Declared `resource`.
        resource: bool,
        /// Fields in order.
        fields: Vec<Field>,
    },
    /// `enum`.
    Enum {
        /// Declared `flexible`.
        flexible: bool,
        /// Members in order.
        members: Vec<EnumMember>,
    },
    /// `union`.
    Union {
        /// Declared `resource`.
        resource: bool,
        /// Variants in order.
        variants: Vec<Variant>,
    },
    /// `using Name = "rust::Path";`
    External {
        /// The Rust path.
        rust_path: String,
        /// How values travel.
        mode: ExternalMode,
    },
}

/// How an external type travels (L8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExternalMode {
    /// Through its `MachMessage` impl; plain data.
    Plain,
    /// Through its serde impls; plain data.
    Serde,
    /// Through its `MachMessage` impl; may carry rights.
    Resource,
}

/// A struct field, message parameter or result.
#[derive(Debug, Serialize)]
pub struct Field {
    /// As written.
    pub name: String,
    /// Resolved type.
    pub ty: Type,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The name's span.
    pub span: Span,
}

/// An enum member.
#[derive(Debug, Serialize)]
pub struct EnumMember {
    /// As written.
    pub name: String,
    /// Explicit or implicit value.
    pub value: u32,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The name's span.
    pub span: Span,
}

/// A union variant.
#[derive(Debug, Serialize)]
pub struct Variant {
    /// As written.
    pub name: String,
    /// Payload; `None` for an empty variant.
    pub ty: Option<Type>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The name's span.
    pub span: Span,
}

/// A protocol side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// `PParent`.
    Parent,
    /// `PChild`.
    Child,
}

/// A resolved type.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Type {
    /// `bool`, integers, floats.
    Scalar {
        /// Which one.
        scalar: Scalar,
    },
    /// `string` / `string<N>`.
    String {
        /// At most this many bytes.
        bound: Option<u64>,
    },
    /// `bytes` / `bytes<N>`.
    Bytes {
        /// At most this many bytes.
        bound: Option<u64>,
    },
    /// `vec<T>` / `vec<T, N>`.
    Vec {
        /// Element type.
        element: Box<Type>,
        /// At most this many elements.
        bound: Option<u64>,
    },
    /// `[T; N]`.
    Array {
        /// Element type.
        element: Box<Type>,
        /// Exactly this many elements.
        len: u64,
    },
    /// `map<K, V>`.
    Map {
        /// Key type.
        key: Box<Type>,
        /// Value type.
        value: Box<Type>,
    },
    /// `T?`.
    Optional {
        /// The inner type.
        inner: Box<Type>,
        /// Whether this option closes a recursive cycle (generated as `Option<Box<T>>`, L13).
        boxed: bool,
    },
    /// A right.
    Right {
        /// Which right.
        right: RightKind,
    },
    /// `endpoint<PSide>`.
    Endpoint {
        /// The protocol.
        protocol: ProtocolId,
        /// The side this endpoint is.
        side: Side,
    },
    /// `managed_endpoint<PSide>`.
    ManagedEndpoint {
        /// The protocol.
        protocol: ProtocolId,
        /// The side this endpoint is.
        side: Side,
    },
    /// A declared type.
    Named {
        /// The declaration.
        id: TypeId,
    },
    /// A name that did not resolve; only in models with errors.
    Error,
}

/// A protocol.
#[derive(Debug, Serialize)]
pub struct Protocol {
    /// Name, package, docs.
    pub info: DeclInfo,
    /// Declared `sync protocol`.
    pub sync: bool,
    /// `[ChildProc = …]`.
    pub child_proc: Option<String>,
    /// `[ParentProc = …]`.
    pub parent_proc: Option<String>,
    /// Protocols that may manage this one; empty for top-level protocols.
    pub managers: Vec<ProtocolId>,
    /// Protocols this one manages.
    pub manages: Vec<ProtocolId>,
    /// Messages in source order.
    pub messages: Vec<Message>,
    /// Where each entry of `managers` was written.
    #[serde(skip)]
    pub manager_spans: Vec<Span>,
    /// Where each entry of `manages` was written.
    #[serde(skip)]
    pub manages_spans: Vec<Span>,
}

impl Protocol {
    /// Whether the protocol has a `manager` clause (L19).
    pub fn is_managed(&self) -> bool {
        !self.managers.is_empty()
    }
}

/// Delivery priorities (L29).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Background work.
    Low,
    /// The default.
    Normal,
    /// User input.
    Input,
    /// Frame timing.
    Vsync,
    /// Control messages, delivered first.
    Control,
}

impl Priority {
    /// The priority named `word`.
    pub fn from_word(word: &str) -> Option<Priority> {
        Some(match word {
            "low" => Priority::Low,
            "normal" => Priority::Normal,
            "input" => Priority::Input,
            "vsync" => Priority::Vsync,
            "control" => Priority::Control,
            _ => return None,
        })
    }

    /// All names, for suggestions.
    pub const NAMES: &'static [&'static str] = &["low", "normal", "input", "vsync", "control"];
}

/// A message.
#[derive(Debug, Serialize)]
pub struct Message {
    /// As written.
    pub name: String,
    /// The side that receives it.
    pub direction: Direction,
    /// `async` or `sync`.
    pub sendness: Sendness,
    /// The wire identifier (L28).
    pub id: u32,
    /// Whether `id` was set with `[Id = N]`.
    pub explicit_id: bool,
    /// Parameters.
    pub params: Vec<Field>,
    /// Results; `None` when there is no reply.
    pub results: Option<Vec<Field>>,
    /// The error type of the reply (an enum or union).
    pub error: Option<TypeId>,
    /// The managed protocol this message constructs (L26).
    pub constructs: Option<ProtocolId>,
    /// Whether this is the destructor `delete` (L27).
    pub is_delete: bool,
    /// Attributes that matter at run time.
    pub attrs: MessageAttrs,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The name's span.
    pub span: Span,
    /// Where the parts of the declaration were written, for diagnostics.
    #[serde(skip)]
    pub syntax: MessageSyntax,
}

/// Spans of the parts of a message declaration.
#[derive(Debug, Clone, Copy)]
pub struct MessageSyntax {
    /// The `async` or `sync` keyword.
    pub keyword: Span,
    /// The direction label the message is under.
    pub label: Option<Span>,
    /// `-> (…)`.
    pub results: Option<Span>,
    /// The `error` type.
    pub error: Option<Span>,
    /// The `[Id = N]` attribute.
    pub id_attr: Option<Span>,
}

/// Message attributes (L29).
#[derive(Debug, Default, Serialize)]
pub struct MessageAttrs {
    /// Delivery priority; `None` means normal.
    pub priority: Option<Priority>,
    /// Priority of the reply.
    pub reply_priority: Option<Priority>,
    /// A queued undelivered instance is replaced by a newer one.
    pub compress: bool,
    /// Parameters are handed over wrapped, to be validated explicitly.
    pub tainted: bool,
    /// No per-message size limit.
    pub unlimited_size: bool,
    /// Default timeout in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Note of `[Deprecated]`.
    pub deprecated: Option<String>,
}

/// A constant.
#[derive(Debug, Serialize)]
pub struct Const {
    /// Name, package, docs.
    pub info: DeclInfo,
    /// Its type: an integer scalar, `bool` or a string type.
    pub ty: Type,
    /// Its value.
    pub value: ConstValue,
}

/// A constant's value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ConstValue {
    /// An integer.
    Int(i128),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
}

impl Index<TypeId> for Model {
    type Output = TypeDecl;
    fn index(&self, id: TypeId) -> &TypeDecl {
        &self.types[id.index()]
    }
}

impl Index<ProtocolId> for Model {
    type Output = Protocol;
    fn index(&self, id: ProtocolId) -> &Protocol {
        &self.protocols[id.index()]
    }
}

impl Index<ConstId> for Model {
    type Output = Const;
    fn index(&self, id: ConstId) -> &Const {
        &self.consts[id.index()]
    }
}

impl Index<PackageId> for Model {
    type Output = Package;
    fn index(&self, id: PackageId) -> &Package {
        &self.packages[id.index()]
    }
}

impl Model {
    /// The file a span is in.
    pub fn file(&self, id: FileId) -> &FileInfo {
        &self.files[id.index()]
    }
}

impl Model {
    /// `ty` written as in a protocol file, for messages.
    pub fn type_name(&self, ty: &Type) -> String {
        let bounded = |base: &str, bound: &Option<u64>| match bound {
            Some(n) => format!("{base}<{n}>"),
            None => base.to_owned(),
        };
        match ty {
            Type::Scalar { scalar } => scalar.word().to_owned(),
            Type::String { bound } => bounded("string", bound),
            Type::Bytes { bound } => bounded("bytes", bound),
            Type::Vec { element, bound } => match bound {
                Some(n) => format!("vec<{}, {n}>", self.type_name(element)),
                None => format!("vec<{}>", self.type_name(element)),
            },
            Type::Array { element, len } => format!("[{}; {len}]", self.type_name(element)),
            Type::Map { key, value } => {
                format!("map<{}, {}>", self.type_name(key), self.type_name(value))
            }
            Type::Optional { inner, .. } => format!("{}?", self.type_name(inner)),
            Type::Right { right } => right.word().to_owned(),
            Type::Endpoint { protocol, side } => {
                format!("endpoint<{}{}>", self[*protocol].info.name, side.suffix())
            }
            Type::ManagedEndpoint { protocol, side } => {
                format!(
                    "managed_endpoint<{}{}>",
                    self[*protocol].info.name,
                    side.suffix()
                )
            }
            Type::Named { id } => self[*id].info.name.clone(),
            Type::Error => "{unknown}".to_owned(),
        }
    }
}

impl Side {
    /// `Parent` or `Child`, as appended to a protocol name.
    pub fn suffix(self) -> &'static str {
        match self {
            Side::Parent => "Parent",
            Side::Child => "Child",
        }
    }
}
