//! README.md's configuration table and the settings table (`settings::KEYS`) list the same keys, aliases
//! and defaults: a key added to one and not the other, or a default changed in one place only, fails.

use commitfs_core::settings::{s3a_key_status, Default, KeyStatus, IGNORED, KEYS};

/// (key, alias, default) as a README row writes them.
type Row = (String, Option<String>, String);

fn readme_rows() -> Vec<Row> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README.md");
    let section = readme.split("\n## Configuration\n").nth(1).expect("a '## Configuration' section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let section = section.split("\n### S3A keys\n").next().unwrap_or(section);
    let mut rows = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `") || l.starts_with("| COMMITFS")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        assert!(cells.len() >= 4, "a row of key | default | meaning: {line}");
        let ticked: Vec<&str> = cells[1].split('`').skip(1).step_by(2).collect();
        let key = ticked.first().unwrap_or_else(|| panic!("no `key` in {line}")).to_string();
        rows.push((key, ticked.get(1).map(|a| a.to_string()), cells[2].to_string()));
    }
    rows
}

fn table_rows() -> Vec<Row> {
    KEYS.iter()
        .map(|k| {
            let default = match k.default {
                Default::Value(v) => format!("`{v}`"),
                Default::Unset(text) => text.to_string(),
            };
            (k.documented(false).unwrap_or_default(), k.documented(true), default)
        })
        .collect()
}

#[test]
fn readme_configuration_table_matches_the_settings_table() {
    let (readme, table) = (readme_rows(), table_rows());
    let missing: Vec<_> = table.iter().filter(|r| !readme.contains(r)).collect();
    let extra: Vec<_> = readme.iter().filter(|r| !table.contains(r)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "README lacks (or differs on) {missing:#?}\nREADME has, the table not: {extra:#?}");
    assert_eq!(readme.len(), table.len(), "a key listed twice");
    assert!(table.len() >= 30, "{} keys", table.len());
}

/// README's "S3A keys" table and `settings::IGNORED` list the same ignored keys with the same reasons, and
/// every key its "supported" rows name is read through the settings table.
#[test]
fn readme_s3a_table_matches_the_ignored_keys() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README.md");
    let table = readme.split("\n### S3A keys\n").nth(1).expect("a '### S3A keys' section");
    let table = table.split("\n## ").next().unwrap_or(table);
    let ignored_rows: Vec<&str> = table.lines().filter(|l| l.contains("| ignored, WARN: ")).collect();
    for (key, why) in IGNORED {
        let row = format!("| `fs.s3a.{key}` | ignored, WARN: {why} |");
        assert!(ignored_rows.contains(&row.as_str()), "README lacks {row}");
    }
    assert_eq!(ignored_rows.len(), IGNORED.len(), "README lists an ignored key the code does not");
    for line in table.lines().filter(|l| l.starts_with("| `fs.s3a.") && !l.contains("| ignored, WARN: ")) {
        let first = line.split('|').nth(1).unwrap_or("");
        for (i, name) in first.split('`').skip(1).step_by(2).enumerate() {
            let suffix = if i == 0 { name.strip_prefix("fs.s3a.").unwrap_or(name) } else { name };
            assert_eq!(s3a_key_status(suffix), Some(KeyStatus::Supported), "README says fs.s3a.{suffix} is read: {line}");
        }
    }
}
