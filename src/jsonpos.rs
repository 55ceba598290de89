//! Exact places in JSON text: the byte offset of the item at a path
//! (`decision.participants[3]`), found by walking the text once — for
//! problems found after the JSON was read (an unknown person, a fact of the
//! wrong type), which serde no longer knows the place of.

/// One step of a path: a key of an object, or an index in an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The byte offset in `text` of the item at `path`: of its key when `key`
/// is set and the last step is a key, else of its value. `None` when the
/// text is not JSON or has no such item.
pub(crate) fn locate(text: &str, path: &[Seg<'_>], key: bool) -> Option<usize> {
    let mut w = Walker {
        s: text.as_bytes(),
        at: 0,
    };
    w.ws();
    w.find(path, key)
}

struct Walker<'t> {
    s: &'t [u8],
    at: usize,
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(b)).then(|| self.at += 1)
    }

    /// Walks the value here to the item at `path`.
    fn find(&mut self, path: &[Seg<'_>], key: bool) -> Option<usize> {
        self.ws();
        let Some((first, rest)) = path.split_first() else {
            return Some(self.at);
        };
        match (first, self.peek()?) {
            (Seg::Key(wanted), b'{') => {
                self.at += 1;
                loop {
                    self.ws();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let key_at = self.at;
                    let name = self.string()?;
                    self.eat(b':')?;
                    if name == *wanted {
                        if rest.is_empty() && key {
                            return Some(key_at);
                        }
                        return self.find(rest, key);
                    }
                    self.skip()?;
                    self.ws();
                    if self.peek()? == b',' {
                        self.at += 1;
                    }
                }
            }
            (Seg::Index(wanted), b'[') => {
                self.at += 1;
                let mut i = 0usize;
                loop {
                    self.ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    if i == *wanted {
                        return self.find(rest, key);
                    }
                    self.skip()?;
                    self.ws();
                    if self.peek()? == b',' {
                        self.at += 1;
                    }
                    i += 1;
                }
            }
            _ => None,
        }
    }

    /// A string here, decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.skip_string()?;
        serde_json::from_slice(self.s.get(start..self.at)?).ok()
    }

    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.at += 1;
        loop {
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
    }

    /// Skips the value here. Nesting is tracked with a counter, never by
    /// recursion, so deep input cannot exhaust the stack.
    fn skip(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => self.skip_string()?,
                        b'{' | b'[' => {
                            depth += 1;
                            self.at += 1;
                        }
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            self.at += 1;
                            if depth == 0 {
                                return Some(());
                            }
                        }
                        _ => self.at += 1,
                    }
                }
            }
            _ => {
                // A number, `true`, `false` or `null`: up to the next delimiter.
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_found_by_path() {
        let text = r#"{"a": 1, "facts": {"失职": "x", "后果": [1, {"k": "v"}]}, "p": ["甲", "乙\"", "丙"]}"#;
        let at = |path: &[Seg<'_>], key: bool| locate(text, path, key).and_then(|i| text.get(i..));
        assert!(at(&[Seg::Key("facts"), Seg::Key("后果")], true)
            .is_some_and(|r| r.starts_with("\"后果\"")));
        assert!(
            at(&[Seg::Key("facts"), Seg::Key("后果")], false).is_some_and(|r| r.starts_with("[1,"))
        );
        assert!(at(&[Seg::Key("p"), Seg::Index(2)], false).is_some_and(|r| r.starts_with("\"丙\"")));
        assert!(at(
            &[
                Seg::Key("facts"),
                Seg::Key("后果"),
                Seg::Index(1),
                Seg::Key("k")
            ],
            false
        )
        .is_some_and(|r| r.starts_with("\"v\"")));
        assert_eq!(at(&[Seg::Key("nope")], false), None);
        assert_eq!(at(&[Seg::Key("p"), Seg::Index(3)], false), None);
        assert_eq!(
            locate("{\"a\": [", &[Seg::Key("a"), Seg::Index(0)], false),
            None
        );
        assert_eq!(locate(&"[".repeat(100_000), &[Seg::Key("a")], false), None);
    }
}
