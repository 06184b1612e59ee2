//! Company facts (`profile.toml`) and `{{placeholder}}` rendering.

use std::collections::BTreeMap;

/// Flat key/value company facts: `company = "Acme AI"`.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub values: BTreeMap<String, String>,
}

impl Profile {
    /// Fill every `{{key}}` in `text`. Unknown keys are left as they are; use
    /// [`Profile::missing`] to find them (the loader rejects such entries).
    pub fn render(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 32);
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find("}}") {
                Some(end) => {
                    let key = after[..end].trim();
                    match self.values.get(key) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(&rest[start..start + 2 + end + 2]),
                    }
                    rest = &after[end + 2..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Placeholder names in `text` that the profile does not define.
    pub fn missing(&self, text: &str) -> Vec<String> {
        placeholders(text)
            .into_iter()
            .filter(|k| !self.values.contains_key(k))
            .collect()
    }
}

/// Every `{{name}}` in `text`, trimmed, in order of appearance.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_known_and_keeps_unknown() {
        let mut p = Profile::default();
        p.values.insert("company".into(), "Acme".into());
        assert_eq!(
            p.render("{{company}} uses {{ company }}; {{cloud}}"),
            "Acme uses Acme; {{cloud}}"
        );
        assert_eq!(
            p.missing("{{company}} {{cloud}}"),
            vec!["cloud".to_string()]
        );
        assert_eq!(p.render("unterminated {{x"), "unterminated {{x");
    }
}
