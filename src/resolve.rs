//! Name lookup for problems: the closest declared name to a misspelt one
//! ("did you mean"), with bounded work, used by every input path.

/// The closest name to `wanted` among `candidates`, if one is close enough
/// to be a likely misspelling (at most half its characters differ).
///
/// Bounded work: a name longer than [`crate::limits::MAX_NAME_CHARS`] gets no
/// suggestion, candidates whose length alone rules them out are skipped, and
/// each distance stops once it exceeds the best found so far.
pub(crate) fn closest<'a, I>(wanted: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted: Vec<char> = wanted.chars().collect();
    if wanted.len() > crate::limits::MAX_NAME_CHARS {
        return None;
    }
    let mut limit = (wanted.len() / 2).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut row = Vec::new();
    let mut prev = Vec::new();
    for c in candidates {
        // Byte length bounds character count: skip without decoding when
        // even the shortest reading is too long or too short.
        if c.len() > 4 * (wanted.len() + limit) || c.len() + limit < wanted.len() {
            continue;
        }
        let n = c.chars().count();
        if n.abs_diff(wanted.len()) > limit {
            continue;
        }
        if let Some(d) = bounded_distance(&wanted, c, limit, &mut prev, &mut row) {
            let better = match best {
                None => true,
                Some((bd, bc)) => d < bd || (d == bd && c < bc),
            };
            if better {
                best = Some((d, c));
                limit = d;
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over characters, or `None` once every entry of a
/// row exceeds `limit` (the distance can only grow from there).
fn bounded_distance(
    a: &[char],
    b: &str,
    limit: usize,
    prev: &mut Vec<usize>,
    cur: &mut Vec<usize>,
) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            let v = sub.min(del).min(ins);
            row_min = row_min.min(v);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = v;
            }
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    prev.last().copied().filter(|d| *d <= limit)
}

#[cfg(test)]
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    bounded_distance(&a, b, usize::MAX / 2, &mut Vec::new(), &mut Vec::new()).unwrap_or(usize::MAX)
}

/// A help line suggesting the closest declared name, or listing what is declared.
pub(crate) fn suggest<'a, I>(wanted: &str, what: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    if let Some(c) = closest(wanted, candidates.clone()) {
        return format!("did you mean `{c}`?");
    }
    // The distinct names, counted, and the first few in order: O(n), not a
    // sort of every declared name.
    let mut distinct = std::collections::HashSet::new();
    let mut first: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for c in candidates {
        if distinct.insert(c) {
            first.insert(c);
            if first.len() > 8 {
                first.pop_last();
            }
        }
    }
    let all: Vec<&str> = first.into_iter().collect();
    let whats = match what.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{what}s"),
    };
    if all.is_empty() {
        format!("no {what} is declared; declare it first")
    } else if distinct.len() <= 8 {
        format!("declared {whats}: {}", all.join(", "))
    } else {
        format!(
            "declare it, or use one of the {} declared {whats} (e.g. {})",
            distinct.len(),
            all.iter().take(5).copied().collect::<Vec<_>>().join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_chinese_characters() {
        assert_eq!(edit_distance("书记", "书纪"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("书纪", ["校长", "书记"]), Some("书记"));
        assert_eq!(closest("宣传部", ["教务处"]), None);
    }

    #[test]
    fn suggestions_list_a_few_names_in_order() {
        assert_eq!(
            suggest("xyz", "unit", ["乙", "甲"]),
            "declared units: 乙, 甲"
        );
        assert_eq!(
            suggest("xyz", "unit", []),
            "no unit is declared; declare it first"
        );
        let many: Vec<String> = (0..20).map(|i| format!("u{i:02}")).collect();
        assert_eq!(
            suggest("zzzz", "unit", many.iter().map(String::as_str)),
            "declare it, or use one of the 20 declared units (e.g. u00, u01, u02, u03, u04)"
        );
    }
}
