//! Parse and validate a library. Every problem is collected (not just the
//! first) with the file, line, entry id and a hint, so `vouch library check`
//! can report them all at once.

use super::lint::{Problem, Severity};
use super::profile::Profile;
use super::source::{LibrarySource, SourceFile};
use super::{Answer, Date, Entry, Origin};
use anyhow::Result;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use toml::Spanned;

/// A topic of the taxonomy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub scope: String,
}

/// One criterion of a framework (`CC6.1`, `GOVERN 1.1`, `A.6.2.4`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// The category or series it belongs to, for grouping in reports.
    #[serde(default)]
    pub group: String,
}

/// A criteria list; entries reference its criteria as `KEY:ID`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Reference prefix used by entries: `SOC2`, `NIST-AI-RMF`, `ISO42001`.
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub source: String,
    #[serde(rename = "criterion")]
    pub criteria: Vec<Criterion>,
}

/// Library-wide settings (`library.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// An entry is stale this many days after its `reviewed` date.
    pub review_every_days: i64,
    /// Narratives longer than this are flagged: buyers' cells and patience are finite.
    pub max_text_chars: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            review_every_days: 365,
            max_text_chars: 1200,
        }
    }
}

/// A loaded library. Only [`load`] builds one.
#[derive(Clone, Debug)]
pub struct Library {
    pub entries: Vec<Entry>,
    pub topics: Vec<Topic>,
    pub frameworks: Vec<Framework>,
    pub profile: Profile,
    pub settings: Settings,
    /// Text of the library's `synonyms.toml`, if any, for the matcher.
    pub synonyms: Option<SourceFile>,
    /// Kinds of questions a security library should not answer (company
    /// profile, pricing, ...): the matcher abstains when one fits best.
    pub out_of_scope: Vec<OutOfScope>,
    /// SHA-256 over every file's path and text: the library's identity in review files.
    pub hash: String,
    /// Human label of where it came from.
    pub label: String,
}

impl Library {
    /// Load and fail on any error-level problem (what every command but
    /// `library check` wants).
    pub fn open(source: &LibrarySource) -> Result<Library> {
        let (library, problems) = load(source)?;
        let errors: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        match errors.first() {
            None => Ok(library),
            Some(first) => Err(crate::error::hint(
                format!(
                    "the answer library has {} error(s); first: {}",
                    errors.len(),
                    first.headline()
                ),
                "run `vouch library check` to list them all",
            )),
        }
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The entry's narrative with placeholders filled from the profile.
    pub fn render(&self, entry: &Entry) -> String {
        self.profile.render(&entry.text)
    }

    /// True when the entry is past its review date.
    pub fn is_stale(&self, entry: &Entry, today: Date) -> bool {
        today.to_days() - entry.reviewed.to_days() > self.settings.review_every_days
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    #[serde(default)]
    entry: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    topic: String,
    questions: Vec<String>,
    answer: String,
    text: String,
    #[serde(default)]
    frameworks: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    owner: String,
    reviewed: toml::Value,
    #[serde(default)]
    evidence: Vec<String>,
}

/// A kind of question outside the library (`out-of-scope.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutOfScope {
    pub id: String,
    /// Shown to the reviewer: why vouch offers no answer.
    pub reason: String,
    pub questions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutOfScopeFile {
    scope: Vec<OutOfScope>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicFile {
    topic: Vec<Topic>,
}

/// Load a library and return it with every problem found. Errors here are
/// only I/O failures; content problems are in the list.
pub fn load(source: &LibrarySource) -> Result<(Library, Vec<Problem>)> {
    let files = source.files()?;
    let mut problems = Vec::new();
    let mut library = Library {
        entries: Vec::new(),
        topics: Vec::new(),
        frameworks: Vec::new(),
        profile: Profile::default(),
        settings: Settings::default(),
        synonyms: None,
        out_of_scope: Vec::new(),
        hash: library_hash(&files),
        label: source.label(),
    };
    let mut raw_entries = Vec::new();
    for file in &files {
        match file.rel.as_str() {
            "topics.toml" => {
                if let Some(t) = parse::<TopicFile>(file, &mut problems) {
                    library.topics = t.topic;
                }
            }
            "library.toml" => {
                if let Some(s) = parse::<Settings>(file, &mut problems) {
                    library.settings = s;
                }
            }
            "profile.toml" => {
                if let Some(values) = parse::<BTreeMap<String, String>>(file, &mut problems) {
                    library.profile = Profile { values };
                }
            }
            "synonyms.toml" => library.synonyms = Some(file.clone()),
            "out-of-scope.toml" => {
                if let Some(f) = parse::<OutOfScopeFile>(file, &mut problems) {
                    library.out_of_scope = f.scope;
                }
            }
            rel if rel.starts_with("frameworks/") => {
                if let Some(f) = parse::<Framework>(file, &mut problems) {
                    library.frameworks.push(f);
                }
            }
            rel if rel.starts_with("entries/") => {
                if let Some(parsed) = parse::<EntryFile>(file, &mut problems) {
                    let mut lines = LineCounter::new(&file.text);
                    raw_entries.extend(parsed.entry.into_iter().map(|e| {
                        let line = lines.line_at(e.span().start);
                        (file, line, e)
                    }));
                }
            }
            _ => problems.push(Problem::file_error(
                file,
                1,
                "unexpected file in the library".to_string(),
                "entries go in entries/*.toml; the other files are topics.toml, profile.toml, library.toml, synonyms.toml and frameworks/*.toml",
            )),
        }
    }
    let checker = Checker::new(&library);
    let mut seen: HashMap<String, Origin> = HashMap::new();
    let mut entries = Vec::new();
    for (file, line, spanned) in raw_entries {
        let origin = Origin {
            file: file.display.clone(),
            line,
        };
        if let Some(entry) = checker.check(spanned.into_inner(), origin, &mut problems) {
            if let Some(first) = seen.get(&entry.id) {
                problems.push(Problem::entry_error(
                    &entry,
                    format!("duplicate id `{}` (first defined at {first})", entry.id),
                    "ids must be unique across all entry files: rename one of them",
                ));
                continue;
            }
            seen.insert(entry.id.clone(), entry.origin.clone());
            entries.push(entry);
        }
    }
    library.entries = entries;
    Ok((library, problems))
}

fn parse<T: serde::de::DeserializeOwned>(
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match toml::from_str::<T>(&file.text) {
        Ok(v) => Some(v),
        Err(e) => {
            let line = e.span().map(|s| line_of(&file.text, s.start)).unwrap_or(1);
            let message = e.message().trim().to_string();
            let hint = if message.contains("unknown field") {
                "remove the field or fix its spelling; the allowed fields are listed above"
            } else {
                "fix the TOML syntax at this line"
            };
            problems.push(Problem::file_error(file, line, message, hint));
            None
        }
    }
}

/// 1-based line numbers of offsets in one file. Entries come in file order,
/// so counting on from the last offset counts each newline once (counting
/// from the start for each entry made loading quadratic in file size).
struct LineCounter<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            *self = LineCounter::new(self.text);
        }
        self.line += self.text.as_bytes()[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = offset;
        self.line
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    LineCounter::new(text).line_at(offset)
}

fn library_hash(files: &[SourceFile]) -> String {
    let mut all = Vec::new();
    for f in files {
        all.extend_from_slice(f.rel.as_bytes());
        all.push(0);
        all.extend_from_slice(f.text.as_bytes());
        all.push(0);
    }
    crate::fsutil::sha256_hex(&all)
}

/// Validates raw entries against the topics, frameworks and profile.
struct Checker<'a> {
    library: &'a Library,
    topics: HashSet<&'a str>,
    criteria: HashMap<&'a str, HashSet<&'a str>>,
}

impl<'a> Checker<'a> {
    fn new(library: &'a Library) -> Self {
        let topics = library.topics.iter().map(|t| t.id.as_str()).collect();
        let criteria = library
            .frameworks
            .iter()
            .map(|f| {
                (
                    f.key.as_str(),
                    f.criteria.iter().map(|c| c.id.as_str()).collect(),
                )
            })
            .collect();
        Checker {
            library,
            topics,
            criteria,
        }
    }

    fn check(&self, raw: RawEntry, origin: Origin, problems: &mut Vec<Problem>) -> Option<Entry> {
        let before = problems.len();
        let mut err = |message: String, hint: &str| {
            problems.push(Problem {
                severity: Severity::Error,
                file: origin.file.clone(),
                line: origin.line,
                entry: Some(raw.id.clone()),
                message,
                hint: hint.to_string(),
            })
        };
        if raw.id.is_empty()
            || !raw
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            err(
                format!("id `{}` is not a slug", raw.id),
                "use lower-case letters, digits and dashes, e.g. `mfa-workforce`",
            );
        }
        if !self.topics.contains(raw.topic.as_str()) {
            err(
                format!("unknown topic `{}`", raw.topic),
                &format!(
                    "use a topic id from topics.toml{}, or add the topic there",
                    self.closest_topic(&raw.topic)
                ),
            );
        }
        let questions: Vec<String> = raw
            .questions
            .iter()
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty())
            .collect();
        if questions.is_empty() {
            err(
                "empty question list".into(),
                "add the ways buyers ask this question to `questions = [...]`",
            );
        }
        let answer = Answer::parse(raw.answer.trim());
        if answer.is_none() {
            err(format!("answer `{}` is not one of Yes, No, Partial, N/A", raw.answer), "the canonical answer is exactly `Yes`, `No`, `Partial` or `N/A`; nuance goes in `text`");
        }
        if raw.text.trim().is_empty() {
            err(
                "empty text".into(),
                "write the narrative answer a buyer will read",
            );
        }
        for name in self.library.profile.missing(&raw.text) {
            err(
                format!("unresolved placeholder `{{{{{name}}}}}` in text"),
                "define it in profile.toml or fix its spelling",
            );
        }
        for reference in &raw.frameworks {
            if let Some(problem) = self.check_reference(reference) {
                err(problem.0, &problem.1);
            }
        }
        let reviewed = parse_date(&raw.reviewed);
        if reviewed.is_none() {
            err(
                format!("bad date `reviewed = {}`", raw.reviewed),
                "write the date of the last review as YYYY-MM-DD, e.g. `reviewed = 2026-10-01`",
            );
        }
        if raw.owner.trim().is_empty() {
            err(
                "empty owner".into(),
                "name the team or person who keeps this answer true, e.g. `owner = \"security\"`",
            );
        }
        if problems.len() > before {
            return None;
        }
        Some(Entry {
            id: raw.id,
            topic: raw.topic,
            questions,
            answer: answer?,
            text: raw.text.trim().to_string(),
            frameworks: raw.frameworks,
            keywords: raw.keywords,
            owner: raw.owner,
            reviewed: reviewed?,
            evidence: raw.evidence,
            origin,
        })
    }

    /// `Some((message, hint))` when a `KEY:ID` reference does not resolve.
    fn check_reference(&self, reference: &str) -> Option<(String, String)> {
        let keys = || self.criteria.keys().copied().collect::<Vec<_>>().join(", ");
        let Some((key, id)) = reference.split_once(':') else {
            return Some((
                format!("framework reference `{reference}` has no framework prefix"),
                format!("write it as KEY:ID with KEY one of {}", keys()),
            ));
        };
        let Some(ids) = self.criteria.get(key) else {
            return Some((
                format!("unknown framework `{key}` in `{reference}`"),
                format!("known frameworks: {}", keys()),
            ));
        };
        if ids.contains(id) {
            return None;
        }
        let mut near: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|c| c.starts_with(id.split('.').next().unwrap_or(id)))
            .collect();
        near.sort();
        near.truncate(6);
        Some((
            format!("unknown criterion `{id}` in framework {key}"),
            if near.is_empty() {
                format!("see frameworks/ for the {key} criteria ids")
            } else {
                format!("did you mean one of: {}?", near.join(", "))
            },
        ))
    }

    fn closest_topic(&self, topic: &str) -> String {
        let prefix = topic.split('.').next().unwrap_or("");
        let mut near: Vec<&str> = self
            .topics
            .iter()
            .copied()
            .filter(|t| t.starts_with(&format!("{prefix}.")))
            .collect();
        near.sort();
        near.truncate(5);
        if near.is_empty() {
            String::new()
        } else {
            format!(" (same domain: {})", near.join(", "))
        }
    }
}

fn parse_date(value: &toml::Value) -> Option<Date> {
    match value {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date?;
            Date::new(i32::from(d.year), d.month, d.day)
        }
        _ => None,
    }
}
