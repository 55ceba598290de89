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

fn needs_escape(c: char) -> bool {
    c != '\t' && forbidden_in_name(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

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
