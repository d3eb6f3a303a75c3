//! `include_protocol!`: the code generator, run at compile time.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// `"FILE"` then any number of `, include = "DIR"`.
struct Input {
    file: LitStr,
    include: Vec<LitStr>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Input> {
        let file: LitStr = input.parse()?;
        let mut include = Vec::new();
        while input.parse::<Option<Token![,]>>()?.is_some() {
            if input.is_empty() {
                break;
            }
            let key: syn::Ident = input.parse()?;
            if key != "include" {
                return Err(syn::Error::new(key.span(), "expected `include = \"DIR\"`"));
            }
            input.parse::<Token![=]>()?;
            include.push(input.parse()?);
        }
        Ok(Input { file, include })
    }
}

pub(crate) fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: Input = syn::parse2(input)?;
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let resolve = |relative: &str| -> PathBuf {
        let path = Path::new(relative);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            manifest.join(path)
        }
    };
    let mut compiler = machproto_codegen::idl::Compiler::from_fs();
    for dir in &input.include {
        compiler.include(resolve(&dir.value()));
    }
    let root = resolve(&input.file.value());
    let at = input.file.span();
    let compilation = compiler.compile(&[&root]).map_err(|failures| {
        let text: Vec<String> = failures.iter().map(ToString::to_string).collect();
        syn::Error::new(at, text.join("\n"))
    })?;
    // Reading each file with `include_bytes!` makes cargo rebuild when
    // any of them changes.
    let tracked = compilation.sources.files().map(|(_, source)| {
        let path = source.id.display().to_string();
        quote!(
            const _: &[u8] = include_bytes!(#path);
        )
    });
    let tracked: Vec<TokenStream> = tracked.collect();
    let model = match &compilation.model {
        Some(model) if compilation.is_ok() => model,
        _ => {
            let message = format!(
                "invalid protocol file:\n{}",
                compilation.render_diagnostics()
            );
            return Err(syn::Error::new(at, message));
        }
    };
    let rust = machproto_codegen::generate_on_this_thread(model, &input.file.value());
    let generated: TokenStream = rust
        .parse()
        .map_err(|error| syn::Error::new(at, format!("generated code did not lex: {error}")))?;
    Ok(quote! {
        #(#tracked)*
        #generated
    })
}
