//! Declared types: their Rust names, derives, and how each field travels.

use heck::{ToSnakeCase, ToUpperCamelCase};
use machproto_idl::model::{
    ExternalMode, Model, PackageId, Scalar, Side, Type, TypeDeclKind, TypeId,
};

use super::module_name;

/// One declared type.
#[derive(Debug)]
pub enum TypePlan {
    /// A struct.
    Struct {
        /// Its name.
        name: String,
        /// `///` lines.
        docs: Vec<String>,
        /// Fields in order.
        fields: Vec<FieldPlan>,
        /// What it derives.
        derives: Derives,
    },
    /// A C-like enum.
    Enum {
        /// Its name.
        name: String,
        /// `///` lines.
        docs: Vec<String>,
        /// Members: Rust variant name, value, docs.
        members: Vec<(String, u32, Vec<String>)>,
        /// Whether unknown values are kept (`Unknown(u32)`).
        flexible: bool,
    },
    /// A tagged union.
    Union {
        /// Its name.
        name: String,
        /// `///` lines.
        docs: Vec<String>,
        /// Variants in order.
        variants: Vec<VariantPlan>,
        /// What it derives.
        derives: Derives,
    },
    /// `using`: an alias of an app type.
    Alias {
        /// Its name.
        name: String,
        /// `///` lines.
        docs: Vec<String>,
        /// The Rust path it names.
        path: String,
    },
}

/// A struct field.
#[derive(Debug)]
pub struct FieldPlan {
    /// The field's Rust name (`snake_case`, L3).
    pub name: String,
    /// The name as declared, for error paths.
    pub wire_name: String,
    /// `///` lines.
    pub docs: Vec<String>,
    /// Its Rust type.
    pub ty: String,
    /// How it travels.
    pub codec: Codec,
}

/// A union variant: its Rust name and payload (if any).
#[derive(Debug)]
pub struct VariantPlan {
    /// UpperCamelCase name.
    pub name: String,
    /// The name as declared, for error paths.
    pub wire_name: String,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The payload's type and codec.
    pub payload: Option<(String, Codec)>,
}

/// The standard traits a type derives (L17).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Derives {
    /// `Clone` and `PartialEq` (plain data).
    pub plain: bool,
    /// `Eq` and `Hash` too (no floats).
    pub eq_hash: bool,
}

/// How a value travels, beyond its `MachMessage` impl.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Codec {
    /// Its own impl.
    Plain,
    /// Its own impl, its outer length at most this.
    Bounded(u64),
    /// Through serde (`[Serde] using`).
    Serde,
    /// A sequence whose elements need their own codec.
    Seq {
        /// Most elements.
        bound: Option<u64>,
        /// The element's Rust type.
        element: String,
        /// The element's codec.
        codec: Box<Codec>,
    },
    /// An array whose elements need their own codec.
    Array {
        /// The element's Rust type.
        element: String,
        /// The element's codec.
        codec: Box<Codec>,
    },
    /// A map whose keys or values need their own codec.
    Map {
        /// The key's Rust type.
        key: String,
        /// The key's codec.
        key_codec: Box<Codec>,
        /// The value's Rust type.
        value: String,
        /// The value's codec.
        value_codec: Box<Codec>,
    },
    /// An option whose value needs its own codec.
    Option {
        /// The value's Rust type (unboxed).
        value: String,
        /// The value's codec.
        codec: Box<Codec>,
        /// Whether the value is boxed (a recursive cycle, L13).
        boxed: bool,
    },
}

pub(super) fn lower_type(model: &Model, id: TypeId) -> TypePlan {
    let decl = &model[id];
    let package = decl.info.package;
    let name = decl.info.name.clone();
    let docs = decl.info.docs.clone();
    match &decl.kind {
        TypeDeclKind::Struct { fields, .. } => TypePlan::Struct {
            name,
            docs,
            fields: lower_fields(model, package, fields),
            derives: derives(model, decl.is_resource, fields.iter().map(|f| &f.ty)),
        },
        TypeDeclKind::Enum { flexible, members } => TypePlan::Enum {
            name,
            docs,
            members: members
                .iter()
                .map(|m| (m.name.to_upper_camel_case(), m.value, m.docs.clone()))
                .collect(),
            flexible: *flexible,
        },
        TypeDeclKind::Union { variants, .. } => TypePlan::Union {
            name,
            docs,
            variants: variants
                .iter()
                .map(|variant| VariantPlan {
                    name: variant.name.to_upper_camel_case(),
                    wire_name: variant.name.clone(),
                    docs: variant.docs.clone(),
                    payload: variant
                        .ty
                        .as_ref()
                        .map(|ty| (rust_type(model, package, ty), codec(model, package, ty))),
                })
                .collect(),
            derives: derives(
                model,
                decl.is_resource,
                variants.iter().filter_map(|v| v.ty.as_ref()),
            ),
        },
        TypeDeclKind::External { rust_path, .. } => TypePlan::Alias {
            name,
            docs,
            path: rust_path.clone(),
        },
    }
}

/// The fields of a struct (or a message's parameters or results).
pub(crate) fn lower_fields(
    model: &Model,
    package: PackageId,
    fields: &[machproto_idl::model::Field],
) -> Vec<FieldPlan> {
    fields
        .iter()
        .map(|field| FieldPlan {
            name: field.name.to_snake_case(),
            wire_name: field.name.clone(),
            docs: field.docs.clone(),
            ty: rust_type(model, package, &field.ty),
            codec: codec(model, package, &field.ty),
        })
        .collect()
}

/// The derives of a struct made of `types` (resource-ness from the types
/// themselves, for generated parameter and result structs).
pub(crate) fn derives_of<'a>(
    model: &Model,
    types: impl Iterator<Item = &'a Type> + Clone,
) -> Derives {
    let resource = types.clone().any(|ty| is_resource(model, ty));
    derives(model, resource, types)
}

/// Whether values of `ty` hold rights or endpoints (L11).
fn is_resource(model: &Model, ty: &Type) -> bool {
    match ty {
        Type::Right { .. } | Type::Endpoint { .. } | Type::ManagedEndpoint { .. } => true,
        Type::Vec { element, .. } | Type::Array { element, .. } => is_resource(model, element),
        Type::Map { key, value } => is_resource(model, key) || is_resource(model, value),
        Type::Optional { inner, .. } => is_resource(model, inner),
        Type::Named { id } => model[*id].is_resource,
        _ => false,
    }
}

/// L17: plain types derive `Clone` and `PartialEq` (and `Eq`, `Hash`
/// where every field allows); resource types `Debug` only.
fn derives<'a>(model: &Model, resource: bool, types: impl Iterator<Item = &'a Type>) -> Derives {
    if resource {
        return Derives {
            plain: false,
            eq_hash: false,
        };
    }
    let mut eq_hash = true;
    for ty in types {
        eq_hash &= allows_eq_hash(model, ty, &mut Vec::new());
    }
    Derives {
        plain: true,
        eq_hash,
    }
}

/// Whether values of `ty` can be `Eq` and `Hash`: no floats, and no app
/// types (whose traits are unknown), at any depth. A declaration already
/// being looked at (a recursive type) adds nothing new.
fn allows_eq_hash(model: &Model, ty: &Type, visiting: &mut Vec<TypeId>) -> bool {
    match ty {
        Type::Scalar { scalar } => !matches!(scalar, Scalar::F32 | Scalar::F64),
        Type::String { .. } | Type::Bytes { .. } => true,
        Type::Vec { element, .. } | Type::Array { element, .. } => {
            allows_eq_hash(model, element, visiting)
        }
        Type::Map { key, value } => {
            allows_eq_hash(model, key, visiting) && allows_eq_hash(model, value, visiting)
        }
        Type::Optional { inner, .. } => allows_eq_hash(model, inner, visiting),
        Type::Named { id } => {
            if visiting.contains(id) {
                return true;
            }
            visiting.push(*id);
            let allowed = match &model[*id].kind {
                TypeDeclKind::Struct { fields, .. } => fields
                    .iter()
                    .all(|field| allows_eq_hash(model, &field.ty, visiting)),
                TypeDeclKind::Union { variants, .. } => variants
                    .iter()
                    .filter_map(|v| v.ty.as_ref())
                    .all(|ty| allows_eq_hash(model, ty, visiting)),
                TypeDeclKind::Enum { .. } => true,
                TypeDeclKind::External { .. } => false,
            };
            visiting.pop();
            allowed
        }
        _ => false,
    }
}

/// Whether a declared name is already `UpperCamelCase`; declared names
/// keep their spelling (L3), and those that are not get a targeted
/// `allow(non_camel_case_types)` on their item.
pub fn is_upper_camel(name: &str) -> bool {
    name == name.to_upper_camel_case()
}

/// The Rust type of `ty`, written from inside `package`'s module, where
/// the runtime is `mp` (see `emit::PRELUDE`).
pub(crate) fn rust_type(model: &Model, package: PackageId, ty: &Type) -> String {
    let runtime = "mp";
    match ty {
        Type::Scalar { scalar } => scalar.word().to_owned(),
        Type::String { .. } => "::std::string::String".to_owned(),
        Type::Bytes { .. } => "::std::vec::Vec<u8>".to_owned(),
        Type::Vec { element, .. } => {
            format!("::std::vec::Vec<{}>", rust_type(model, package, element))
        }
        Type::Array { element, len } => format!("[{}; {len}]", rust_type(model, package, element)),
        Type::Map { key, value } => format!(
            "::std::collections::BTreeMap<{}, {}>",
            rust_type(model, package, key),
            rust_type(model, package, value)
        ),
        Type::Optional { inner, boxed } => {
            let inner = rust_type(model, package, inner);
            if *boxed {
                format!("::std::option::Option<::std::boxed::Box<{inner}>>")
            } else {
                format!("::std::option::Option<{inner}>")
            }
        }
        Type::Right { right } => {
            use machproto_idl::model::RightKind;
            match right {
                RightKind::SendRight => format!("{runtime}::SendRight"),
                RightKind::SendOnceRight => format!("{runtime}::SendOnceRight"),
                RightKind::ReceiveRight => format!("{runtime}::ReceiveRight"),
                RightKind::Shmem => format!("{runtime}::SharedMemory"),
                RightKind::Fd => "::std::os::fd::OwnedFd".to_owned(),
            }
        }
        Type::Endpoint { protocol, side } | Type::ManagedEndpoint { protocol, side } => {
            let target = &model[*protocol].info;
            let side_type = format!("{}{}", target.name, side_name(*side));
            let path = path_to(model, package, target.package, &side_type);
            let wrapper = if matches!(ty, Type::Endpoint { .. }) {
                "Endpoint"
            } else {
                "ManagedEndpoint"
            };
            format!("{runtime}::{wrapper}<{path}>")
        }
        Type::Named { id } => {
            let info = &model[*id].info;
            type_path(model, package, info.package, &info.name)
        }
        Type::Error => "()".to_owned(),
    }
}

fn side_name(side: Side) -> &'static str {
    side.suffix()
}

/// The declared type `name` as seen from `from`'s module, raw when it is
/// a Rust keyword (`r#loop`: the language only warns about such names).
pub(crate) fn type_path(model: &Model, from: PackageId, to: PackageId, name: &str) -> String {
    let name = machproto_idl::names::rust_ident(name, machproto_idl::names::Case::AsWritten)
        .unwrap_or_else(|_| name.to_owned());
    path_to(model, from, to, &name)
}

/// `name` as seen from `from`'s module: bare in its own package, through
/// the sibling module otherwise.
pub(crate) fn path_to(model: &Model, from: PackageId, to: PackageId, name: &str) -> String {
    if from == to {
        name.to_owned()
    } else {
        format!("super::{}::{name}", module_name(&model[to].name))
    }
}

/// How a value of `ty` travels.
fn codec(model: &Model, package: PackageId, ty: &Type) -> Codec {
    match ty {
        Type::String { bound } | Type::Bytes { bound } => match bound {
            Some(bound) => Codec::Bounded(*bound),
            None => Codec::Plain,
        },
        Type::Vec { element, bound } => match codec(model, package, element) {
            Codec::Plain => bound.map_or(Codec::Plain, Codec::Bounded),
            inner => Codec::Seq {
                bound: *bound,
                element: rust_type(model, package, element),
                codec: Box::new(inner),
            },
        },
        Type::Array { element, .. } => match codec(model, package, element) {
            Codec::Plain => Codec::Plain,
            inner => Codec::Array {
                element: rust_type(model, package, element),
                codec: Box::new(inner),
            },
        },
        Type::Map { key, value } => {
            let key_codec = codec(model, package, key);
            let value_codec = codec(model, package, value);
            if key_codec == Codec::Plain && value_codec == Codec::Plain {
                Codec::Plain
            } else {
                Codec::Map {
                    key: rust_type(model, package, key),
                    key_codec: Box::new(key_codec),
                    value: rust_type(model, package, value),
                    value_codec: Box::new(value_codec),
                }
            }
        }
        Type::Optional { inner, boxed } => match codec(model, package, inner) {
            Codec::Plain => Codec::Plain,
            // A bound on an option applies to the value's length.
            Codec::Bounded(bound) if !boxed => Codec::Bounded(bound),
            inner_codec => Codec::Option {
                value: rust_type(model, package, inner),
                codec: Box::new(inner_codec),
                boxed: *boxed,
            },
        },
        Type::Named { id } => match &model[*id].kind {
            TypeDeclKind::External {
                mode: ExternalMode::Serde,
                ..
            } => Codec::Serde,
            _ => Codec::Plain,
        },
        _ => Codec::Plain,
    }
}
