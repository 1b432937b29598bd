//! The CLI's configuration, taken the way `hadoop fs` takes it: `-D key=value` options and Hadoop XML
//! files (`--conf core-site.xml`; `$HADOOP_CONF_DIR/core-site.xml` when no file is named). Later sources
//! override earlier ones; `-D` always wins.

use commitfs_core::{Config, Error, Result};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::path::Path;

/// Parses Hadoop's `<configuration><property><name/><value/></property>...` format.
pub fn parse_hadoop_xml(text: &str, origin: &str) -> Result<Vec<(String, String)>> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let (mut name, mut value): (Option<String>, Option<String>) = (None, None);
    // The field being read and its text so far: quick-xml reports `&amp;` etc. as separate events.
    let mut field: Option<(&'static str, String)> = None;
    let bad = |what: &str, e: &dyn std::fmt::Display| Error::invalid(format!("{origin}: {what}: {e}"));
    loop {
        let event = reader.read_event().map_err(|e| bad(&format!("not valid Hadoop configuration XML at byte {}", reader.buffer_position()), &e))?;
        match event {
            Event::Start(tag) => match tag.name().as_ref() {
                b"property" => (name, value) = (None, None),
                b"name" => field = Some(("name", String::new())),
                b"value" => field = Some(("value", String::new())),
                _ => field = None,
            },
            Event::Text(t) => {
                if let Some((_, buf)) = field.as_mut() {
                    buf.push_str(&t.decode().map_err(|e| bad("bad text", &e))?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, buf)) = field.as_mut() {
                    let entity = format!("&{};", r.decode().map_err(|e| bad("bad entity", &e))?);
                    buf.push_str(&quick_xml::escape::unescape(&entity).map_err(|e| bad("bad entity", &e))?);
                }
            }
            Event::End(tag) => match (tag.name().as_ref(), field.take()) {
                (b"property", _) => {
                    if let Some(n) = name.take() {
                        out.push((n.trim().to_string(), value.take().unwrap_or_default().trim().to_string()));
                    }
                }
                (_, Some(("name", text))) => name = Some(text),
                (_, Some(("value", text))) => value = Some(text),
                _ => {}
            },
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

pub fn load_xml_file(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::invalid(format!("cannot read configuration file {}: {e}", path.display()))
    })?;
    parse_hadoop_xml(&text, &path.display().to_string())
}

/// Builds the configuration from the XML files and `-D` pairs in command-line order.
pub fn build(xml_files: &[String], defines: &[(String, String)]) -> Result<Config> {
    let mut conf = Config::new();
    let mut files: Vec<std::path::PathBuf> = xml_files.iter().map(Into::into).collect();
    if files.is_empty() {
        if let Some(dir) = std::env::var_os("HADOOP_CONF_DIR") {
            let site = Path::new(&dir).join("core-site.xml");
            if site.is_file() {
                files.push(site);
            }
        }
    }
    for f in &files {
        for (k, v) in load_xml_file(f)? {
            conf.set(k, v);
        }
    }
    for (k, v) in defines {
        conf.set(k.clone(), v.clone());
    }
    Ok(conf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hadoop_site_xml() {
        let xml = r#"<?xml version="1.0"?>
<configuration>
  <property><name>fs.s3a.endpoint</name><value> http://127.0.0.1:9000 </value></property>
  <property>
    <name>fs.s3c.path.style.access</name>
    <value>true</value>
    <description>ignored</description>
  </property>
  <property><name>amp</name><value>a&amp;b</value></property>
</configuration>"#;
        let pairs = parse_hadoop_xml(xml, "t").unwrap();
        assert_eq!(pairs[0], ("fs.s3a.endpoint".into(), "http://127.0.0.1:9000".into()));
        assert_eq!(pairs[1], ("fs.s3c.path.style.access".into(), "true".into()));
        assert_eq!(pairs[2], ("amp".into(), "a&b".into()));
        assert!(parse_hadoop_xml("<configuration><property>", "t").is_ok_and(|p| p.is_empty()));
        assert!(parse_hadoop_xml("<a></b>", "t").is_err());
    }
}
