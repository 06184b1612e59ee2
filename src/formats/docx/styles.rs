//! Paragraph facts that live outside document.xml: which styles are headings
//! (styles.xml) and what number a list paragraph shows (numbering.xml), so
//! headings become sections and auto-numbered questions get their id.

use super::xml::{NodeId, Tree};
use std::collections::HashMap;

#[derive(Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, usize)>,
}

/// Paragraph styles by id.
#[derive(Default)]
pub struct Styles {
    by_id: HashMap<String, Style>,
}

impl Styles {
    /// Read styles.xml (`None` when the part is missing: no styles).
    pub fn parse(tree: Option<&Tree>) -> Styles {
        let mut styles = Styles::default();
        let Some(tree) = tree else { return styles };
        for id in tree.elems(tree.root()).filter(|&i| tree.is_w(i, "style")) {
            let Some(style_id) = tree.attr(id, "styleId") else {
                continue;
            };
            let val = |local: &str| {
                tree.child_w(id, local)
                    .and_then(|c| tree.attr(c, "val"))
                    .map(str::to_string)
            };
            let ppr = tree.child_w(id, "pPr");
            let style = Style {
                name: val("name").unwrap_or_default().to_lowercase(),
                based_on: val("basedOn"),
                outline: ppr.and_then(|p| outline_level(tree, p)),
                num: ppr.and_then(|p| num_pr(tree, p)),
            };
            styles.by_id.insert(style_id.to_string(), style);
        }
        styles
    }

    /// Heading level (1-based; 0 for Title) of a paragraph style.
    pub fn heading_level(&self, style_id: &str) -> Option<u8> {
        let mut id = style_id;
        for _ in 0..8 {
            let style = self.by_id.get(id)?;
            if style.name == "title" {
                return Some(0);
            }
            if let Some(n) = style.name.strip_prefix("heading ") {
                return n.parse().ok();
            }
            if let Some(level) = style.outline {
                return Some(level + 1);
            }
            id = style.based_on.as_deref()?;
        }
        None
    }

    /// The list (numId, level) a style numbers its paragraphs with.
    pub fn numbering(&self, style_id: &str) -> Option<(String, usize)> {
        let mut id = style_id;
        for _ in 0..8 {
            let style = self.by_id.get(id)?;
            if let Some(num) = &style.num {
                return Some(num.clone());
            }
            id = style.based_on.as_deref()?;
        }
        None
    }
}

/// `w:outlineLvl` of a `w:pPr` (0-8; 9 means body text).
pub fn outline_level(tree: &Tree, ppr: NodeId) -> Option<u8> {
    tree.child_w(ppr, "outlineLvl")
        .and_then(|o| tree.attr(o, "val"))
        .and_then(|v| v.parse().ok())
        .filter(|&l| l < 9)
}

/// `w:numPr` of a `w:pPr`: (numId, ilvl).
pub fn num_pr(tree: &Tree, ppr: NodeId) -> Option<(String, usize)> {
    let num = tree.child_w(ppr, "numPr")?;
    let id = tree
        .child_w(num, "numId")
        .and_then(|n| tree.attr(n, "val"))?;
    let level = tree
        .child_w(num, "ilvl")
        .and_then(|n| tree.attr(n, "val"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id.to_string(), level))
}

#[derive(Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// List definitions and running counters: the label each numbered paragraph
/// shows, e.g. "3.", "b)", "2.1".
#[derive(Clone, Default)]
pub struct Numbering {
    /// numId -> (abstractNumId, start overrides per level).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    abstracts: HashMap<String, Vec<Level>>,
    counters: HashMap<String, [u32; 9]>,
}

impl Numbering {
    pub fn parse(tree: Option<&Tree>) -> Numbering {
        let mut numbering = Numbering::default();
        let Some(tree) = tree else { return numbering };
        for id in tree.elems(tree.root()) {
            if tree.is_w(id, "abstractNum") {
                let Some(aid) = tree.attr(id, "abstractNumId") else {
                    continue;
                };
                let mut levels = vec![Level::default(); 9];
                for lvl in tree.elems(id).filter(|&l| tree.is_w(l, "lvl")) {
                    let Some(i) = tree.attr(lvl, "ilvl").and_then(|v| v.parse::<usize>().ok())
                    else {
                        continue;
                    };
                    let val =
                        |local: &str| tree.child_w(lvl, local).and_then(|c| tree.attr(c, "val"));
                    if let Some(level) = levels.get_mut(i) {
                        level.format = val("numFmt").unwrap_or("decimal").to_string();
                        level.text = val("lvlText").unwrap_or("").to_string();
                        level.start = val("start").and_then(|v| v.parse().ok()).unwrap_or(1);
                    }
                }
                numbering.abstracts.insert(aid.to_string(), levels);
            } else if tree.is_w(id, "num") {
                let (Some(num_id), Some(aid)) = (
                    tree.attr(id, "numId"),
                    tree.child_w(id, "abstractNumId")
                        .and_then(|a| tree.attr(a, "val")),
                ) else {
                    continue;
                };
                let mut overrides = HashMap::new();
                for o in tree.elems(id).filter(|&o| tree.is_w(o, "lvlOverride")) {
                    let level = tree.attr(o, "ilvl").and_then(|v| v.parse().ok());
                    let start = tree
                        .child_w(o, "startOverride")
                        .and_then(|s| tree.attr(s, "val"))
                        .and_then(|v| v.parse().ok());
                    if let (Some(level), Some(start)) = (level, start) {
                        overrides.insert(level, start);
                    }
                }
                numbering
                    .nums
                    .insert(num_id.to_string(), (aid.to_string(), overrides));
            }
        }
        numbering
    }

    /// Advance the list counter for a paragraph at (numId, level) and return
    /// its label without trailing punctuation ("2.1", "b"); `None` for
    /// bullets, unknown lists and numId 0 (numbering removed).
    pub fn next_label(&mut self, num_id: &str, level: usize) -> Option<String> {
        let (aid, overrides) = self.nums.get(num_id)?;
        let levels = self.abstracts.get(aid)?;
        let level = level.min(8);
        let start = |l: usize| overrides.get(&l).copied().unwrap_or(levels[l].start);
        let counters = self.counters.entry(num_id.to_string()).or_insert([0; 9]);
        counters[level] = if counters[level] == 0 {
            start(level)
        } else {
            counters[level].saturating_add(1)
        };
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = 0;
        }
        let def = &levels[level];
        if def.format == "bullet" || def.format == "none" {
            return None;
        }
        let mut label = def.text.clone();
        for l in 0..=level {
            let value = if counters[l] == 0 {
                start(l)
            } else {
                counters[l]
            };
            label = label.replace(
                &format!("%{}", l + 1),
                &format_number(value, &levels[l].format),
            );
        }
        let label = label
            .trim()
            .trim_end_matches(['.', ')', ':'])
            .trim_start_matches('(');
        (!label.is_empty()).then(|| label.to_string())
    }
}

fn format_number(n: u32, format: &str) -> String {
    // Letters and roman numerals grow with the value; absurd start values
    // from a hostile numbering.xml fall back to digits.
    let small = n <= 3999;
    match format {
        _ if !small => n.to_string(),
        "lowerLetter" => letters(n).to_lowercase(),
        "upperLetter" => letters(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

fn letters(n: u32) -> String {
    if n == 0 {
        return String::new();
    }
    let c = char::from(b'A' + ((n - 1) % 26) as u8);
    c.to_string().repeat(((n - 1) / 26 + 1) as usize)
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            s.push_str(digits);
            n -= value;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(format_number(3, "lowerLetter"), "c");
        assert_eq!(format_number(27, "upperLetter"), "AA");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(7, "decimal"), "7");
    }
}
