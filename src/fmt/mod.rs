//! `zeren fmt`: one canonical layout for policy text.
//!
//! The text is first parsed by the real parser, so a file with syntax
//! errors is reported, not formatted. Then it is re-laid out from its
//! tokens ([`tokens`]): only whitespace changes — never a name, a quoted
//! text, a date, a clause number or a list separator — and the source's
//! line breaks and comments stay where they were ([`layout`]). Finally the
//! result is parsed again and its syntax tree compared with the original's,
//! so formatting can never change what a policy says; should it ever, the
//! text is refused rather than changed.

mod layout;
mod tokens;
mod width;

use crate::diag::{DiagKind, Diagnostic, Diagnostics};
use crate::source::Sources;
use crate::syntax;

/// The name the text is given in diagnostics.
const NAME: &str = "input";

/// Formats policy text in zeren's canonical layout: two-space indentation
/// inside `{ }` blocks, one space between tokens (`, ` in lists), the
/// `bears` column of assign blocks, the clause texts of trigger lists and
/// the columns of org statements aligned (East Asian wide characters count
/// as two columns), comments and line breaks kept where they were, at most
/// one blank line in a row, and the line ends of the first line (LF or CRLF)
/// for every line.
///
/// Formatting changes only whitespace, so the formatted policy gives the
/// same answers, and formatting its result again changes nothing. A text
/// with syntax errors is not formatted: its errors are returned, as
/// [`crate::Policy::parse`] would report them, for a file named `input`.
/// Only the syntax is checked; names need not be declared, so each file of
/// a policy of several can be formatted on its own.
///
/// ```
/// let text = "assign per \"第三条\" in each 党委 {\nteam bears 主体责任\n书记   bears 第一责任人\n}\n";
/// assert_eq!(
///     zeren::format(text).unwrap(),
///     "assign per \"第三条\" in each 党委 {\n  team bears 主体责任\n  书记 bears 第一责任人\n}\n"
/// );
/// assert!(zeren::format("unit kinds 党委,\n").is_err());
/// ```
pub fn format(text: &str) -> Result<String, Diagnostics> {
    let mut sources = Sources::new();
    let id = sources.add(NAME, text.to_string());
    let before = syntax::parse(&sources, id).map_err(Diagnostics)?;
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text),
    };
    let eol = match body.find('\n') {
        Some(i) if body.get(..i).is_some_and(|l| l.ends_with('\r')) => "\r\n",
        _ => "\n",
    };
    let tokens = tokens::tokens(body).map_err(|e| refused(&e))?;
    let out = format!("{bom}{}", layout::render(&tokens, eol));
    let mut again = Sources::new();
    let id = again.add(NAME, out.clone());
    match syntax::parse(&again, id) {
        Ok(after) if same_tree(&before, &after) => Ok(out),
        Ok(_) => Err(refused("the formatted text has a different syntax tree")),
        Err(e) => Err(refused(&format!(
            "the formatted text does not parse: {}",
            e.first().map(|d| d.message.as_str()).unwrap_or("")
        ))),
    }
}

/// Whether two syntax trees say the same, wherever they were written.
fn same_tree(a: &syntax::ast::File, b: &syntax::ast::File) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(mut a), Ok(mut b)) => {
            strip_spans(&mut a);
            strip_spans(&mut b);
            a == b
        }
        _ => false,
    }
}

/// Removes locations (objects `{file, start, end}`) from a serialized tree.
fn strip_spans(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            let is_span = map.len() == 3
                && ["file", "start", "end"]
                    .iter()
                    .all(|k| map.get(*k).is_some_and(|x| x.is_u64()));
            if is_span {
                *v = serde_json::Value::Null;
            } else {
                map.values_mut().for_each(strip_spans);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

/// The formatter could not lay the text out without changing it: a bug,
/// reported rather than acted on.
fn refused(why: &str) -> Diagnostics {
    Diagnostics(vec![Diagnostic::detached(
        DiagKind::Invalid,
        NAME,
        format!("the formatter could not lay this text out without changing what it says ({why}); it is left as it is"),
        Some("this is a bug in zeren's formatter; please report it with the file".into()),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> syntax::ast::File {
        let mut sources = Sources::new();
        let id = sources.add(NAME, text.to_string());
        syntax::parse(&sources, id).unwrap()
    }

    #[test]
    fn trees_are_compared_without_locations() {
        let a = tree("duties 甲 > 乙\n");
        assert!(same_tree(&a, &tree("\n\n# moved\nduties   甲>乙")));
        assert!(!same_tree(&a, &tree("duties 乙 > 甲\n")));
        assert!(!same_tree(&a, &tree("duties 甲 > 乙\nunit kinds 党委\n")));
    }

    #[test]
    fn locations_are_stripped_from_serialized_trees() {
        let mut v = serde_json::json!({
            "at": {"file": 0, "start": 1, "end": 2},
            "list": [{"file": 0, "start": 3, "end": 4}],
            "name": {"file": "x.zr", "start": 1, "end": 2},
        });
        strip_spans(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "at": null,
                "list": [null],
                "name": {"file": "x.zr", "start": 1, "end": 2},
            })
        );
    }
}
