//! Diagnostics: what the compiler tells the user, and how it is rendered.

pub mod codes;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor};

pub use codes::Code;

use crate::source::SourceMap;
use crate::span::Span;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Severity {
    /// Reported, but the file is still valid.
    Warning,
    /// The file is invalid.
    Error,
}

/// A span with a message: the primary one says what is wrong, secondary ones
/// point at related places ("first declared here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
    /// Whether this is the offending place.
    pub primary: bool,
}

/// One message of the compiler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// One line, lowercase, no trailing period.
    pub message: String,
    /// Primary label first.
    pub labels: Vec<Label>,
    /// `help:` lines.
    pub help: Vec<String>,
}

impl Diagnostic {
    /// An error with `code`, its primary label at `span`.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, span, message)
    }

    /// A warning with `code`, its primary label at `span`.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, span, message)
    }

    fn new(severity: Severity, code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            labels: vec![Label {
                span,
                message: String::new(),
                primary: true,
            }],
            help: Vec::new(),
        }
    }

    /// Sets the text of the primary label.
    #[must_use]
    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.labels[0].message = message.into();
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    /// Adds a help line.
    #[must_use]
    pub fn help(mut self, message: impl Into<String>) -> Diagnostic {
        self.help.push(message.into());
        self
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels[0].span
    }

    fn to_codespan(&self) -> cs::Diagnostic<crate::FileId> {
        let severity = match self.severity {
            Severity::Warning => cs::Severity::Warning,
            Severity::Error => cs::Severity::Error,
        };
        let labels = self
            .labels
            .iter()
            .map(|label| {
                let style = if label.primary {
                    cs::LabelStyle::Primary
                } else {
                    cs::LabelStyle::Secondary
                };
                cs::Label::new(style, label.span.file, label.span.range())
                    .with_message(label.message.clone())
            })
            .collect();
        let mut notes: Vec<String> = self.help.iter().map(|h| format!("help: {h}")).collect();
        notes.push(format!(
            "note: rule {} of the protocol language",
            self.code.rule
        ));
        cs::Diagnostic::new(severity)
            .with_code(self.code.name)
            .with_message(self.message.clone())
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// The diagnostics of one compilation, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No diagnostics yet.
    #[must_use]
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Records one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// All diagnostics.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Orders diagnostics by file and position, errors and warnings mixed, so
    /// output does not depend on the order checks happen to run in.
    pub fn sort(&mut self) {
        self.items
            .sort_by_key(|d| (d.span().file, d.span().start, d.code.name));
    }

    /// Renders every diagnostic, without colour, as the CLI prints them.
    pub fn render_plain(&self, sources: &SourceMap) -> String {
        let mut out = termcolor::NoColor::new(Vec::new());
        self.write(sources, &mut out);
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }

    /// Renders every diagnostic to `out` (colour if `out` supports it).
    pub fn write(&self, sources: &SourceMap, out: &mut dyn termcolor::WriteColor) {
        let config = term::Config::default();
        for diagnostic in &self.items {
            // A write error on the output stream is not the compiler's to report.
            let _ = term::emit_to_write_style(out, &config, sources, &diagnostic.to_codespan());
        }
    }
}

/// `a → b → c → a`, shortened in the middle when long, so a cycle through
/// thousands of declarations still gives a readable one-line message.
pub(crate) fn arrow_chain<S: AsRef<str>>(names: &[S]) -> String {
    const HEAD: usize = 8;
    const TAIL: usize = 2;
    let all: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    if all.len() <= HEAD + TAIL + 1 {
        return all.join(" → ");
    }
    let hidden = all.len() - HEAD - TAIL;
    format!(
        "{} → … ({hidden} more) … → {}",
        all[..HEAD].join(" → "),
        all[all.len() - TAIL..].join(" → ")
    )
}
