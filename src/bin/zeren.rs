//! The `zeren` command line: check policies and query them.

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use zeren::compliance::{ComplianceRow, ComplianceStream};
use zeren::Policy;

#[derive(Parser)]
#[command(
    name = "zeren",
    version,
    about = "Check responsibility policies and query them: who is responsible, which accountability trigger applies, what is due"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files; exit 0 when clean, 1 with every error on stderr.
    Check {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print every diagnostic as JSON on stdout (`{"ok", "errors", "warnings"}`).
        #[arg(long)]
        json: bool,
    },
    /// Who is responsible for a unit or a matter on a date.
    Who {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The unit asked about.
        #[arg(long, conflicts_with_all = ["matter", "person"], required_unless_present_any = ["matter", "person"])]
        unit: Option<String>,
        /// The matter (an instance or a matter kind) asked about.
        #[arg(long, conflicts_with = "person")]
        matter: Option<String>,
        /// Every duty this person holds (the reverse question).
        #[arg(long)]
        person: Option<String>,
        /// The date (YYYY-MM-DD); today when absent.
        #[arg(long)]
        on: Option<String>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Which accountability triggers apply to an incident, and which sanctions.
    Triggers {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The incident (JSON; see the README for the format).
        #[arg(long)]
        incident: PathBuf,
        /// Also list the clauses that did not match, with the condition that failed.
        #[arg(long)]
        why_not: bool,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the `test` blocks written in the policy: one line per test, the
    /// failures, and `N passed, N failed`; exit 1 when one fails.
    Test {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also list every trigger clause, assignment rule, obligation,
        /// staffing rule and liability article with the tests that exercised it.
        #[arg(long)]
        coverage: bool,
        /// Print the report as JSON (`{"tests", "passed", "failed"[, "coverage"]}`).
        #[arg(long)]
        json: bool,
    },
    /// Each article the policy's `articles` list names, and what cites it:
    /// rules, obligations, triggers, notes, and the tests that exercised them.
    Coverage {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Whether units and matters have the holders the staffing rules ask for.
    Staffing {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The date (YYYY-MM-DD); today when absent.
        #[arg(long)]
        on: Option<String>,
        /// Only this unit.
        #[arg(long)]
        unit: Option<String>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every periodic obligation falling due in a date range.
    Calendar {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// Only this unit's obligations.
        #[arg(long)]
        unit: Option<String>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Whether an event log meets the obligations as of a date, and whether each action that needs approval had it
    Compliance {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The event log (JSON Lines).
        #[arg(long)]
        events: PathBuf,
        /// The date of assessment (YYYY-MM-DD); never the clock.
        #[arg(long)]
        as_of: String,
        /// Assess periods from the one containing this date (default: the policy's effective date).
        #[arg(long)]
        from: Option<String>,
        /// Only this unit's obligations.
        #[arg(long)]
        unit: Option<String>,
        /// Print the answer as JSON.
        #[arg(long, conflicts_with = "jsonl")]
        json: bool,
        /// Print the answer as JSON Lines, each row as it is assessed:
        /// `{"period": …}`, `{"reaction": …}` or `{"approval": …}`, then
        /// `{"summary": …}` (for large answers: nothing is held in memory).
        #[arg(long)]
        jsonl: bool,
    },
    /// Rewrite policy files in the canonical layout; with --check, only list those that would change.
    Fmt {
        /// Policy files (`.zr`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write nothing: list the files that would change and exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Serve editors: a language server (LSP) over stdin and stdout.
    #[cfg(feature = "lsp")]
    Lsp,
    /// Who bears which liability, from the incident's decision record.
    Liability {
        /// Policy files (`.zr`) and org files (`.json`) that make one policy.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The incident (JSON, with a `decision` record).
        #[arg(long)]
        incident: PathBuf,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn read_incident(
    policy: &Policy,
    path: &PathBuf,
) -> Result<zeren::incident::BoundIncident, String> {
    policy.incident_from_file(path).map_err(|d| d.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

fn load(files: &[PathBuf]) -> Result<Policy, String> {
    Policy::from_files(files).map_err(|d| d.to_string())
}

fn date(text: Option<&str>) -> Result<NaiveDate, String> {
    match text {
        None => Ok(chrono::Local::now().date_naive()),
        Some(t) => given_date("on", t),
    }
}

fn given_date(flag: &str, t: &str) -> Result<NaiveDate, String> {
    zeren::parse_date(t).map_err(|(m, h)| format!("error: --{flag}: {m}\n  help: {h}"))
}

fn print<T: serde::Serialize + std::fmt::Display>(answer: &T, json: bool) -> Result<(), String> {
    use std::io::Write as _;
    let text = if json {
        let mut t = serde_json::to_string_pretty(answer).map_err(|e| format!("error: {e}"))?;
        t.push('\n');
        t
    } else {
        answer.to_string()
    };
    // A closed pipe (`zeren … | head`) ends the output quietly.
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("error: cannot write the answer: {e}"))
        }
        _ => Ok(()),
    }
}

// A compliance answer is written as it is assessed, never held whole:
// the periods as they come, the (usually few) event-driven rows and
// approvals kept until the periods are written. The output is the same,
// byte for byte, as the collected answer's.

/// As JSON Lines, each row as it is made, then the summary.
fn write_jsonl(
    stream: ComplianceStream<'_, '_>,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    /// One line, made in a reused buffer and written whole.
    fn line<T: serde::Serialize>(
        out: &mut impl std::io::Write,
        buf: &mut Vec<u8>,
        value: &T,
    ) -> std::io::Result<()> {
        buf.clear();
        serde_json::to_writer(&mut *buf, value).map_err(std::io::Error::from)?;
        buf.push(b'\n');
        out.write_all(buf)
    }
    /// The last line: `{"summary": …}`.
    #[derive(serde::Serialize)]
    struct Last {
        summary: zeren::compliance::ComplianceSummary,
    }
    let mut buf = Vec::new();
    let summary = stream.for_each(|row| line(&mut out, &mut buf, &row))?;
    line(&mut out, &mut buf, &Last { summary })?;
    out.flush()
}

/// As the table: the totals first (a first pass counts them), then the rows.
fn write_table(
    stream: ComplianceStream<'_, '_>,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    let summary = stream.for_each(|_| Ok::<(), std::convert::Infallible>(()));
    let Ok(summary) = summary;
    write!(out, "{}", summary.heading())?;
    let mut later = Vec::new();
    stream.for_each(|row| match row {
        ComplianceRow::Period(p) => writeln!(out, "{p}"),
        other => {
            later.push(other);
            Ok(())
        }
    })?;
    for row in later {
        writeln!(out, "{row}")?;
    }
    out.flush()
}

/// As the pretty-printed JSON of the collected answer.
fn write_json(
    stream: ComplianceStream<'_, '_>,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    /// Writes the elements of one array of the answer, opening and closing
    /// it; each element is made in one reused buffer.
    struct List {
        open: bool,
        buf: Vec<u8>,
    }
    impl List {
        fn new() -> List {
            List {
                open: false,
                buf: Vec::new(),
            }
        }
        fn item<T: serde::Serialize>(
            &mut self,
            out: &mut impl std::io::Write,
            value: &T,
        ) -> std::io::Result<()> {
            out.write_all(if self.open { b",\n" } else { b"[\n" })?;
            self.open = true;
            self.buf.clear();
            serde_json::to_writer_pretty(&mut self.buf, value).map_err(std::io::Error::from)?;
            // Two levels deep: strings hold no raw line breaks, so each line
            // is indented as a whole.
            for (i, l) in self.buf.split(|b| *b == b'\n').enumerate() {
                out.write_all(if i > 0 { b"\n    " } else { b"    " })?;
                out.write_all(l)?;
            }
            Ok(())
        }
        fn close(self, out: &mut impl std::io::Write) -> std::io::Result<()> {
            out.write_all(if self.open { b"\n  ]" } else { b"[]" })
        }
    }
    let date = |d: zeren::NaiveDate| serde_json::to_string(&d).map_err(std::io::Error::from);
    let (as_of, from) = stream.dates();
    write!(
        out,
        "{{\n  \"as_of\": {},\n  \"from\": {},\n  \"periods\": ",
        date(as_of)?,
        date(from)?
    )?;
    let mut periods = List::new();
    let (mut reactions, mut approvals) = (Vec::new(), Vec::new());
    let summary = stream.for_each(|row| match row {
        ComplianceRow::Period(p) => periods.item(&mut out, &p),
        ComplianceRow::Reaction(r) => {
            reactions.push(r);
            Ok(())
        }
        ComplianceRow::Approval(a) => {
            approvals.push(a);
            Ok(())
        }
    })?;
    periods.close(&mut out)?;
    out.write_all(b",\n  \"reactions\": ")?;
    let mut list = List::new();
    for r in &reactions {
        list.item(&mut out, r)?;
    }
    list.close(&mut out)?;
    if !approvals.is_empty() {
        out.write_all(b",\n  \"approvals\": ")?;
        let mut list = List::new();
        for a in &approvals {
            list.item(&mut out, a)?;
        }
        list.close(&mut out)?;
    }
    if summary.applicability_unknown {
        out.write_all(b",\n  \"applicability_unknown\": true")?;
    }
    out.write_all(b"\n}\n")?;
    out.flush()
}

/// Formats each file; with `check`, lists those that would change instead
/// of writing them. A file with syntax errors is reported and left as it is.
fn fmt_files(files: &[PathBuf], check: bool) -> ExitCode {
    let mut failed = false;
    for path in files {
        let name = path.display().to_string();
        let text = match read_policy_text(path) {
            Ok(t) => t,
            Err(message) => {
                eprintln!("error: {name}: {message}");
                failed = true;
                continue;
            }
        };
        match zeren::format(&text) {
            Err(mut d) => {
                for label in d.0.iter_mut().flat_map(|diag| diag.labels.iter_mut()) {
                    if let zeren::Location::Text { file, .. } | zeren::Location::File { file } =
                        &mut label.location
                    {
                        file.clone_from(&name);
                    }
                }
                eprintln!("{d}");
                failed = true;
            }
            Ok(out) if out == text => {}
            Ok(_) if check => {
                println!("{name}");
                failed = true;
            }
            Ok(out) => match std::fs::write(path, out) {
                Ok(()) => println!("formatted {name}"),
                Err(e) => {
                    eprintln!("error: {name}: cannot write the file: {e}");
                    failed = true;
                }
            },
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a policy file of at most the size limit, as UTF-8.
fn read_policy_text(path: &PathBuf) -> Result<String, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let limit = zeren::limits::MAX_SOURCE_BYTES;
    let mut bytes = Vec::new();
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() > limit {
        return Err(format!(
            "the file has more than {limit} bytes, the limit for one file"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 text: {e}"))
}

/// JSON built here, printed as it is.
struct Json(serde_json::Value);

impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Text built here, printed as it is.
struct Text(String);

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Fmt { files, check } => Ok(fmt_files(&files, check)),
        #[cfg(feature = "lsp")]
        Command::Lsp => {
            let code = zeren::lsp::run_stdio().map_err(|e| format!("error: {e}"))?;
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
        }
        Command::Check { files, json } => {
            let built = Policy::from_files(&files);
            if json {
                let (ok, errors, warnings) = match &built {
                    Ok(p) => (true, Vec::new(), p.warnings().0.clone()),
                    Err(d) => (false, d.0.clone(), Vec::new()),
                };
                let report =
                    serde_json::json!({ "ok": ok, "errors": errors, "warnings": warnings });
                let text =
                    serde_json::to_string_pretty(&report).map_err(|e| format!("error: {e}"))?;
                println!("{text}");
                return Ok(if ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                });
            }
            let policy = built.map_err(|d| d.to_string())?;
            let h = policy.header();
            let warnings = policy.warnings();
            if !warnings.is_empty() {
                eprintln!("{warnings}");
            }
            let count = |n: usize, one: &str, many: &str| {
                format!("{n} {}", if n == 1 { one } else { many })
            };
            println!(
                "ok: {} ({}, {}, {})",
                if h.title.is_empty() {
                    "policy"
                } else {
                    &h.title
                },
                count(policy.units().count(), "unit", "units"),
                count(policy.duties().count(), "duty", "duties"),
                count(warnings.len(), "warning", "warnings"),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Who {
            files,
            unit,
            matter,
            person,
            on,
            json,
        } => {
            let on = date(on.as_deref())?;
            let policy = load(&files)?;
            let err = |e: zeren::QueryError| format!("error: {e}");
            if let Some(u) = unit {
                print(&policy.who_unit(&u, on).map_err(err)?, json)?;
            } else if let Some(m) = matter {
                print(&policy.who_matter(&m, on).map_err(err)?, json)?;
            } else if let Some(p) = person {
                print(&policy.duties_of(&p, on).map_err(err)?, json)?;
            } else {
                return Err("error: give --unit, --matter or --person".into());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Triggers {
            files,
            incident,
            why_not,
            json,
        } => {
            let policy = load(&files)?;
            let inc = read_incident(&policy, &incident)?;
            let answer = policy
                .triggers(&inc, why_not)
                .map_err(|e| format!("error: {e}"))?;
            print(&answer, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Calendar {
            files,
            from,
            to,
            unit,
            json,
        } => {
            let (from, to) = (given_date("from", &from)?, given_date("to", &to)?);
            let policy = load(&files)?;
            let answer = policy
                .calendar(from, to, unit.as_deref())
                .map_err(|e| format!("error: {e}"))?;
            print(&answer, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compliance {
            files,
            events,
            as_of,
            from,
            unit,
            json,
            jsonl,
        } => {
            let as_of = given_date("as-of", &as_of)?;
            let from = from.map(|f| given_date("from", &f)).transpose()?;
            let policy = load(&files)?;
            let log = policy
                .events_from_file(&events)
                .map_err(|d| d.to_string())?;
            let stream = policy
                .compliance_stream(&log, as_of, from, unit.as_deref())
                .map_err(|e| format!("error: {e}"))?;
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            let done = if jsonl {
                write_jsonl(stream, out)
            } else if json {
                write_json(stream, out)
            } else {
                write_table(stream, out)
            };
            match done {
                // A closed pipe (`zeren … | head`) ends the output quietly.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(format!("error: cannot write the answer: {e}"))
                }
                _ => Ok(ExitCode::SUCCESS),
            }
        }
        Command::Coverage { files, json } => {
            let policy = load(&files)?;
            print(&policy.articles(), json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Staffing {
            files,
            on,
            unit,
            json,
        } => {
            let on = date(on.as_deref())?;
            let policy = load(&files)?;
            let answer = policy
                .staffing(on, unit.as_deref())
                .map_err(|e| format!("error: {e}"))?;
            print(&answer, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Test {
            files,
            coverage,
            json,
        } => {
            let policy = load(&files)?;
            let report = policy.run_tests();
            if json {
                let mut value = serde_json::to_value(&report).map_err(|e| format!("error: {e}"))?;
                if coverage {
                    let c = serde_json::to_value(&report.coverage)
                        .map_err(|e| format!("error: {e}"))?;
                    if let Some(map) = value.as_object_mut() {
                        map.insert("coverage".into(), c);
                    }
                }
                print(&Json(value), true)?;
            } else {
                print(&Text(report.render(coverage)), false)?;
            }
            Ok(if report.failed() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Liability {
            files,
            incident,
            json,
        } => {
            let policy = load(&files)?;
            let inc = read_incident(&policy, &incident)?;
            let answer = policy.liability(&inc).map_err(|e| format!("error: {e}"))?;
            print(&answer, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
