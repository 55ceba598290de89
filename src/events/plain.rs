//! The common log line read without serde: a flat JSON object of known
//! keys, each given once, whose values are strings with no escape and no
//! control character, or (for `to`) lists of them — what a program writing
//! a log writes, a million lines long. The reading is serde's, or nothing:
//! at anything else (another key, a number, `null`, an escape, a repeated
//! key, text after the object) it stops, and serde reads the line and says
//! what is wrong. A test compares the two readings on generated lines.

use super::{OneOrMany, RawEvent};
use std::borrow::Cow;

/// The event `line` writes, when it is a plain line; `None` otherwise.
pub(super) fn line(line: &str) -> Option<RawEvent<'_>> {
    let mut r = Reader { line, at: 0 };
    let mut event = RawEvent::default();
    let mut seen = 0u16;
    r.ws();
    r.byte(b'{')?;
    r.ws();
    loop {
        let key = r.string()?;
        r.ws();
        r.byte(b':')?;
        r.ws();
        let bit = match key {
            "id" => 0,
            "date" => 1,
            "unit" => 2,
            "matter" => 3,
            "person" => 4,
            "by" => 5,
            "action" => 6,
            "event" => 7,
            "to" => 8,
            "for" => 9,
            "ref" => 10,
            "note" => 11,
            _ => return None,
        };
        if seen & (1 << bit) != 0 {
            return None;
        }
        seen |= 1 << bit;
        if bit == 8 {
            event.to = r.one_or_many()?;
        } else {
            let text = r.string()?;
            let value = Some(Cow::Borrowed(text));
            match bit {
                0 => event.id = value,
                1 => event.date = Cow::Borrowed(text),
                2 => event.unit = value,
                3 => event.matter = value,
                4 => event.person = value,
                5 => event.by = value,
                6 => event.action = value,
                7 => event.event = value,
                9 => event.for_period = value,
                10 => event.reference = value,
                _ => event.note = value,
            }
        }
        r.ws();
        match r.next()? {
            b',' => r.ws(),
            b'}' => break,
            _ => return None,
        }
    }
    r.ws();
    // A date is required; the object is the whole line.
    (seen & 0b10 != 0 && r.at == line.len()).then_some(event)
}

struct Reader<'l> {
    line: &'l str,
    at: usize,
}

impl<'l> Reader<'l> {
    fn next(&mut self) -> Option<u8> {
        let b = *self.line.as_bytes().get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.at).copied()
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    /// JSON's whitespace.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// A string with no escape and no control character, without its quotes.
    fn string(&mut self) -> Option<&'l str> {
        self.byte(b'"')?;
        let rest = self.line.as_bytes().get(self.at..)?;
        let len = rest
            .iter()
            .position(|b| matches!(b, b'"' | b'\\' | 0..=0x1F))?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        let text = self.line.get(self.at..self.at + len)?;
        self.at += len + 1;
        Some(text)
    }

    /// `to`: a string, or a list of strings.
    fn one_or_many(&mut self) -> Option<OneOrMany<'l>> {
        if self.peek()? != b'[' {
            return Some(OneOrMany::One(Cow::Borrowed(self.string()?)));
        }
        self.at += 1;
        self.ws();
        let mut names = Vec::new();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(OneOrMany::Many(names));
        }
        loop {
            names.push(Cow::Borrowed(self.string()?));
            self.ws();
            match self.next()? {
                b',' => self.ws(),
                b']' => return Some(OneOrMany::Many(names)),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use proptest::prelude::*;

    /// The plain reading, when there is one, is serde's.
    fn agrees(text: &str) -> bool {
        let Some(fast) = line(text) else {
            return false;
        };
        let by_serde = serde_json::from_str::<RawEvent<'_>>(text);
        assert_eq!(
            by_serde.as_ref().map(|r| format!("{r:?}")).ok(),
            Some(format!("{fast:?}")),
            "{text}"
        );
        true
    }

    #[test]
    fn lines_a_program_writes_are_read_plainly() {
        for text in [
            r#"{"date": "2021-03-01", "unit": "u1", "action": "a0"}"#,
            r#"{"date":"2021-03-01","unit":"u1","action":"a0","to":["办公室","督查室"],"for":"2021"}"#,
            r#" { "id": "e1", "date": "2021-03-01T09:30", "matter": "课程", "event": "发生", "to": "u2" } "#,
            r#"{"date": "2021-03-01", "unit": "u1", "action": "a0", "ref": "e1", "person": "张三", "by": "u3", "note": "注", "to": []}"#,
        ] {
            assert!(agrees(text), "{text}");
        }
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        for text in [
            r#"{"unit": "u1", "action": "a0"}"#,
            r#"{"date": "2021-03-01", "date": "2021-03-02"}"#,
            r#"{"date": "2021-03-01", "unit": null}"#,
            r#"{"date": "2021-03-01", "unit": "a\"b"}"#,
            r#"{"date": "2021-03-01", "units": "u1"}"#,
            r#"{"date": "2021-03-01",}"#,
            r#"{"date": "2021-03-01"} x"#,
            r#"{"date": 2021}"#,
            "{\"date\": \"2021\t03\"}",
            r#"{"date": "2021-03-01", "to": ["u1",]}"#,
            r#"{"date": "2021-03-01", "to": [["u1"]]}"#,
            r#"["date"]"#,
            "",
        ] {
            assert!(line(text).is_none(), "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn the_plain_reading_is_serdes_or_none(tokens in proptest::collection::vec(prop_oneof![
            Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just(" "), Just("\t"),
            Just("\"date\""), Just("\"unit\""), Just("\"to\""), Just("\"for\""), Just("\"id\""),
            Just("\"action\""), Just("\"note\""), Just("\"x\""), Just("\"2021-01-01\""), Just("\"\""),
            Just("\"a\\\"b\""), Just("\"a\u{1}b\""), Just("null"), Just("1"), Just("\"中文\""),
            Just("\"date\": \"2021-01-01\""), Just("\"to\": [\"u1\", \"u2\"]"),
        ], 0..24)) {
            let text: String = tokens.concat();
            agrees(&text);
            // Well-formed objects of the same tokens are read plainly.
            let text = format!("{{\"date\": \"2021-01-01\", \"unit\": {}}}", tokens.first().copied().filter(|t| t.starts_with('"') && !t.contains('\\') && !t.contains('\u{1}') && !t.contains(':') && !t.contains('[')).unwrap_or("\"u\""));
            prop_assert!(agrees(&text), "{}", text);
        }
    }
}
