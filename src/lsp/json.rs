//! A small JSON reader that keeps where each value is, so the server can
//! point into an org written as JSON: a diagnostic's data path
//! (`units[1].under`) becomes a range, and the names in it join the index.
//!
//! It reads what `serde_json` reads; on malformed input it keeps what it
//! read before the problem (serde's own error is the diagnostic).

/// A JSON value with its byte range in the text.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The value.
    pub value: Value,
}

/// The shape of a value; strings decoded.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// `{ "key": value, … }` with each key's range.
    Object(Vec<(String, usize, usize, Node)>),
    /// `[ value, … ]`
    Array(Vec<Node>),
    /// A string, escapes decoded.
    String(String),
    /// A number, `true`, `false` or `null`.
    Scalar,
}

/// Deeper nesting than any org needs; the reader stops there.
const MAX_DEPTH: usize = 64;

/// Reads `text` (a byte-order mark skipped); `None` when it does not start
/// with a value.
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut r = Reader {
        text,
        at: if text.starts_with('\u{FEFF}') { 3 } else { 0 },
    };
    r.value(0)
}

struct Reader<'t> {
    text: &'t str,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.at..).and_then(|s| s.chars().next())
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        self.skip_ws();
        let start = self.at;
        let value = match self.peek()? {
            '{' if depth < MAX_DEPTH => {
                self.at += 1;
                let mut members = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some('}') => {
                            self.at += 1;
                            break;
                        }
                        Some(',') => self.at += 1,
                        Some('"') => {
                            let key_start = self.at;
                            let key = self.string()?;
                            let key_end = self.at;
                            self.skip_ws();
                            if self.peek() != Some(':') {
                                members.push((key, key_start, key_end, self.scalar_at(key_end)));
                                break;
                            }
                            self.at += 1;
                            match self.value(depth + 1) {
                                Some(v) => members.push((key, key_start, key_end, v)),
                                None => break,
                            }
                        }
                        _ => break,
                    }
                }
                Value::Object(members)
            }
            '[' if depth < MAX_DEPTH => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(']') => {
                            self.at += 1;
                            break;
                        }
                        Some(',') => self.at += 1,
                        Some(_) => match self.value(depth + 1) {
                            Some(v) => items.push(v),
                            None => break,
                        },
                        None => break,
                    }
                }
                Value::Array(items)
            }
            '"' => Value::String(self.string()?),
            c if c == '-' || c.is_ascii_alphanumeric() => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
                {
                    self.at += 1;
                }
                Value::Scalar
            }
            _ => return None,
        };
        Some(Node {
            start,
            end: self.at,
            value,
        })
    }

    fn scalar_at(&self, at: usize) -> Node {
        Node {
            start: at,
            end: at,
            value: Value::Scalar,
        }
    }

    /// A string starting at `"`; ends at the closing quote, or at the end
    /// of the line when there is none.
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        let rest = self.text.get(self.at..)?;
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Some(out);
                }
                '\n' => {
                    self.at += i;
                    return Some(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, 'b')) => out.push('\u{8}'),
                    Some((_, 'f')) => out.push('\u{c}'),
                    Some((j, 'u')) => {
                        let hex = |from: usize| {
                            rest.get(from..from + 4)
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                        };
                        let Some(hi) = hex(j + 1) else { continue };
                        for _ in 0..4 {
                            chars.next();
                        }
                        let mut code = hi;
                        if (0xD800..0xDC00).contains(&hi) && rest.get(j + 5..j + 7) == Some("\\u") {
                            if let Some(lo) = hex(j + 7).filter(|lo| (0xDC00..0xE000).contains(lo))
                            {
                                code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                for _ in 0..6 {
                                    chars.next();
                                }
                            }
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        self.at = self.text.len();
        Some(out)
    }
}

impl Node {
    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(m) => m.iter().find(|(k, ..)| k == key).map(|(.., v)| v),
            _ => None,
        }
    }

    /// The items of an array (none for anything else).
    pub(crate) fn items(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    /// The decoded text of a string.
    pub(crate) fn str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The range of the item at a data path (`units[1].under`), or of the
    /// deepest part of the path that exists.
    pub(crate) fn find(&self, path: &str) -> (usize, usize) {
        let mut node = self;
        for step in steps(path) {
            let next = match step {
                Step::Key(k) => node.get(k),
                Step::Index(i) => node.items().get(i),
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        (node.start, node.end)
    }
}

enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// `units[1].under` → `units`, `1`, `under`.
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (part.get(..i).unwrap_or(""), part.get(i..).unwrap_or("")),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        while let Some(close) = rest.find(']') {
            if let Some(i) = rest.get(1..close).and_then(|n| n.parse().ok()) {
                out.push(Step::Index(i));
            }
            rest = rest.get(close + 1..).unwrap_or("");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_their_values() {
        let text = r#"{"units": [{"name": "校党委", "kind": "党委"},
                     {"name": "机械\u5b66院", "kind": "学院", "under": "校党委"}]}"#;
        let root = parse(text).unwrap();
        let (s, e) = root.find("units[1].under");
        assert_eq!(&text[s..e], "\"校党委\"");
        let unit = &root.get("units").unwrap().items()[1];
        assert_eq!(unit.get("name").unwrap().str(), Some("机械学院"));
        // Missing: the deepest part that exists.
        let (s, e) = root.find("units[0].under");
        assert!(text[s..e].starts_with("{\"name\": \"校党委\""));
    }

    #[test]
    fn broken_json_keeps_what_came_before() {
        let root = parse(r#"{"units": [{"name": "a"}, {"name": "#).unwrap();
        assert_eq!(root.get("units").unwrap().items().len(), 2);
        assert!(parse("").is_none());
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_some());
    }
}
