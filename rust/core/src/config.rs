//! Hadoop-style configuration: a flat map of `key=value`. What each key means, how it is looked up
//! (per-bucket first, `fs.s3c.*` falling back to `fs.s3a.*`) and parsed lives in `settings`.

use std::collections::BTreeMap;

#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Config {
    map: BTreeMap<String, String>,
}

/// Keys whose values `Debug` never prints.
const SECRET_MARKERS: [&str; 5] = ["secret", "token", "password", ".access.key", "encryption.key"];

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = self.map.iter().map(|(k, v)| {
            let secret = SECRET_MARKERS.iter().any(|m| k.to_ascii_lowercase().contains(m));
            (k, if secret { "<hidden>" } else { v.as_str() })
        });
        f.debug_map().entries(shown).finish()
    }
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Config { map: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.map.insert(key.into(), value.into());
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.map.iter()
    }
    /// Only the keys that configure `scheme` (plus the shared `fs.s3a.*` and `fs.commitfs.*` keys): what
    /// decides whether two stores can be shared.
    pub fn relevant_to(&self, scheme: &str) -> Config {
        let own = format!("fs.{scheme}.");
        Config {
            map: self
                .map
                .iter()
                .filter(|(k, _)| k.starts_with(&own) || k.starts_with("fs.s3a.") || k.starts_with("fs.commitfs."))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let c = Config::from_pairs([("fs.s3c.secret.key", "S3CR3T"), ("fs.s3a.session.token", "T0K3N"), ("fs.s3c.endpoint", "http://e")]);
        let shown = format!("{c:?}");
        assert!(!shown.contains("S3CR3T") && !shown.contains("T0K3N") && shown.contains("http://e"), "{shown}");
    }
}
