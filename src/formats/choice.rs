//! Map the library's canonical answer (Yes / No / Partial / N/A) onto the
//! values a buyer's dropdown allows.
//!
//! Buyers spell the same four answers many ways: `Y`/`N`, `Yes`/`No`/`NA`,
//! `Not Applicable`, `Compliant`/`Non-Compliant`/`Partially Compliant`,
//! `Implemented`/`Not Implemented`, `True`/`False`, `1`/`0`. Matching ignores
//! case, spaces and punctuation (`N/A` = `na` = `n.a.`).
//!
//! Some dropdowns are not answers at all: CAIQ's SSRM ownership column
//! (`CSP-owned`, `Shared CSP and CSC`, ...) or a maturity scale (`0`..`5`).
//! A list is only treated as an answer list when at least two of its values
//! are recognised answers; otherwise nothing is mapped and the caller leaves
//! the slot empty and reports it. Guessing an ownership or a maturity level
//! from "Yes" would put words in the vendor's mouth.

use crate::library::Answer;

/// Spellings of each answer, normalized (lower-case ASCII letters and
/// digits only), in order of preference.
fn spellings(answer: Answer) -> &'static [&'static str] {
    match answer {
        Answer::Yes => &[
            "yes",
            "y",
            "compliant",
            "fullycompliant",
            "implemented",
            "fullyimplemented",
            "true",
            "met",
            "fullymet",
            "meets",
            "inplace",
            "supported",
            "fullysupported",
            "1",
        ],
        Answer::No => &[
            "no",
            "n",
            "noncompliant",
            "notcompliant",
            "notimplemented",
            "false",
            "notmet",
            "doesnotmeet",
            "notinplace",
            "notsupported",
            "unsupported",
            "0",
        ],
        Answer::Partial => &[
            "partial",
            "partially",
            "partly",
            "partiallycompliant",
            "partialcompliance",
            "partiallyimplemented",
            "partiallymet",
            "partiallymeets",
            "partiallyinplace",
            "partiallysupported",
        ],
        Answer::NotApplicable => &["na", "notapplicable", "nap", "doesnotapply", "notrelevant"],
    }
}

/// First words that mark a longer value as one answer ("Yes, fully",
/// "No - planned for Q3"), used only when no value matches whole.
fn leading_word(answer: Answer) -> &'static [&'static str] {
    match answer {
        Answer::Yes => &["yes"],
        Answer::No => &["no"],
        Answer::Partial => &["partial", "partially"],
        Answer::NotApplicable => &[],
    }
}

/// Lower-case ASCII letters and digits only: `Non-Compliant` -> `noncompliant`.
pub fn normalize(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn first_word(value: &str) -> String {
    value
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase()
}

fn is_numeric_answer(normalized: &str) -> bool {
    normalized == "1" || normalized == "0"
}

/// The answer a single value spells, ignoring the numeric `1`/`0` (which are
/// answers only in an all-numeric yes/no list).
fn word_answer(value: &str) -> Option<Answer> {
    let n = normalize(value);
    Answer::ALL
        .into_iter()
        .find(|a| spellings(*a).contains(&n.as_str()) && !is_numeric_answer(&n))
}

/// True when `1`/`0` in this list mean yes/no: every value is 1, 0 or a
/// not-applicable spelling, and both 1 and 0 occur.
fn numeric_yes_no(allowed: &[String]) -> bool {
    let norm: Vec<String> = allowed.iter().map(|v| normalize(v)).collect();
    norm.iter().any(|n| n == "1")
        && norm.iter().any(|n| n == "0")
        && norm
            .iter()
            .all(|n| is_numeric_answer(n) || spellings(Answer::NotApplicable).contains(&n.as_str()))
}

/// The canonical answer a buyer's value stands for, if any (`"Y"` -> Yes,
/// `"Not Applicable"` -> N/A). `1`/`0` are not recognised on their own.
pub fn canonical(value: &str) -> Option<Answer> {
    word_answer(value)
}

/// True when the allowed values look like an answer list (at least two
/// recognised answers, or a single value that is one).
pub fn is_answer_list(allowed: &[String]) -> bool {
    if numeric_yes_no(allowed) {
        return true;
    }
    let recognised = allowed
        .iter()
        .filter(|v| word_answer(v).is_some() || leading_answer(v).is_some())
        .count();
    recognised >= 2 || (allowed.len() == 1 && recognised == 1)
}

fn leading_answer(value: &str) -> Option<Answer> {
    let word = first_word(value);
    Answer::ALL
        .into_iter()
        .find(|a| leading_word(*a).contains(&word.as_str()))
}

/// The allowed value that says `answer`, in the buyer's spelling, or `None`
/// when the list has no such value or is not an answer list at all.
pub fn map(answer: Answer, allowed: &[String]) -> Option<String> {
    if !is_answer_list(allowed) {
        return None;
    }
    let numeric = numeric_yes_no(allowed);
    let norm: Vec<String> = allowed.iter().map(|v| normalize(v)).collect();
    for spelling in spellings(answer) {
        if is_numeric_answer(spelling) && !numeric {
            continue;
        }
        if let Some(i) = norm.iter().position(|n| n == spelling) {
            return Some(allowed[i].clone());
        }
    }
    allowed
        .iter()
        .find(|v| word_answer(v).is_none() && leading_answer(v) == Some(answer))
        .cloned()
}

/// The allowed value equal to `value` up to case and punctuation (an edited
/// answer where the reviewer picked the buyer's exact dropdown value).
pub fn find_allowed(value: &str, allowed: &[String]) -> Option<String> {
    let wanted = normalize(value);
    if wanted.is_empty() {
        return None;
    }
    allowed.iter().find(|v| normalize(v) == wanted).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Answer::*;

    fn list(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    fn mapped(answer: Answer, values: &[&str]) -> Option<String> {
        map(answer, &list(values))
    }

    #[test]
    fn yes_no_na() {
        let l = ["Yes", "No", "NA"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("Yes"));
        assert_eq!(mapped(No, &l).as_deref(), Some("No"));
        assert_eq!(mapped(NotApplicable, &l).as_deref(), Some("NA"));
        assert_eq!(mapped(Partial, &l), None);
    }

    #[test]
    fn y_n_letters() {
        let l = ["Y", "N"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("Y"));
        assert_eq!(mapped(No, &l).as_deref(), Some("N"));
        assert_eq!(mapped(NotApplicable, &l), None);
        assert_eq!(mapped(Partial, &l), None);
    }

    #[test]
    fn not_applicable_spellings() {
        for na in ["N/A", "n.a.", "Not Applicable", "NOT-APPLICABLE", "N / A"] {
            let l = ["Yes", "No", na];
            assert_eq!(mapped(NotApplicable, &l).as_deref(), Some(na), "{na}");
        }
    }

    #[test]
    fn compliance_family() {
        let l = ["Compliant", "Non-Compliant", "Partially Compliant", "N/A"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("Compliant"));
        assert_eq!(mapped(No, &l).as_deref(), Some("Non-Compliant"));
        assert_eq!(mapped(Partial, &l).as_deref(), Some("Partially Compliant"));
        assert_eq!(mapped(NotApplicable, &l).as_deref(), Some("N/A"));
        let l = ["Fully Compliant", "Not Compliant"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("Fully Compliant"));
        assert_eq!(mapped(No, &l).as_deref(), Some("Not Compliant"));
    }

    #[test]
    fn implementation_family() {
        let l = [
            "Implemented",
            "Partially Implemented",
            "Not Implemented",
            "Not Applicable",
        ];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("Implemented"));
        assert_eq!(mapped(No, &l).as_deref(), Some("Not Implemented"));
        assert_eq!(
            mapped(Partial, &l).as_deref(),
            Some("Partially Implemented")
        );
        assert_eq!(mapped(NotApplicable, &l).as_deref(), Some("Not Applicable"));
    }

    #[test]
    fn true_false() {
        let l = ["TRUE", "FALSE"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("TRUE"));
        assert_eq!(mapped(No, &l).as_deref(), Some("FALSE"));
        assert_eq!(mapped(Partial, &l), None);
    }

    #[test]
    fn one_zero_only_in_a_numeric_yes_no_list() {
        let l = ["1", "0"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("1"));
        assert_eq!(mapped(No, &l).as_deref(), Some("0"));
        let l = ["1", "0", "N/A"];
        assert_eq!(mapped(NotApplicable, &l).as_deref(), Some("N/A"));
        // A maturity scale is not a yes/no list.
        let scale = ["0", "1", "2", "3", "4", "5"];
        assert_eq!(mapped(Yes, &scale), None);
        assert_eq!(mapped(No, &scale), None);
    }

    #[test]
    fn met_and_supported() {
        let l = ["Met", "Partially Met", "Not Met"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("Met"));
        assert_eq!(mapped(Partial, &l).as_deref(), Some("Partially Met"));
        assert_eq!(mapped(No, &l).as_deref(), Some("Not Met"));
        let l = ["Supported", "Not Supported"];
        assert_eq!(mapped(No, &l).as_deref(), Some("Not Supported"));
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let l = ["  yes ", "NO.", "n/a"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("  yes "));
        assert_eq!(mapped(No, &l).as_deref(), Some("NO."));
        assert_eq!(mapped(NotApplicable, &l).as_deref(), Some("n/a"));
    }

    #[test]
    fn longer_values_match_by_first_word() {
        let l = ["Yes, fully", "Partially, see comments", "No - planned"];
        assert_eq!(mapped(Yes, &l).as_deref(), Some("Yes, fully"));
        assert_eq!(
            mapped(Partial, &l).as_deref(),
            Some("Partially, see comments")
        );
        assert_eq!(mapped(No, &l).as_deref(), Some("No - planned"));
        assert_eq!(mapped(NotApplicable, &l), None);
    }

    #[test]
    fn caiq_ssrm_ownership_is_not_an_answer_list() {
        let l = [
            "CSP-owned",
            "CSC-owned",
            "3rd-party outsourced",
            "Shared CSP and CSC",
            "Shared CSP and 3rd-party",
        ];
        assert!(!is_answer_list(&list(&l)));
        for a in Answer::ALL {
            assert_eq!(mapped(a, &l), None, "{a}");
        }
    }

    #[test]
    fn unrelated_lists_map_to_nothing() {
        let l = ["Daily", "Weekly", "Monthly", "Never"];
        assert_eq!(mapped(Yes, &l), None);
        assert_eq!(mapped(No, &["No"]).as_deref(), Some("No"));
        assert_eq!(mapped(Yes, &[]), None);
    }

    #[test]
    fn canonical_and_find_allowed() {
        assert_eq!(canonical("Y"), Some(Yes));
        assert_eq!(canonical("Non-compliant"), Some(No));
        assert_eq!(canonical("not applicable"), Some(NotApplicable));
        assert_eq!(canonical("1"), None);
        assert_eq!(canonical("CSP-owned"), None);
        let l = list(&["CSP-owned", "Shared CSP and CSC"]);
        assert_eq!(
            find_allowed("shared csp and csc", &l).as_deref(),
            Some("Shared CSP and CSC")
        );
        assert_eq!(find_allowed("", &l), None);
    }
}
