//! The `zeren` command line: check policies and query them.

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use zeren::Policy;

#[derive(Parser)]
#[command(
    name = "zeren",
    version,
    about = "Check responsibility policies and ask who is responsible"
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

fn read_incident(policy: &Policy, path: &PathBuf) -> Result<zeren::BoundIncident, String> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("error: cannot read {name}: {e}"))?;
    policy
        .incident_from_json(&name, &text)
        .map_err(|d| d.to_string())
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
        Some(t) => zeren::parse_date(t).map_err(|(m, h)| format!("error: --on: {m}\n  help: {h}")),
    }
}

fn print<T: serde::Serialize + std::fmt::Display>(answer: &T, json: bool) -> Result<(), String> {
    if json {
        let text = serde_json::to_string_pretty(answer).map_err(|e| format!("error: {e}"))?;
        println!("{text}");
    } else {
        print!("{answer}");
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check { files } => {
            let policy = load(&files)?;
            let h = policy.header();
            println!(
                "ok: {} ({} units, {} duties)",
                if h.title.is_empty() {
                    "policy"
                } else {
                    &h.title
                },
                policy.units().count(),
                policy.duties().count()
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
            print(&policy.triggers(&inc, why_not), json)?;
            Ok(ExitCode::SUCCESS)
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
