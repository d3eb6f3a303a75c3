//! Constants (L9): integer, bool or string values whose literal fits the type.

use super::Resolver;
use crate::ast::{self, LiteralKind};
use crate::diag::{Diagnostic, codes};
use crate::model::*;
use crate::span::FileId;

impl Resolver<'_> {
    pub(super) fn define_const(&mut self, file: FileId, decl: &ast::Const, id: ConstId) {
        let ty = self.resolve_type(file, &decl.ty);
        let value = match (&ty, &decl.value.kind) {
            (Type::Error, _) => None,
            (Type::Scalar { scalar }, LiteralKind::Int(value)) => match scalar.int_range() {
                Some((min, max)) => match value {
                    Some(v) if (min..=max).contains(v) => Some(ConstValue::Int(*v)),
                    _ => {
                        self.bad_const(decl, format!("value does not fit in `{}`", scalar.word()));
                        None
                    }
                },
                None => {
                    self.bad_const(
                        decl,
                        format!("constants of type `{}` are not supported", scalar.word()),
                    );
                    None
                }
            },
            (
                Type::Scalar {
                    scalar: Scalar::Bool,
                },
                LiteralKind::Bool(value),
            ) => Some(ConstValue::Bool(*value)),
            (Type::String { bound }, LiteralKind::Str(text)) => {
                if bound.is_some_and(|b| text.len() as u64 > b) {
                    self.bad_const(decl, "string is longer than its bound".to_owned());
                    None
                } else {
                    Some(ConstValue::Str(text.clone()))
                }
            }
            (Type::Scalar { scalar }, _) if matches!(scalar, Scalar::F32 | Scalar::F64) => {
                self.bad_const(
                    decl,
                    format!("constants of type `{}` are not supported", scalar.word()),
                );
                None
            }
            (Type::Scalar { .. } | Type::String { .. }, _) => {
                self.bad_const(
                    decl,
                    "the value does not match the constant's type".to_owned(),
                );
                None
            }
            _ => {
                self.bad_const(
                    decl,
                    "a constant must be an integer, `bool` or `string`".to_owned(),
                );
                None
            }
        };
        let constant = &mut self.model.consts[id.index()];
        constant.ty = ty;
        if let Some(value) = value {
            constant.value = value;
        }
    }

    fn bad_const(&mut self, decl: &ast::Const, message: String) {
        self.diags.push(
            Diagnostic::error(codes::BAD_CONST, decl.value.span, message)
                .label("invalid constant value")
                .secondary(decl.ty.span, "type declared here")
                .help("constants are integers (`u8` … `i64`), `bool` or `string` with a matching literal"),
        );
    }
}
