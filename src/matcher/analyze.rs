//! Text analysis shared by indexing and querying, so both sides agree on
//! what a "term" is.
//!
//! 1. Split on Unicode word boundaries (UAX #29, unicode-segmentation).
//! 2. Glue an acronym to the number after it (`AES-256` -> `aes256`,
//!    `SOC 2` -> `soc2`, `TLS 1.2` -> `tls1.2`) so versions stay attached.
//! 3. Lower-case; stem with Snowball English, except acronyms and tokens
//!    with digits, which must match themselves (`AES` must not become `ae`),
//!    and words the vocabulary gives their own stem because Snowball would
//!    merge them with a word of another meaning (`accessibility` is not
//!    `access`, `production` is not `product`).
//! 4. Rewrite same-meaning phrases to one canonical term (`multi-factor
//!    authentication`, `2FA` -> `mfa`), matched on stems so plurals match.
//! 5. Drop stop words, and mark questionnaire boilerplate ("established,
//!    documented, approved") as generic so ranking can discount it.

use super::vocabulary::Vocabulary;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::{HashMap, HashSet};
use unicode_segmentation::UnicodeSegmentation;

/// One analyzed term.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// What the index stores and queries use.
    pub text: String,
    /// The words of the input it came from, as written (for explanations).
    pub raw: String,
    /// Boilerplate that says little about the topic.
    pub generic: bool,
}

/// Turns text into terms. Cheap to share; build once per matcher.
pub struct Analyzer {
    stemmer: Stemmer,
    vocabulary: Vocabulary,
    phrases: Phrases,
    stop: HashSet<&'static str>,
    generic: HashSet<String>,
}

impl Analyzer {
    pub fn new(vocabulary: Vocabulary) -> Analyzer {
        let stop = STOP_WORDS.iter().copied().collect();
        let mut analyzer = Analyzer {
            stemmer: Stemmer::create(Algorithm::English),
            vocabulary,
            phrases: Phrases::default(),
            stop,
            generic: HashSet::new(),
        };
        analyzer.generic = GENERIC.iter().map(|w| analyzer.word(w).stem).collect();
        let mut phrases = Phrases::default();
        for (canonical, variants) in &analyzer.vocabulary.normalize {
            for variant in std::iter::once(canonical).chain(variants) {
                let stems: Vec<String> = analyzer
                    .stems(variant)
                    .into_iter()
                    .map(|w| w.stem)
                    .collect();
                phrases.insert(stems, canonical);
            }
        }
        analyzer.phrases = phrases;
        analyzer
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Analyze `text` into terms, in order, duplicates kept.
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let words = self.stems(text);
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            if let Some((len, canonical)) = self.phrases.longest(&words[i..]) {
                let raw = phrase_text(&words[i..i + len]);
                out.push(Term {
                    text: canonical.to_string(),
                    raw,
                    generic: self.generic.contains(canonical),
                });
                i += len;
                continue;
            }
            let w = &words[i];
            i += 1;
            if self.stop.contains(w.lower.as_str()) || w.stem.is_empty() {
                continue;
            }
            let generic = self.generic.contains(&w.stem);
            out.push(Term {
                text: w.stem.clone(),
                raw: w.raw.clone(),
                generic,
            });
        }
        out
    }

    /// Just the term texts, for indexing.
    pub fn terms(&self, text: &str) -> Vec<String> {
        self.analyze(text).into_iter().map(|t| t.text).collect()
    }

    /// [`Analyzer::analyze`] plus a bigram term (`secur_program`) for each
    /// pair of adjacent terms. Bigrams capture compositional concepts
    /// ("security program", "access review", "least privilege") without a
    /// hand-written phrase for each. A bigram of two boilerplate words
    /// ("applied evaluated") is boilerplate too, else the CAIQ frame
    /// "established, documented, approved, communicated, applied, evaluated
    /// and maintained" would pull every entry with a framed variant.
    pub fn analyze_with_bigrams(&self, text: &str) -> Vec<Term> {
        let terms = self.analyze(text);
        let bigrams: Vec<Term> = terms
            .windows(2)
            .filter(|w| w[0].text != w[1].text)
            .map(|w| Term {
                text: bigram(&w[0].text, &w[1].text),
                raw: format!("{} {}", w[0].raw, w[1].raw),
                generic: w[0].generic && w[1].generic,
            })
            .collect();
        terms.into_iter().chain(bigrams).collect()
    }

    /// Split into words, glue acronym+number, lower-case and stem.
    pub fn stems(&self, text: &str) -> Vec<Word> {
        let mut words: Vec<Word> = Vec::new();
        let mut gap = String::new();
        for segment in text.split_word_bounds() {
            if !segment.chars().any(char::is_alphanumeric) {
                gap.push_str(segment);
                continue;
            }
            let segment = segment.trim_end_matches("'s").trim_end_matches("’s");
            if let Some(prev) = words.last_mut() {
                if glues(prev, &gap, segment) {
                    prev.raw.push_str(&gap);
                    prev.raw.push_str(segment);
                    prev.lower.push_str(&segment.to_lowercase());
                    prev.stem = prev.lower.clone();
                    gap.clear();
                    continue;
                }
            }
            let mut word = self.word(segment);
            word.gap = std::mem::take(&mut gap);
            words.push(word);
        }
        words
    }

    fn word(&self, raw: &str) -> Word {
        let lower = raw.to_lowercase();
        // The plural of an acronym ("IDs", "APIs", "VMs") is the acronym:
        // without this, "user IDs" would read as `ids`, intrusion detection.
        if let Some(singular) = plural_acronym(raw) {
            return Word {
                raw: raw.to_string(),
                gap: String::new(),
                stem: singular.to_lowercase(),
                lower,
            };
        }
        let keep = is_acronym(raw)
            || lower.chars().any(|c| c.is_ascii_digit())
            || self.vocabulary.is_acronym(&lower);
        let stem = if keep {
            lower.clone()
        } else if let Some(fixed) = self.vocabulary.fixed_stem(&lower) {
            fixed.to_string()
        } else {
            self.stemmer.stem(&lower).into_owned()
        };
        Word {
            raw: raw.to_string(),
            gap: String::new(),
            lower,
            stem,
        }
    }
}

/// The bigram term for two adjacent terms.
pub fn bigram(a: &str, b: &str) -> String {
    format!("{a}_{b}")
}

/// True for a bigram term built by [`bigram`].
pub fn is_bigram(term: &str) -> bool {
    term.contains('_')
}

/// Same-meaning phrases as stem sequences, indexed by their first stem.
#[derive(Default)]
struct Phrases {
    by_first: HashMap<String, Vec<(Vec<String>, String)>>,
}

impl Phrases {
    fn insert(&mut self, stems: Vec<String>, canonical: &str) {
        let Some(first) = stems.first().cloned() else {
            return;
        };
        let list = self.by_first.entry(first).or_default();
        list.push((stems, canonical.to_string()));
        list.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    }

    /// The longest phrase starting at `words[0]`: (words consumed, canonical term).
    fn longest(&self, words: &[Word]) -> Option<(usize, &str)> {
        let candidates = self.by_first.get(&words.first()?.stem)?;
        candidates
            .iter()
            .find(|(stems, _)| {
                stems.len() <= words.len() && stems.iter().zip(words).all(|(s, w)| *s == w.stem)
            })
            .map(|(stems, canonical)| (stems.len(), canonical.as_str()))
    }
}

/// The words as they were written, with the separators between them.
fn phrase_text(words: &[Word]) -> String {
    let mut out = String::new();
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            out.push_str(&w.gap);
        }
        out.push_str(&w.raw);
    }
    out
}

/// A word of the input before phrase rewriting.
#[derive(Clone, Debug)]
pub struct Word {
    pub raw: String,
    /// The separator text before this word (" ", "-", ", ").
    pub gap: String,
    pub lower: String,
    pub stem: String,
}

/// `AES` + `-` + `256`, `SOC` + ` ` + `2`, `TLS` + ` ` + `1.2`: an acronym (or
/// a short known prefix) followed by a number across one space or dash.
fn glues(prev: &Word, gap: &str, next: &str) -> bool {
    let number = next.chars().next().is_some_and(|c| c.is_ascii_digit())
        && next.chars().all(|c| c.is_ascii_digit() || c == '.');
    let short_gap = gap == " " || gap == "-" || gap == "/";
    let prefix = is_acronym(&prev.raw) || GLUE_PREFIXES.contains(&prev.lower.as_str());
    number && short_gap && prefix && !prev.lower.chars().any(|c| c.is_ascii_digit())
}

/// Two or more letters, all upper case (`MFA`, `SOC`, `AIRMF`), optionally with digits.
fn is_acronym(raw: &str) -> bool {
    let mut letters = raw.chars().filter(|c| c.is_alphabetic());
    raw.len() <= 10 && letters.clone().count() >= 2 && letters.all(char::is_uppercase)
}

/// `IDs` -> `ID`: an acronym followed by a lower-case plural `s`.
fn plural_acronym(raw: &str) -> Option<&str> {
    let singular = raw.strip_suffix('s')?;
    is_acronym(singular).then_some(singular)
}

/// Lower-case words that take a version number: `soc 2`, `iso 27001`.
const GLUE_PREFIXES: &[&str] = &[
    "soc", "iso", "tls", "ssl", "aes", "sha", "nist", "pci", "wcag", "rsa", "http", "ipv", "ssae",
    "ec", "s", "sp", "type", "level", "tier", "fips", "section", "article",
];

/// Function words that carry no topic.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "e.g",
    "eg",
    "etc",
    "for",
    "from",
    "had",
    "has",
    "have",
    "having",
    "how",
    "i.e",
    "ie",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "may",
    "me",
    "might",
    "must",
    "my",
    "of",
    "on",
    "or",
    "our",
    "ours",
    "shall",
    "should",
    "so",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "upon",
    "us",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "please",
    "any",
    "all",
    "each",
    "every",
    "also",
    "other",
    "including",
    "include",
    "includes",
    "e",
    "g",
    "i",
    "via",
    "per",
    "about",
    "within",
    "whether",
    "either",
    "both",
    "not",
    "no",
    "yes",
    "n",
    "y",
    "na",
    "n/a",
    "s",
    "'s",
];

/// Questionnaire boilerplate: words that appear in questions on every topic.
const GENERIC: &[&str] = &[
    "policy",
    "policies",
    "procedure",
    "procedures",
    "process",
    "processes",
    "established",
    "documented",
    "approved",
    "communicated",
    "applied",
    "evaluated",
    "maintained",
    "implemented",
    "defined",
    "ensure",
    "appropriate",
    "relevant",
    "organization",
    "organizational",
    "organisation",
    "company",
    "describe",
    "provide",
    "explain",
    "detail",
    "details",
    "practice",
    "practices",
    "place",
    "support",
    "manage",
    "management",
    "program",
    "programme",
    "regularly",
    "periodically",
    "review",
    "reviewed",
    "least",
    "annually",
    "annual",
    "year",
    "formal",
    "formally",
    "currently",
    "solution",
    "service",
    "services",
    "system",
    "systems",
    "vendor",
    "institution",
    "use",
    "used",
    "using",
    "require",
    "required",
    "requirement",
    "requirements",
    "accordance",
    "based",
    "guide",
    "planning",
    "capabilities",
    "mechanism",
    "mechanisms",
    "measures",
    "control",
    "controls",
    "plan",
    "plans",
    "specific",
    "applicable",
    "following",
    "information",
    "data",
    "product",
    "provider",
    "customer",
    "customers",
    "team",
    "ensuring",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::new(Vocabulary::builtin()).terms(text)
    }

    #[test]
    fn acronyms_with_numbers_stay_whole() {
        assert_eq!(terms("AES-256"), vec!["aes256"]);
        assert_eq!(terms("Is TLS 1.2 enforced?"), vec!["tls1.2", "enforc"]);
        assert!(terms("We have a SOC 2 Type II report").contains(&"soc2".to_string()));
        assert!(terms("ISO 27001 certified?").contains(&"iso27001".to_string()));
    }

    #[test]
    fn acronyms_are_not_stemmed() {
        assert_eq!(terms("AES"), vec!["aes"]);
        assert_eq!(terms("DNS"), vec!["dns"]);
        assert_eq!(terms("SaaS apis"), vec!["saas", "apis"]);
        assert_eq!(terms("MFA"), vec!["mfa"]);
    }

    #[test]
    fn variants_normalize_to_one_term() {
        for q in [
            "multi-factor authentication",
            "multifactor authentication",
            "2FA",
            "two-factor",
            "MFA",
        ] {
            assert_eq!(terms(q), vec!["mfa"], "{q}");
        }
        assert_eq!(terms("pen test"), terms("penetration testing"));
        assert_eq!(terms("sub-processors"), terms("subprocessor"));
        assert_eq!(terms("large language models"), vec!["llm"]);
        assert_eq!(terms("disaster recovery"), vec!["dr"]);
        assert_eq!(terms("personal data"), terms("PII"));
        assert_eq!(terms("off-site"), terms("offsite"));
        assert_eq!(terms("on-prem"), terms("on premises"));
        assert_eq!(terms("antivirus"), terms("anti-malware"));
        assert_eq!(terms("whitelisting"), terms("allow list"));
    }

    #[test]
    fn stop_words_drop_and_boilerplate_is_marked() {
        let a = Analyzer::new(Vocabulary::builtin());
        let t = a.analyze("Are policies established, documented and approved for encryption?");
        let generic: Vec<bool> = t.iter().map(|t| t.generic).collect();
        assert_eq!(t.last().unwrap().text, "encrypt");
        assert_eq!(generic, vec![true, true, true, true, false]);
    }

    #[test]
    fn a_bigram_is_boilerplate_only_when_both_words_are() {
        let a = Analyzer::new(Vocabulary::builtin());
        let t = a.analyze_with_bigrams("applied, evaluated encryption");
        let generic = |text: &str| t.iter().find(|t| t.text == text).unwrap().generic;
        assert!(generic(&bigram("appli", "evalu")));
        assert!(!generic(&bigram("evalu", "encrypt")));
    }

    #[test]
    fn words_of_another_meaning_keep_their_own_stem() {
        for (a, b) in [
            ("accessibility", "access"),
            ("production", "product"),
            ("customizations", "customers"),
            ("government", "governance"),
            ("integrity", "integration"),
            ("continuity", "continuous"),
            ("transition", "transit"),
            ("applicable", "application"),
        ] {
            assert_ne!(terms(a), terms(b), "{a} vs {b}");
        }
        // Plurals still meet, and phrases that contain such a word still
        // normalize ("business continuity" is BCP).
        assert_eq!(terms("authorities"), terms("authority"));
        assert_eq!(terms("customization"), terms("customized"));
        assert_eq!(terms("business continuity"), vec!["bcp"]);
    }

    #[test]
    fn plural_acronyms_are_the_acronym() {
        assert_eq!(terms("user IDs"), terms("user ID"));
        assert_ne!(terms("IDs"), terms("IDS"));
        assert_eq!(terms("APIs"), terms("API"));
    }
}
