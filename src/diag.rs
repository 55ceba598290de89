//! Diagnostics as plain data: a kind, a severity, a message, one or more
//! labels each with a location — a line and column in a source file, or a
//! path in structured data — and a help text. Rendering happens once, at the
//! edge (`Display`, the CLI), with `annotate-snippets`; `--json` emits the
//! data as it is.
//!
//! Style: a message says what is wrong in the policy author's words, names
//! the offending text in backticks, and does not end with a full stop. The
//! help says what would be accepted. A label says what its place is ("first
//! declared here").

use crate::source::Excerpt;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;
use std::fmt;

pub use crate::source::Span;

/// What kind of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagKind {
    /// The text does not follow the grammar.
    Syntax,
    /// A character that is never accepted (bidi controls, zero-width characters).
    ForbiddenChar,
    /// An input limit was exceeded.
    Limit,
    /// A date that does not exist or is out of range.
    InvalidDate,
    /// A name that was never declared.
    UnknownName,
    /// A name declared twice.
    Duplicate,
    /// A unit that is (indirectly) under itself.
    Cycle,
    /// Two people hold a single-holder position on the same day.
    Overlap,
    /// Something declared in a way that cannot hold (an interval that ends
    /// before it starts, a missing declaration).
    Invalid,
    /// Values of different types compared or combined.
    Type,
    /// Malformed data (JSON) read by the crate.
    Data,
    /// A file could not be read.
    Io,
    /// (warning) A declared duty that no rule gives anyone.
    Unassigned,
    /// (warning) One position given two different duties in one scope.
    Conflict,
    /// (warning) A trigger clause whose condition can never hold.
    NeverMatches,
    /// (warning) A policy that states no effective date.
    NoEffectiveDate,
    /// (warning) A listed article that no rule, obligation, trigger or note cites.
    UncitedArticle,
    /// (warning) A citation of no article of the `articles` list.
    UnlistedCitation,
}

impl DiagKind {
    /// The kind as written in rendered diagnostics and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagKind::Syntax => "syntax",
            DiagKind::ForbiddenChar => "forbidden-char",
            DiagKind::Limit => "limit",
            DiagKind::InvalidDate => "invalid-date",
            DiagKind::UnknownName => "unknown-name",
            DiagKind::Duplicate => "duplicate",
            DiagKind::Cycle => "cycle",
            DiagKind::Overlap => "overlap",
            DiagKind::Invalid => "invalid",
            DiagKind::Type => "type",
            DiagKind::Data => "data",
            DiagKind::Io => "io",
            DiagKind::Unassigned => "unassigned",
            DiagKind::Conflict => "conflict",
            DiagKind::NeverMatches => "never-matches",
            DiagKind::NoEffectiveDate => "no-effective-date",
            DiagKind::UncitedArticle => "uncited-article",
            DiagKind::UnlistedCitation => "unlisted-citation",
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The input is rejected.
    #[default]
    Error,
    /// The input is accepted, but probably not what the author meant.
    Warning,
}

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Location {
    /// A place in a text file: 1-based line, and column in characters.
    Text {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// The line as shown.
        #[serde(rename = "snippet")]
        excerpt: Excerpt,
    },
    /// An item of structured data (org JSON, an `OrgSpec`, events built in
    /// code), by its path: `units[1].under`.
    Data {
        /// The data source.
        file: String,
        /// The path to the item.
        path: String,
    },
    /// A whole file (it cannot be read, or is too large).
    File {
        /// The file.
        file: String,
    },
}

impl Location {
    /// The file or data source.
    pub fn file(&self) -> &str {
        match self {
            Location::Text { file, .. } | Location::Data { file, .. } | Location::File { file } => {
                file
            }
        }
    }
}

/// One place a diagnostic points at, with what it says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub location: Location,
    /// What this place is (empty for the place of the problem itself).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// An error (the input is rejected) or a warning (it is accepted).
    pub severity: Severity,
    /// What kind of problem.
    pub kind: DiagKind,
    /// What is wrong.
    pub message: String,
    /// Where: the place of the problem first, then related places.
    pub labels: Vec<Label>,
    /// What would be accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at one place.
    pub(crate) fn new(kind: DiagKind, message: String, at: Label, help: Option<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message,
            labels: vec![at],
            help,
        }
    }

    /// An error about a whole file (for example an I/O error).
    pub(crate) fn detached(
        kind: DiagKind,
        file: &str,
        message: String,
        help: Option<String>,
    ) -> Self {
        let at = Label {
            location: Location::File { file: file.into() },
            text: String::new(),
        };
        Diagnostic::new(kind, message, at, help)
    }

    /// An error at an item of structured data.
    pub(crate) fn at_path(
        kind: DiagKind,
        file: &str,
        path: String,
        message: String,
        help: Option<String>,
    ) -> Self {
        let at = Label {
            location: Location::Data {
                file: file.into(),
                path,
            },
            text: String::new(),
        };
        Diagnostic::new(kind, message, at, help)
    }

    /// An error at a line and column of a text that is not held in the
    /// source map (JSON lines, incident files).
    pub(crate) fn at_line(
        kind: DiagKind,
        file: &str,
        text_line: &str,
        line: usize,
        column: usize,
        message: String,
        help: Option<String>,
    ) -> Self {
        let text_line = text_line.trim_end_matches('\r');
        let start = text_line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text_line.len(), |(i, _)| i);
        let at = Label {
            location: Location::Text {
                file: file.into(),
                line,
                column,
                excerpt: Excerpt::of(text_line, start, start),
            },
            text: String::new(),
        };
        Diagnostic::new(kind, message, at, help)
    }

    /// Adds a related place.
    pub(crate) fn with_label(mut self, label: Label) -> Self {
        self.labels.push(label);
        self
    }

    /// Where the problem is.
    pub fn location(&self) -> Option<&Location> {
        self.labels.first().map(|l| &l.location)
    }

    /// The file (or data source) the problem is in.
    pub fn file(&self) -> &str {
        self.location().map_or("", Location::file)
    }

    /// 1-based line of the problem; 0 when it is not in a text.
    pub fn line(&self) -> usize {
        match self.location() {
            Some(Location::Text { line, .. }) => *line,
            _ => 0,
        }
    }

    /// 1-based column (in characters); 0 when it is not in a text.
    pub fn column(&self) -> usize {
        match self.location() {
            Some(Location::Text { column, .. }) => *column,
            _ => 0,
        }
    }

    /// The path of the problem in structured data, if it is there.
    pub fn path(&self) -> Option<&str> {
        match self.location() {
            Some(Location::Data { path, .. }) => Some(path),
            _ => None,
        }
    }

    /// The source line of the problem as shown (empty when not in a text).
    pub fn snippet(&self) -> &str {
        match self.location() {
            Some(Location::Text { excerpt, .. }) => &excerpt.text,
            _ => "",
        }
    }

    fn group(&self) -> Group<'_> {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group =
            Group::with_title(level.primary_title(&self.message).id(self.kind.as_str()));
        for (i, label) in self.labels.iter().enumerate() {
            let kind = if i == 0 {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            group = match &label.location {
                Location::Text {
                    file,
                    line,
                    excerpt,
                    ..
                } => {
                    let (a, b) = excerpt.range;
                    // An empty range (the end of a line) still gets a caret.
                    let b = if a == b {
                        excerpt
                            .text
                            .get(a..)
                            .and_then(|r| r.chars().next())
                            .map_or(a, |c| a + c.len_utf8())
                    } else {
                        b
                    };
                    let mut annotation = kind.span(a..b);
                    if !label.text.is_empty() {
                        annotation = annotation.label(label.text.as_str());
                    }
                    group.element(
                        Snippet::source(excerpt.text.as_str())
                            .line_start(*line)
                            .path(file.as_str())
                            .fold(false)
                            .annotation(annotation),
                    )
                }
                Location::Data { file, path } => {
                    let origin = Origin::path(format!("{file}: {path}"));
                    let group = group.element(origin);
                    if label.text.is_empty() {
                        group
                    } else {
                        group.element(Level::NOTE.message(label.text.as_str()))
                    }
                }
                Location::File { file } => group.element(Origin::path(file.as_str())),
            };
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        group
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", Renderer::plain().render(&[self.group()]))
    }
}

/// Appends one diagnostic saying how many more problems were found but not
/// listed (each list stops at [`crate::limits::MAX_DIAGNOSTICS`]).
pub(crate) fn note_omitted(list: &mut Vec<Diagnostic>, omitted: usize, severity: Severity) {
    if omitted == 0 {
        return;
    }
    let what = match (severity, omitted) {
        (Severity::Error, 1) => "error",
        (Severity::Error, _) => "errors",
        (Severity::Warning, 1) => "warning",
        (Severity::Warning, _) => "warnings",
    };
    let file = list
        .last()
        .map(|d| d.file().to_string())
        .unwrap_or_default();
    let mut d = Diagnostic::detached(
        DiagKind::Limit,
        &file,
        format!(
            "{omitted} more {what} not shown (at most {} are listed)",
            crate::limits::MAX_DIAGNOSTICS
        ),
        Some("fix the problems above and check again".into()),
    );
    d.severity = severity;
    list.push(d);
}

/// Every problem found in the input, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = self.0.len() - errors;
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        match (errors, warnings) {
            (_, 0) => write!(f, "\n{}", plural(errors, "error")),
            (0, _) => write!(f, "\n{}", plural(warnings, "warning")),
            _ => write!(
                f,
                "\n{}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            ),
        }
    }
}
