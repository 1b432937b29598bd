//! README.md's configuration table and the settings table (`settings::KEYS`) list the same keys, aliases
//! and defaults: a key added to one and not the other, or a default changed in one place only, fails.

use commitfs_core::settings::{Default, KEYS};

/// (key, alias, default) as a README row writes them.
type Row = (String, Option<String>, String);

fn readme_rows() -> Vec<Row> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README.md");
    let section = readme.split("\n## Configuration\n").nth(1).expect("a '## Configuration' section");
    let section = section.split("\n## ").next().unwrap_or(section);
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
