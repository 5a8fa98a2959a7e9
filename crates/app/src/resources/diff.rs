//! Line differences between two versions of a resource, for reviewers and readers.
//!
//! The longest common subsequence of lines, after the common start and end are set aside.
//! Resources are short documents, so the quadratic table is small; past [`MAX_CELLS`] the
//! changed middle is shown as removed then added, which is still correct, only coarser.

/// The largest LCS table computed, in cells (about 16 MB of `u32`).
pub const MAX_CELLS: usize = 4_000_000;

/// What happened to one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// In both versions.
    Same,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
}

/// One line of a difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// What happened to it.
    pub change: Change,
    /// Its text, without the line break.
    pub text: String,
}

impl Line {
    /// The sign shown before the line, so the change is not told by color alone.
    pub fn sign(&self) -> &'static str {
        match self.change {
            Change::Same => " ",
            Change::Added => "+",
            Change::Removed => "−",
        }
    }

    /// The words a screen reader says for the change.
    pub fn spoken(&self) -> &'static str {
        match self.change {
            Change::Same => "",
            Change::Added => "added:",
            Change::Removed => "removed:",
        }
    }

    /// The CSS class of the line.
    pub fn class(&self) -> &'static str {
        match self.change {
            Change::Same => "same",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

/// The lines that turn `old` into `new`, in reading order.
pub fn diff_lines(old: &str, new: &str) -> Vec<Line> {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();

    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let old_rest = &old[prefix..];
    let new_rest = &new[prefix..];
    let suffix = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old_rest[..old_rest.len() - suffix];
    let new_mid = &new_rest[..new_rest.len() - suffix];

    let line = |change, text: &&str| Line {
        change,
        text: (*text).to_owned(),
    };
    let mut lines: Vec<Line> = old[..prefix]
        .iter()
        .map(|t| line(Change::Same, t))
        .collect();
    lines.extend(middle(old_mid, new_mid));
    lines.extend(
        old_rest[old_rest.len() - suffix..]
            .iter()
            .map(|t| line(Change::Same, t)),
    );
    lines
}

/// Whether a difference changes anything.
pub fn has_changes(lines: &[Line]) -> bool {
    lines.iter().any(|l| l.change != Change::Same)
}

fn middle(old: &[&str], new: &[&str]) -> Vec<Line> {
    let removed = |t: &&str| Line {
        change: Change::Removed,
        text: (*t).to_owned(),
    };
    let added = |t: &&str| Line {
        change: Change::Added,
        text: (*t).to_owned(),
    };
    if old.len().saturating_mul(new.len()) > MAX_CELLS {
        return old
            .iter()
            .map(removed)
            .chain(new.iter().map(added))
            .collect();
    }

    // lengths[i][j]: the LCS length of old[i..] and new[j..], in one flat table.
    let width = new.len() + 1;
    let mut lengths = vec![0u32; (old.len() + 1) * width];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lengths[i * width + j] = if old[i] == new[j] {
                lengths[(i + 1) * width + j + 1] + 1
            } else {
                lengths[(i + 1) * width + j].max(lengths[i * width + j + 1])
            };
        }
    }

    let mut lines = Vec::with_capacity(old.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < old.len() && j < new.len() {
        if old[i] == new[j] {
            lines.push(Line {
                change: Change::Same,
                text: old[i].to_owned(),
            });
            i += 1;
            j += 1;
        } else if lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
            lines.push(removed(&old[i]));
            i += 1;
        } else {
            lines.push(added(&new[j]));
            j += 1;
        }
    }
    lines.extend(old[i..].iter().map(removed));
    lines.extend(new[j..].iter().map(added));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| format!("{}{}", l.sign(), l.text))
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let lines = diff_lines("a\nb\n", "a\nb\n");
        assert!(!has_changes(&lines));
        assert_eq!(render(&lines), " a| b");
    }

    #[test]
    fn a_changed_line_shows_as_removed_then_added_among_kept_lines() {
        let lines = diff_lines("one\ntwo\nthree", "one\n2\nthree\nfour");
        assert_eq!(render(&lines), " one|−two|+2| three|+four");
    }

    #[test]
    fn the_longest_common_lines_are_kept() {
        let lines = diff_lines("a\nb\nc\nd\ne", "b\nx\nd\ne\nf");
        let kept: Vec<&str> = lines
            .iter()
            .filter(|l| l.change == Change::Same)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(kept, ["b", "d", "e"]);
        let removed = lines.iter().filter(|l| l.change == Change::Removed).count();
        let added = lines.iter().filter(|l| l.change == Change::Added).count();
        assert_eq!((removed, added), (2, 2));
    }

    #[test]
    fn empty_sides_are_all_added_or_all_removed() {
        assert_eq!(render(&diff_lines("", "x\ny")), "+x|+y");
        assert_eq!(render(&diff_lines("x", "")), "−x");
    }

    #[test]
    fn very_large_changes_fall_back_to_removed_then_added() {
        let old: String = (0..2100).map(|i| format!("old {i}\n")).collect();
        let new: String = (0..2100).map(|i| format!("new {i}\n")).collect();
        let lines = diff_lines(&old, &new);
        assert_eq!(lines.len(), 4200);
        assert_eq!(lines[0].change, Change::Removed);
        assert_eq!(lines[4199].change, Change::Added);
    }
}
