//! Which framework criteria and topics the library covers.

use super::Library;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Serialize)]
pub struct FrameworkCoverage {
    pub key: String,
    pub name: String,
    pub total: usize,
    pub covered: usize,
    /// Criterion ids no entry references, in list order.
    pub missing: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Coverage {
    pub entries: usize,
    pub frameworks: Vec<FrameworkCoverage>,
    pub topics_total: usize,
    pub topics_covered: usize,
    /// Topic ids with no entry.
    pub topics_missing: Vec<String>,
}

impl Coverage {
    pub fn of(library: &Library) -> Coverage {
        let referenced: HashSet<&str> = library
            .entries
            .iter()
            .flat_map(|e| e.frameworks.iter().map(String::as_str))
            .collect();
        let frameworks = library
            .frameworks
            .iter()
            .map(|f| {
                let missing: Vec<String> = f
                    .criteria
                    .iter()
                    .filter(|c| !referenced.contains(format!("{}:{}", f.key, c.id).as_str()))
                    .map(|c| c.id.clone())
                    .collect();
                FrameworkCoverage {
                    key: f.key.clone(),
                    name: f.name.clone(),
                    total: f.criteria.len(),
                    covered: f.criteria.len() - missing.len(),
                    missing,
                }
            })
            .collect();
        let used: HashSet<&str> = library.entries.iter().map(|e| e.topic.as_str()).collect();
        let topics_missing: Vec<String> = library
            .topics
            .iter()
            .filter(|t| !used.contains(t.id.as_str()))
            .map(|t| t.id.clone())
            .collect();
        Coverage {
            entries: library.entries.len(),
            frameworks,
            topics_total: library.topics.len(),
            topics_covered: library.topics.len() - topics_missing.len(),
            topics_missing,
        }
    }
}
