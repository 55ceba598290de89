//! The character policy shared by every input path: `.zr` text, org JSON,
//! incident JSON, event logs, CLI arguments and library calls.
//!
//! - Bidirectional controls and zero-width characters are rejected
//!   everywhere: they make text display differently from how it reads.
//! - In names (and other quoted text), NUL and every other C0 or C1 control
//!   character (and DEL) are rejected as well: a name is printed to
//!   terminals, and an ESC in it would be interpreted.
//! - Output escapes anything a terminal would interpret, as `<U+XXXX>`.

use std::borrow::Cow;

/// Why a character is rejected everywhere, if it is.
pub(crate) fn forbidden_char(c: char) -> Option<&'static str> {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some("a bidirectional control character"),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Some("a zero-width character"),
        // Shown as a line break by some editors and not by others.
        '\u{2028}' | '\u{2029}' => Some("a line or paragraph separator"),
        _ => None,
    }
}

/// Why a character may not stand in a name, if it may not.
pub(crate) fn forbidden_in_name(c: char) -> Option<&'static str> {
    forbidden_char(c).or(match c {
        '\0' => Some("a NUL character"),
        '\u{1B}' => Some("an escape character"),
        c if c.is_control() => Some("a control character"),
        _ => None,
    })
}

/// The first character of `name` that may not stand in a name: its byte
/// offset, the character, and why.
pub(crate) fn bad_name_char(name: &str) -> Option<(usize, char, &'static str)> {
    name.char_indices()
        .find_map(|(i, c)| forbidden_in_name(c).map(|why| (i, c, why)))
}

/// A message and help for a name that contains a rejected character.
pub(crate) fn bad_name_message(name: &str) -> Option<(String, String)> {
    let (_, c, why) = bad_name_char(name)?;
    Some((
        format!(
            "the name `{}` contains {why} (U+{:04X})",
            escaped(name),
            c as u32
        ),
        "delete it; names may not contain control, invisible or direction-changing characters"
            .into(),
    ))
}

/// The text with every character a terminal would interpret (controls,
/// bidi controls, zero-width characters) spelled out as `<U+XXXX>`.
pub fn escaped(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A name as shown in a message: escaped, and cut after
/// [`crate::limits::MAX_NAME_CHARS`] characters with its length stated, so a
/// huge name in the input does not make a huge message.
pub(crate) fn shown(s: &str) -> Cow<'_, str> {
    let max = crate::limits::MAX_NAME_CHARS;
    if s.len() <= max {
        return escaped(s);
    }
    match s.char_indices().nth(max) {
        None => escaped(s),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} characters)",
            escaped(s.get(..cut).unwrap_or("")),
            s.chars().count()
        )),
    }
}

/// Byte offset of a carriage return not followed by a line feed, if any.
pub(crate) fn lone_cr(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Carriage returns are found by `find`'s fast search: a log has none,
    // or one before each line feed.
    let mut from = 0;
    while let Some(i) = text.get(from..)?.find('\r') {
        let at = from + i;
        if bytes.get(at + 1) != Some(&b'\n') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A diagnostic for a carriage return not followed by a line feed in
/// `text`, with its line and column: a line end that some tools show and
/// others do not is rejected.
pub(crate) fn lone_cr_problem(source: &str, text: &str) -> Option<crate::diag::Diagnostic> {
    let at = lone_cr(text)?;
    let before = text.get(..at).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_no = before.matches('\n').count() + 1;
    let line = text
        .get(line_start..)
        .and_then(|r| r.split('\n').next())
        .unwrap_or("");
    let column = text.get(line_start..at).map_or(0, |s| s.chars().count()) + 1;
    Some(crate::diag::Diagnostic::at_line(
        crate::diag::DiagKind::ForbiddenChar,
        source,
        line,
        line_no,
        column,
        "a lone carriage return (U+000D)".into(),
        Some("end lines with LF or CRLF".into()),
    ))
}

/// A diagnostic for bytes that are not UTF-8: the line, the column (in
/// characters) of the first bad byte, and the text before it.
pub(crate) fn utf8_problem(
    source: &str,
    line_bytes: &[u8],
    line_no: usize,
    e: &std::str::Utf8Error,
) -> crate::diag::Diagnostic {
    let valid = line_bytes.get(..e.valid_up_to()).unwrap_or(&[]);
    let shown = String::from_utf8_lossy(line_bytes);
    let column = std::str::from_utf8(valid).map_or(1, |s| s.chars().count() + 1);
    let bad = line_bytes.get(e.valid_up_to()).copied().unwrap_or(0);
    crate::diag::Diagnostic::at_line(
        crate::diag::DiagKind::Data,
        source,
        &shown,
        line_no,
        column,
        format!("the text is not UTF-8: byte 0x{bad:02X} cannot start or continue a character"),
        Some("save the file as UTF-8".into()),
    )
}

/// Checks that `bytes` are UTF-8 text; otherwise a diagnostic naming the
/// line and column of the first bad byte.
pub(crate) fn utf8_text(
    source: &str,
    bytes: Vec<u8>,
) -> Result<String, Box<crate::diag::Diagnostic>> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let before = bytes.get(..at).unwrap_or(&[]);
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line_no = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let rest = bytes.get(line_start..).unwrap_or(&[]);
            let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let line = rest.get(..line_end).unwrap_or(&[]);
            let err = match std::str::from_utf8(line) {
                Err(err) => err,
                Ok(_) => e.utf8_error(),
            };
            Err(Box::new(utf8_problem(source, line, line_no, &err)))
        }
    }
}

fn needs_escape(c: char) -> bool {
    c != '\t' && forbidden_in_name(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_is_found_and_a_line_end_is_not() {
        for (text, at) in [
            ("", None),
            ("a\r\nb\r\n", None),
            ("a\rb", Some(1)),
            ("\r", Some(0)),
            ("a\r\n\r", Some(3)),
            ("a\r\n\rb\r\n", Some(3)),
            ("张\r\n三\r", Some(8)),
        ] {
            assert_eq!(lone_cr(text), at, "{text:?}");
        }
    }

    #[test]
    fn names_reject_controls_and_invisibles() {
        assert!(bad_name_char("张三").is_none());
        assert_eq!(bad_name_char("张\u{200B}三").map(|b| b.0), Some(3));
        assert!(bad_name_char("a\0b").is_some());
        assert!(bad_name_char("a\u{1b}[31mb").is_some());
        assert!(bad_name_char("a\u{85}b").is_some());
        assert!(bad_name_char("a\tb").is_some());
    }

    #[test]
    fn escaping_shows_what_a_terminal_would_hide() {
        assert_eq!(escaped("宣传部"), "宣传部");
        assert_eq!(escaped("a\u{1b}[2Jb"), "a<U+001B>[2Jb");
        assert_eq!(escaped("\u{202E}x"), "<U+202E>x");
    }
}
