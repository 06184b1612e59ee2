//! What a header cell says a column is for, and what a cell's text looks
//! like (a question, a question ID, a placeholder). Pure text rules, shared
//! by every spreadsheet-like format; `layout.rs` combines them with the
//! sheet's structure.

/// What a column is for, as far as vouch is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Question,
    Id,
    /// A short answer: dropdown, Yes/No, Answer, Response.
    Choice,
    /// Free text for the vendor: comments, implementation description.
    Text,
    /// Meant for the buyer (analyst notes, guidance, scoring): never written.
    Never,
    /// Domain, category or section name.
    Section,
    /// The allowed answers as text ("Yes,No,N/A"), or an answer-type code.
    Options,
    /// Reference material (control text, framework mappings): never written.
    Reference,
    /// Something vendors may fill but vouch does not (customer responsibilities).
    Ignored,
}

impl Role {
    /// The name `--dry-run` and the review file's layout use.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Question => "question",
            Role::Id => "id",
            Role::Choice => "choice",
            Role::Text => "text",
            Role::Never | Role::Reference => "never-write",
            Role::Section => "section",
            Role::Options | Role::Ignored => "ignored",
        }
    }

    pub fn is_answer(self) -> bool {
        matches!(self, Role::Choice | Role::Text)
    }
}

/// Lower-case, single-spaced, without decoration (`*`, `:`, brackets).
pub fn normalize(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '*' | ':' | '(' | ')' | '[' | ']' | '\u{a0}' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whitespace collapsed to single spaces, trimmed (question text).
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// The role a header cell names, if it names one. Order matters: buyer-only
/// columns first ("Analyst Notes" is not a vendor "Notes" column), then the
/// specific before the general ("Question ID" before "Question").
pub fn role_of_header(text: &str) -> Option<Role> {
    let t = normalize(text);
    // Labels are short phrases; one long token is a value ("EnableAuditTrail").
    let long_token = t.split_whitespace().any(|w| w.len() > 24);
    if t.is_empty() || t.len() > 80 || long_token {
        return None;
    }
    const NEVER: &[&str] = &[
        "analyst",
        "assessor",
        "reviewer",
        "auditor",
        "evaluator",
        "internal use",
        "for internal",
        "guidance",
        "scoring",
        "score",
        "weight",
        "institution",
        "buyer use",
        "risk rating",
        "office use",
        "reviewed by",
        "follow-up",
        "follow up",
    ];
    if has_any(&t, NEVER) {
        return Some(Role::Never);
    }
    const OPTIONS: &[&str] = &[
        "question type",
        "answer type",
        "response type",
        "answer options",
        "response options",
        "answer format",
        "allowed values",
        "question_type",
        "answer_type",
        "possible answers",
        "choices",
    ];
    if has_any(&t, OPTIONS) {
        return Some(Role::Options);
    }
    if is_id_header(&t) {
        return Some(Role::Id);
    }
    if has_any(
        &t,
        &["customer responsib", "csc responsib", "client responsib"],
    ) {
        return Some(Role::Ignored);
    }
    const QUESTION: &[&str] = &[
        "question",
        "requirement",
        "query",
        "inquiry",
        "criteria",
        "criterion",
    ];
    if has_any(&t, QUESTION) {
        return Some(Role::Question);
    }
    const TEXT: &[&str] = &[
        "comment",
        "additional info",
        "explanation",
        "explain",
        "implementation",
        "description of",
        "details",
        "evidence",
        "notes",
        "remarks",
        "justification",
        "supporting",
        "narrative",
        "elaborat",
        "clarification",
        "vendor response text",
    ];
    if has_any(&t, TEXT) {
        return Some(Role::Text);
    }
    const CHOICE: &[&str] = &[
        "answer",
        "response",
        "yes/no",
        "yes / no",
        "y/n",
        "yes-no",
        "compliant",
        "compliance",
        "ownership",
        "select",
        "in place",
        "implemented",
    ];
    if has_any(&t, CHOICE) {
        return Some(Role::Choice);
    }
    const SECTION: &[&str] = &["domain", "section", "category", "family", "topic"];
    if has_any(&t, SECTION) {
        return Some(Role::Section);
    }
    const REFERENCE: &[&str] = &[
        "control specification",
        "control title",
        "control name",
        "mapping",
        "crosswalk",
        "standard",
        "framework",
        "reference",
        "nist",
        "iso ",
        "iso/",
        "soc 2",
        "pci",
        "hipaa",
        "ccm",
        "guideline",
    ];
    if has_any(&t, REFERENCE) {
        return Some(Role::Reference);
    }
    None
}

fn is_id_header(t: &str) -> bool {
    const EXACT: &[&str] = &[
        "id", "#", "no", "no.", "nr", "num", "number", "ref", "ref id", "ref_id", "ref.", "ref #",
        "item", "item #", "item no", "q#", "q #", "q no", "qid", "key",
    ];
    EXACT.contains(&t)
        || t.ends_with(" id")
        || t.ends_with(" #")
        || t.ends_with(" no.")
        || t.ends_with(" number")
        || t.starts_with("id ")
}

/// A question ID such as `A&A-01.1`, `AIGN-01`, `A.1.2`, `1.2`, `AC-2(1)`:
/// short, no spaces, at least one digit, few letters.
pub fn is_id(text: &str) -> bool {
    let s = text.trim();
    if s.is_empty() || s.len() > 24 {
        return false;
    }
    let mut digits = 0;
    let mut letters = 0;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c.is_ascii_alphabetic() {
            letters += 1;
        } else if !"-._&()/".contains(c) {
            return false;
        }
    }
    let starts_well = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    // "v4.0.3" in a title row is a version, not a question ID.
    let version = s.len() > 1
        && s.starts_with(['v', 'V'])
        && s[1..].chars().all(|c| c.is_ascii_digit() || c == '.');
    starts_well && digits > 0 && letters <= 12 && !version
}

/// Words a question (or a request for information) starts with.
const QUESTION_STARTS: &[&str] = &[
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "can",
    "could",
    "will",
    "would",
    "should",
    "shall",
    "may",
    "might",
    "must",
    "how",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "describe",
    "explain",
    "provide",
    "list",
    "please",
    "indicate",
    "specify",
    "state",
    "confirm",
    "identify",
    "attach",
    "upload",
    "detail",
    "outline",
    "summarize",
    "summarise",
    "share",
    "select",
    "enter",
    "if",
    "use",
    "briefly",
    "give",
    "name",
    "include",
    "submit",
    "attest",
];

/// True when the text reads like a question or a request to the vendor.
pub fn is_question_like(text: &str) -> bool {
    let t = text.trim();
    if t.len() < 10 || t.len() > 3000 {
        return false;
    }
    let mut words = t.split_whitespace();
    let first = match words.next() {
        Some(w) => w,
        None => return false,
    };
    if words.clone().count() < 2 {
        return false;
    }
    if t.contains('?') {
        return true;
    }
    let first: String = first
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    QUESTION_STARTS.contains(&first.as_str())
}

/// True for text a template puts into an answer cell to show the format
/// ("mm/dd/yyyy", "Vendor Name"): not an answer.
pub fn is_placeholder(value: &str, question: &str, header: Option<&str>) -> bool {
    let v = normalize(value);
    if v.is_empty() {
        return true;
    }
    if v == normalize(question) || header.is_some_and(|h| v == normalize(h)) {
        return true;
    }
    const PATTERNS: &[&str] = &[
        "mm/dd/yyyy",
        "dd/mm/yyyy",
        "555-555",
        "vendor.domain",
        "yourdomain",
        "see instructions",
        "choose an item",
        "select one",
        "-- select",
        "--select",
        "please select",
        "select from list",
        "enter text",
        "click here",
    ];
    has_any(&v, PATTERNS) || v == "select"
}

/// True when the values of a column are answer-type codes or option lists
/// ("TXT", "YNA", "Yes,No,N/A") rather than answers.
pub fn looks_like_options<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    let mut n = 0;
    for v in values {
        n += 1;
        let code = v.len() <= 8
            && v.len() >= 2
            && v.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && v.chars().any(|c| c.is_ascii_uppercase())
            && !matches!(v, "YES" | "NO" | "NA" | "N/A" | "TBD");
        let list = v.contains(',') && v.split(',').all(|p| !p.trim().is_empty() && p.len() <= 30);
        if !(code || list) {
            return false;
        }
    }
    n > 0
}

/// Split an option list cell ("Yes,No,N/A" or one per line) into values.
pub fn split_options(text: &str) -> Vec<String> {
    let sep = if text.contains('\n') { '\n' } else { ',' };
    text.split(sep)
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// True when a cell's input message tells the vendor to leave it empty.
pub fn says_leave_blank(prompt: &str) -> bool {
    let p = prompt.to_ascii_lowercase();
    p.contains("left blank") || p.contains("leave blank") || p.contains("leave this cell blank")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(role_of_header("Question ID"), Some(Role::Id));
        assert_eq!(role_of_header("Question"), Some(Role::Question));
        assert_eq!(role_of_header("CSP CAIQ Answer"), Some(Role::Choice));
        assert_eq!(role_of_header("SSRM Control Ownership"), Some(Role::Choice));
        assert_eq!(
            role_of_header("CSP Implementation Description (Optional/Recommended)"),
            Some(Role::Text)
        );
        assert_eq!(
            role_of_header("CCM Control Specification"),
            Some(Role::Reference)
        );
        assert_eq!(role_of_header("CCM Domain Title"), Some(Role::Section));
        assert_eq!(role_of_header("Analyst Notes"), Some(Role::Never));
        assert_eq!(role_of_header("Guidance"), Some(Role::Never));
        assert_eq!(role_of_header("Additional Information"), Some(Role::Text));
        assert_eq!(role_of_header("Question Type"), Some(Role::Options));
        assert_eq!(role_of_header(" Company Information"), None);
    }

    #[test]
    fn ids() {
        for id in [
            "A&A-01.1", "AIGN-01", "A.1.2", "1.2", "AC-2(1)", "GNRL-01", "Q12", "7",
        ] {
            assert!(is_id(id), "{id}");
        }
        for not in ["Yes", "Audit & Assurance", "A&A", "", "Do you?", "v4.0.3"] {
            assert!(!is_id(not), "{not}");
        }
    }

    #[test]
    fn questions() {
        assert!(is_question_like("Do you encrypt data at rest?"));
        assert!(is_question_like("Describe your incident response process"));
        assert!(is_question_like("Encryption at rest is used?"));
        assert!(!is_question_like(
            "Establish, document, approve and maintain policies"
        ));
        assert!(!is_question_like("Answer"));
    }

    #[test]
    fn options() {
        assert!(looks_like_options(["TXT", "YNANA", "IG1"].into_iter()));
        assert!(looks_like_options(["Yes,No,N/A"].into_iter()));
        assert!(!looks_like_options(["Yes", "No"].into_iter()));
        assert_eq!(split_options("Yes, No ,N/A"), ["Yes", "No", "N/A"]);
    }
}
