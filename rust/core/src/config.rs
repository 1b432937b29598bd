//! Hadoop-style configuration: a flat map of `key=value`, looked up the way S3A looks up its options
//! (per-bucket override first), with every `fs.s3c.*` key falling back to the matching `fs.s3a.*` key so
//! existing Spark configurations keep working.

use crate::error::{Error, Result};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Config {
    map: BTreeMap<String, String>,
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

    /// An option of an S3-like scheme for one bucket: `fs.<scheme>.bucket.<b>.<opt>`, `fs.<scheme>.<opt>`,
    /// `fs.s3a.bucket.<b>.<opt>`, `fs.s3a.<opt>`, first found wins.
    pub fn bucket_option(&self, scheme: &str, bucket: &str, opt: &str) -> Option<&str> {
        let mut keys = vec![format!("fs.{scheme}.bucket.{bucket}.{opt}"), format!("fs.{scheme}.{opt}")];
        if scheme != "s3a" {
            keys.push(format!("fs.s3a.bucket.{bucket}.{opt}"));
            keys.push(format!("fs.s3a.{opt}"));
        }
        keys.iter().find_map(|k| self.get(k))
    }

    pub fn parse_bool(key: &str, value: Option<&str>, default: bool) -> Result<bool> {
        match value.map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if v == "true" => Ok(true),
            Some(v) if v == "false" => Ok(false),
            Some(v) => Err(Error::invalid(format!("{key}={v}: expected true or false"))),
        }
    }

    /// Sizes as Hadoop writes them: `4096`, `64K`, `8M`, `1G` (binary multiples).
    pub fn parse_size(key: &str, value: Option<&str>, default: u64) -> Result<u64> {
        let Some(v) = value else { return Ok(default) };
        let v = v.trim();
        let (num, mult) = match v.chars().last().map(|c| c.to_ascii_uppercase()) {
            Some('K') => (&v[..v.len() - 1], 1u64 << 10),
            Some('M') => (&v[..v.len() - 1], 1 << 20),
            Some('G') => (&v[..v.len() - 1], 1 << 30),
            Some('T') => (&v[..v.len() - 1], 1 << 40),
            _ => (v, 1),
        };
        num.trim()
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(mult))
            .ok_or_else(|| Error::invalid(format!("{key}={v}: expected a size such as 4096, 64K, 8M or 1G")))
    }

    /// Durations as Hadoop writes them: `500ms`, `30s`, `5m`, `1h`, or a bare number of `bare_unit_ms`.
    pub fn parse_duration_ms(key: &str, value: Option<&str>, default_ms: u64, bare_unit_ms: u64) -> Result<u64> {
        let Some(v) = value else { return Ok(default_ms) };
        let v = v.trim().to_ascii_lowercase();
        let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
        let (num, unit) = v.split_at(split);
        let mult = match unit.trim() {
            "" => bare_unit_ms,
            "ms" => 1,
            "s" => 1000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => 0,
        };
        num.parse::<u64>()
            .ok()
            .filter(|_| mult > 0)
            .and_then(|n| n.checked_mul(mult))
            .ok_or_else(|| Error::invalid(format!("{key}={v}: expected a duration such as 500ms, 30s or 5m")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3c_keys_win_and_fall_back_to_s3a_per_bucket_first() {
        let c = Config::from_pairs([
            ("fs.s3a.endpoint", "http://a"),
            ("fs.s3a.bucket.b1.endpoint", "http://b1-s3a"),
            ("fs.s3c.access.key", "AK"),
        ]);
        assert_eq!(c.bucket_option("s3c", "b1", "endpoint"), Some("http://b1-s3a"));
        assert_eq!(c.bucket_option("s3c", "b2", "endpoint"), Some("http://a"));
        assert_eq!(c.bucket_option("s3c", "b2", "access.key"), Some("AK"));
        let mut c2 = c.clone();
        c2.set("fs.s3c.endpoint", "http://c");
        assert_eq!(c2.bucket_option("s3c", "b2", "endpoint"), Some("http://c"));
        assert_eq!(c2.bucket_option("s3c", "b1", "endpoint"), Some("http://c"));
    }

    #[test]
    fn sizes_and_durations_parse_like_hadoop() {
        assert_eq!(Config::parse_size("k", Some("64K"), 0).unwrap(), 65536);
        assert_eq!(Config::parse_size("k", Some("8m"), 0).unwrap(), 8 << 20);
        assert!(Config::parse_size("k", Some("lots"), 0).is_err());
        assert_eq!(Config::parse_duration_ms("k", Some("30s"), 0, 1).unwrap(), 30_000);
        assert_eq!(Config::parse_duration_ms("k", Some("200"), 0, 1000).unwrap(), 200_000);
        assert!(Config::parse_bool("k", Some("yes"), true).is_err());
    }
}
