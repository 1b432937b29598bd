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
    reader.config_mut().trim_text(true);
    let mut out = Vec::new();
    let (mut name, mut value): (Option<String>, Option<String>) = (None, None);
    let mut field: Option<&'static str> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| Error::invalid(format!("{origin}: not valid Hadoop configuration XML at byte {}: {e}", reader.buffer_position())))?;
        match event {
            Event::Start(tag) => match tag.name().as_ref() {
                b"property" => (name, value) = (None, None),
                b"name" => field = Some("name"),
                b"value" => field = Some("value"),
                _ => field = None,
            },
            Event::Text(t) => {
                let text = t
                    .decode()
                    .map_err(|e| Error::invalid(format!("{origin}: bad text in XML: {e}")))?
                    .into_owned();
                let text = quick_xml::escape::unescape(&text)
                    .map_err(|e| Error::invalid(format!("{origin}: bad escape in XML: {e}")))?
                    .into_owned();
                match field {
                    Some("name") => name = Some(text),
                    Some("value") => value = Some(text),
                    _ => {}
                }
            }
            Event::End(tag) => {
                if tag.name().as_ref() == b"property" {
                    if let Some(n) = name.take() {
                        out.push((n.trim().to_string(), value.take().unwrap_or_default().trim().to_string()));
                    }
                }
                field = None;
            }
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
