//! Display width in terminal columns: East Asian wide and full-width
//! characters take two. The ranges are those `crate::diag` uses for carets.

/// The columns `s` takes on a terminal or in a monospaced editor.
pub(super) fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::display_width;

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(display_width("unit"), 4);
        assert_eq!(display_width("校党委"), 6);
        assert_eq!(display_width("院（系）"), 8);
        assert_eq!(display_width("“院(系)”"), 8);
        assert_eq!(display_width("　"), 2);
    }
}
