//! Plain-text tables for the terminal: each column as wide as its widest
//! cell, two spaces apart, figures aligned right, the last column free.

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Names and words.
    Left,
    /// Figures.
    Right,
}

/// `rows` (the header first) laid out in columns aligned as `align` says,
/// a line each, with no trailing spaces.
pub fn render(rows: &[Vec<String>], align: &[Align]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.chars().count());
            if c > 0 {
                line.push_str("  ");
            }
            match align.get(c).copied().unwrap_or(Align::Left) {
                Align::Right => {
                    line.push_str(&pad);
                    line.push_str(cell);
                }
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// `text` cut to `chars` characters, the cut marked with `…`.
pub fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(chars.saturating_sub(1)).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_figures_align_right() {
        let rows = [
            vec!["name".to_string(), "runs".to_string(), "note".to_string()],
            vec!["a".to_string(), "12".to_string(), "x".to_string()],
            vec!["longer".to_string(), "3".to_string(), String::new()],
        ];
        let align = [Align::Left, Align::Right, Align::Left];
        assert_eq!(
            render(&rows, &align),
            "name    runs  note\na         12  x\nlonger     3\n"
        );
    }

    #[test]
    fn long_text_is_cut_and_marked() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
