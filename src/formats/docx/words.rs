//! Word-level heuristics the reader uses on text: question numbers
//! ("3.1", "b)", "Q4"), answer labels ("Response:"), choice words
//! (Yes/No/N/A) and what a column header means.

/// Split a leading question number off `text`: ("3.1", "Do you ...?").
pub fn split_number(text: &str) -> (Option<String>, &str) {
    let Some((token, rest)) = text.split_once(char::is_whitespace) else {
        return (None, text);
    };
    match number_token(token) {
        Some(id) if !rest.trim().is_empty() => (Some(id), rest.trim_start()),
        _ => (None, text),
    }
}

/// The id in a numbering token ("1.2." -> "1.2", "(a)" -> "a", "Q4:" -> "Q4"),
/// or None when the token is an ordinary word.
pub fn number_token(token: &str) -> Option<String> {
    let opened = token.starts_with('(');
    let core = token
        .trim_start_matches('(')
        .trim_end_matches(['.', ')', ':']);
    let punctuated = opened || core.len() < token.len();
    if core.is_empty() || core.chars().count() > 14 {
        return None;
    }
    let has_digit = core.chars().any(|c| c.is_ascii_digit());
    let decimal = core.starts_with(|c: char| c.is_ascii_digit())
        && core.chars().all(|c| c.is_ascii_digit() || c == '.');
    let letter = core.len() == 1 && core.chars().all(|c| c.is_ascii_alphabetic());
    let roman = core.len() <= 5 && core.chars().all(|c| "ivxIVX".contains(c));
    let q_number = (core.starts_with('Q') || core.starts_with('q'))
        && core.len() > 1
        && core[1..].chars().all(|c| c.is_ascii_digit() || c == '.');
    let coded = has_digit
        && core.starts_with(|c: char| c.is_ascii_uppercase())
        && core
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
        && !core.ends_with(['-', '_']);
    let ok = decimal || q_number || coded || (punctuated && (letter || roman));
    ok.then(|| core.to_string())
}

/// An answer label in `text`: at its start, or right after the question
/// ("Do you ...? Answer: ____"). Returns the label's (start, end) bytes.
pub fn find_answer_label(text: &str) -> Option<(usize, usize)> {
    let lead = text.len() - text.trim_start().len();
    if let Some(len) = answer_label(&text[lead..]) {
        return Some((lead, lead + len));
    }
    let mut search = 0;
    while let Some(q) = text[search..].find('?') {
        let after = search + q + 1;
        let rest = &text[after..];
        let start = after + (rest.len() - rest.trim_start().len());
        if start > after {
            if let Some(len) = answer_label(&text[start..]) {
                return Some((start, start + len));
            }
        }
        search = after;
    }
    None
}

/// If `text` starts with an answer label ("Response:", "Vendor answer :"),
/// the byte length of the label including its colon.
pub fn answer_label(text: &str) -> Option<usize> {
    const LABELS: &[&str] = &[
        "vendor response",
        "supplier response",
        "your response",
        "response",
        "vendor answer",
        "supplier answer",
        "your answer",
        "answer",
        "reply",
        "comments",
        "comment",
    ];
    for label in LABELS {
        let Some(head) = text.get(..label.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let rest = &text[label.len()..];
        let spaces = rest.len() - rest.trim_start().len();
        let after = &rest[spaces..];
        for colon in [':', '：'] {
            if after.starts_with(colon) {
                return Some(label.len() + spaces + colon.len_utf8());
            }
        }
    }
    None
}

/// True when a paragraph's text reads as a question or a request for one.
pub fn looks_like_question(text: &str) -> bool {
    const REQUESTS: &[&str] = &[
        "describe",
        "explain",
        "provide",
        "list",
        "state",
        "indicate",
        "confirm",
        "specify",
        "outline",
        "detail",
        "identify",
        "summarize",
        "summarise",
        "attach",
    ];
    let t = text.trim_end();
    if t.ends_with('?') {
        return true;
    }
    let first = t
        .split_whitespace()
        .find(|w| !w.eq_ignore_ascii_case("please"))
        .unwrap_or("")
        .trim_end_matches([',', ':'])
        .to_lowercase();
    REQUESTS.contains(&first.as_str())
}

/// Text that guides the answer rather than being one: conditionals,
/// requests, notes, examples, or a short prompt ending in a colon.
pub fn is_guidance(text: &str) -> bool {
    const OPENERS: &[&str] = &[
        "if ",
        "if,",
        "please",
        "note",
        "n.b",
        "e.g",
        "i.e",
        "(",
        "[",
        "*",
        "include",
        "where ",
        "for example",
        "for instance",
        "guidance",
        "hint",
        "attach",
        "provide",
        "describe",
        "explain",
        "list ",
        "specify",
        "indicate",
        "state ",
        "outline",
        "detail",
    ];
    let lower = text.trim().to_lowercase();
    OPENERS.iter().any(|o| lower.starts_with(o))
        || (lower.ends_with(':') && lower.chars().count() <= 80)
}

/// A section whose numbered paragraphs are steps, not questions.
pub fn is_preamble(section: &str) -> bool {
    let lower = section.to_lowercase();
    [
        "instruction",
        "introduction",
        "how to complete",
        "guidance",
        "definitions",
        "glossary",
        "overview",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The choice word a checkbox label starts with, in the document's
/// spelling ("Yes", "No", "N/A", "Partial"), else the label itself.
pub fn choice_label(label: &str) -> String {
    const WORDS: &[&str] = &[
        "not applicable",
        "non-compliant",
        "partially",
        "compliant",
        "partial",
        "unknown",
        "false",
        "true",
        "yes",
        "n/a",
        "no",
        "na",
        "y",
        "n",
    ];
    let t = label.trim().trim_start_matches(['-', ':', '–']).trim();
    let lower = t.to_lowercase();
    for w in WORDS {
        if lower.starts_with(w)
            && !lower[w.len()..].starts_with(|c: char| c.is_alphanumeric())
            && t.is_char_boundary(w.len())
        {
            return t[..w.len()].to_string();
        }
    }
    t.chars().take(40).collect::<String>().trim().to_string()
}

/// The last choice word at the end of `text` ("Do you ...? Yes" -> "Yes"),
/// for checkboxes whose label comes before the box.
pub fn trailing_choice(text: &str) -> Option<&str> {
    let t = text.trim_end().trim_end_matches([':', '-']).trim_end();
    let word_start = t.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0);
    let word = &t[word_start..];
    let known = ["yes", "no", "n/a", "na", "partial", "y", "n"];
    known
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
        .then_some(word)
}

/// What a table header cell says a column is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderRole {
    Id,
    Question,
    Section,
    /// Yes/No-style answer column.
    Choice,
    /// Comments, explanation, evidence.
    Text,
    /// "Response" / "Answer": a choice when the table also has a text
    /// column, otherwise free text.
    Answer,
    /// A column per option ("Yes", "No", "N/A"), ticked with checkboxes.
    Option(String),
    /// Meant for the buyer: never written.
    Never,
}

pub fn header_role(header: &str) -> Option<HeaderRole> {
    let h = header
        .trim()
        .trim_end_matches([':', '*'])
        .trim()
        .to_lowercase();
    if h.is_empty() {
        return None;
    }
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&[
        "guidance",
        "assessor",
        "analyst",
        "reviewer",
        "scoring",
        "score",
        "weight",
        "internal use",
        "office use",
        "evaluation",
        "auditor",
        "for buyer",
        "customer use",
    ]) {
        return Some(HeaderRole::Never);
    }
    const IDS: &[&str] = &[
        "#",
        "no",
        "no.",
        "nr",
        "nr.",
        "num",
        "number",
        "ref",
        "ref.",
        "ref #",
        "ref no",
        "ref. no.",
        "reference",
        "id",
        "item",
        "item #",
        "item no",
        "item no.",
        "q",
        "q#",
        "q #",
        "q no",
        "q no.",
        "question #",
        "question no",
        "question no.",
        "question number",
        "question id",
        "control id",
        "control #",
        "control ref",
        "s/n",
        "sn",
        "sl no",
        "sl. no.",
        "s. no.",
        "seq",
    ];
    if IDS.contains(&h.as_str()) || (h.len() <= 6 && h.ends_with('#')) {
        return Some(HeaderRole::Id);
    }
    if [
        "yes",
        "no",
        "n/a",
        "na",
        "not applicable",
        "partial",
        "partially",
        "y",
        "n",
    ]
    .contains(&h.as_str())
    {
        return Some(HeaderRole::Option(header.trim().to_string()));
    }
    if has(&[
        "yes/no",
        "y/n",
        "yes / no",
        "yes or no",
        "compliant",
        "compliance",
        "implemented",
    ]) || h == "status"
    {
        return Some(HeaderRole::Choice);
    }
    if has(&[
        "comment",
        "explanation",
        "explain",
        "details",
        "evidence",
        "notes",
        "remarks",
        "justification",
        "additional information",
        "description of",
        "supporting",
    ]) {
        return Some(HeaderRole::Text);
    }
    if has(&["response", "answer", "reply"]) || h == "vendor" || h == "supplier" {
        return Some(HeaderRole::Answer);
    }
    if [
        "domain",
        "category",
        "section",
        "area",
        "topic",
        "control domain",
        "control area",
        "control family",
        "family",
    ]
    .contains(&h.as_str())
    {
        return Some(HeaderRole::Section);
    }
    if has(&[
        "question",
        "requirement",
        "control",
        "description",
        "criteria",
        "criterion",
        "query",
        "statement",
        "item",
    ]) {
        return Some(HeaderRole::Question);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_numbers() {
        assert_eq!(split_number("1. Do you?"), (Some("1".into()), "Do you?"));
        assert_eq!(
            split_number("3.2.1 Do you?"),
            (Some("3.2.1".into()), "Do you?")
        );
        assert_eq!(split_number("b) Do you?"), (Some("b".into()), "Do you?"));
        assert_eq!(split_number("(iv) Do you?"), (Some("iv".into()), "Do you?"));
        assert_eq!(split_number("Q4: Do you?"), (Some("Q4".into()), "Do you?"));
        assert_eq!(
            split_number("AC-01 Do you?"),
            (Some("AC-01".into()), "Do you?")
        );
        assert_eq!(
            split_number("A security question?"),
            (None, "A security question?")
        );
        assert_eq!(split_number("I use it?"), (None, "I use it?"));
        assert_eq!(split_number("Do you?"), (None, "Do you?"));
    }

    #[test]
    fn inline_answer_labels() {
        assert_eq!(find_answer_label("Do you? Answer: ___"), Some((8, 15)));
        assert_eq!(find_answer_label("  Response: x"), Some((2, 11)));
        assert_eq!(find_answer_label("We do. Response: x"), None);
        assert_eq!(find_answer_label("Why? Because"), None);
    }

    #[test]
    fn answer_labels() {
        assert_eq!(answer_label("Response: yes"), Some(9));
        assert_eq!(answer_label("Vendor Answer :"), Some(15));
        assert_eq!(answer_label("Responses are due"), None);
        assert_eq!(answer_label("Answer"), None);
    }

    #[test]
    fn headers() {
        assert_eq!(header_role("Question"), Some(HeaderRole::Question));
        assert_eq!(header_role("No."), Some(HeaderRole::Id));
        assert_eq!(header_role("Vendor Response"), Some(HeaderRole::Answer));
        assert_eq!(header_role("Comments / Evidence"), Some(HeaderRole::Text));
        assert_eq!(header_role("Yes/No"), Some(HeaderRole::Choice));
        assert_eq!(header_role("Assessor Notes"), Some(HeaderRole::Never));
        assert_eq!(header_role("N/A"), Some(HeaderRole::Option("N/A".into())));
    }

    #[test]
    fn guidance_and_preambles() {
        assert!(is_guidance("If yes, attach a copy."));
        assert!(is_guidance("Please describe the process."));
        assert!(is_guidance("Details:"));
        assert!(!is_guidance("We rotate keys every 90 days."));
        assert!(is_preamble("Instructions for vendors"));
        assert!(!is_preamble("Access Control"));
    }

    #[test]
    fn choice_labels() {
        assert_eq!(choice_label(" Yes"), "Yes");
        assert_eq!(choice_label("No (explain below)"), "No");
        assert_eq!(choice_label("N/A"), "N/A");
        assert_eq!(choice_label("Nothing"), "Nothing");
        assert_eq!(trailing_choice("Do you encrypt? Yes"), Some("Yes"));
        assert_eq!(trailing_choice("Do you encrypt?"), None);
    }
}
