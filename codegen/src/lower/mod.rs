//! Lowering: the checked model to a plan that names every generated item
//! and says how every value travels. Nothing after this decides anything.

mod protocols;
mod types;

use machproto_idl::model::{ConstValue, Model, Type};

pub use protocols::{MessageKindPlan, MessagePlan, ProtocolPlan};
pub use types::{Codec, Derives, FieldPlan, TypePlan, VariantPlan, is_upper_camel};

/// Everything one generated file holds.
#[derive(Debug)]
pub struct Plan {
    /// The root file's name, for the header.
    pub root: String,
    /// One module per package, ordered by package name.
    pub packages: Vec<PackagePlan>,
}

/// One package's module.
#[derive(Debug)]
pub struct PackagePlan {
    /// The module's name (`gfx_compositor`).
    pub module: String,
    /// The package's dotted name.
    pub name: String,
    /// `//!` lines of its files, in file order.
    pub docs: Vec<String>,
    /// Constants.
    pub consts: Vec<ConstPlan>,
    /// Types.
    pub types: Vec<TypePlan>,
    /// Protocols.
    pub protocols: Vec<ProtocolPlan>,
}

/// A constant.
#[derive(Debug)]
pub struct ConstPlan {
    /// Its name, as declared.
    pub name: String,
    /// `///` lines.
    pub docs: Vec<String>,
    /// Its Rust type (`u32`, `bool`, `&str`).
    pub ty: String,
    /// Its value as a Rust literal.
    pub value: String,
}

/// The module name of a package: its dotted name with `_`.
pub fn module_name(package: &str) -> String {
    package.replace('.', "_")
}

/// Plans the whole model; `root` names the file it was compiled from.
pub fn lower(model: &Model, root: &str) -> Plan {
    let packages = model
        .packages
        .iter()
        .map(|package| {
            let docs = package
                .files
                .iter()
                .flat_map(|file| model.file(*file).docs.iter().cloned())
                .collect();
            PackagePlan {
                module: module_name(&package.name),
                name: package.name.clone(),
                docs,
                consts: package
                    .consts
                    .iter()
                    .map(|id| lower_const(model, &model[*id]))
                    .collect(),
                types: package
                    .types
                    .iter()
                    .map(|id| types::lower_type(model, *id))
                    .collect(),
                protocols: package
                    .protocols
                    .iter()
                    .map(|id| protocols::lower_protocol(model, &package.name, *id))
                    .collect(),
            }
        })
        .collect();
    Plan {
        root: root.to_owned(),
        packages,
    }
}

fn lower_const(model: &Model, constant: &machproto_idl::model::Const) -> ConstPlan {
    let ty = match &constant.ty {
        Type::Scalar { scalar } => scalar.word().to_owned(),
        Type::String { .. } => "&str".to_owned(),
        other => model.type_name(other),
    };
    let value = match &constant.value {
        ConstValue::Int(value) => value.to_string(),
        ConstValue::Bool(value) => value.to_string(),
        ConstValue::Str(value) => format!("{value:?}"),
    };
    ConstPlan {
        name: constant.info.name.clone(),
        docs: constant.info.docs.clone(),
        ty,
        value,
    }
}
