use super::*;
use std::time::Duration;

fn lookup<'a>(c: &'a Config, bucket: &'a str, key: &Key) -> Option<String> {
    Settings::new(c, "s3c", bucket).raw(key).map(|(_, v)| v)
}

#[test]
fn s3c_keys_win_and_fall_back_to_s3a_per_bucket_first() {
    let c = Config::from_pairs([
        ("fs.s3a.endpoint", "http://a"),
        ("fs.s3a.bucket.b1.endpoint", "http://b1-s3a"),
        ("fs.s3c.access.key", "AK"),
    ]);
    assert_eq!(lookup(&c, "b1", &ENDPOINT).as_deref(), Some("http://b1-s3a"));
    assert_eq!(lookup(&c, "b2", &ENDPOINT).as_deref(), Some("http://a"));
    assert_eq!(lookup(&c, "b2", &ACCESS_KEY).as_deref(), Some("AK"));
    let mut c2 = c.clone();
    c2.set("fs.s3c.endpoint", "http://c");
    assert_eq!(lookup(&c2, "b2", &ENDPOINT).as_deref(), Some("http://c"));
    assert_eq!(lookup(&c2, "b1", &ENDPOINT).as_deref(), Some("http://c"));
}

#[test]
fn an_alias_is_read_only_when_no_level_sets_the_name() {
    let c = Config::from_pairs([("fs.s3a.region", "eu-west-1"), ("fs.s3a.attempts.maximum", "2")]);
    assert_eq!(lookup(&c, "b", &REGION).as_deref(), Some("eu-west-1"));
    let mut c2 = c.clone();
    c2.set("fs.s3a.endpoint.region", "eu-north-1");
    assert_eq!(lookup(&c2, "b", &REGION).as_deref(), Some("eu-north-1"));
    assert_eq!(Settings::new(&c, "s3c", "b").number(&RETRY_LIMIT).unwrap(), 2);
}

#[test]
fn sizes_and_durations_parse_like_hadoop() {
    assert_eq!(parse_size("64K"), Some(65536));
    assert_eq!(parse_size("8m"), Some(8 << 20));
    assert_eq!(parse_size("lots"), None);
    assert_eq!(parse_duration_ms("30s", 1), Some(30_000));
    assert_eq!(parse_duration_ms("200", 1000), Some(200_000));
    assert_eq!(parse_bool("yes"), None);
    assert_eq!(parse_bool("TRUE"), Some(true));
}

#[test]
fn every_default_parses_and_every_key_is_read_as_its_kind() {
    let c = Config::new();
    let s = Settings::new(&c, "s3c", "b");
    for key in KEYS {
        let read = match key.kind {
            Kind::Bool => s.flag_opt(key).map(|b| assert_eq!(b.is_some(), matches!(key.default, Default::Value(_)))),
            Kind::Size | Kind::Duration { .. } | Kind::Count { .. } => s.number_opt(key).map(|n| assert_eq!(n.is_some(), matches!(key.default, Default::Value(_)))),
            Kind::Choice(words) => s.word(key).map(|w| assert!(w.is_none_or(|w| words.contains(&w.as_str())))),
            Kind::Text | Kind::Secret => s.word(key).map(drop),
        };
        read.unwrap_or_else(|e| panic!("{}: {e}", key.name));
        let names: Vec<_> = KEYS.iter().filter(|k| k.name == key.name).collect();
        assert_eq!(names.len(), 1, "{} listed twice", key.name);
    }
}

#[test]
fn every_bad_value_names_the_key_read_the_value_and_what_is_expected() {
    let cases = [
        ("fs.s3a.bucket.b.copy.concurrency", "many", "a whole number"),
        ("fs.s3c.multipart.size", "lots", "a size"),
        ("fs.s3c.retry.interval", "soon", "a duration"),
        ("fs.s3c.path.style.access", "yes", "true or false"),
        ("fs.s3c.copy-if-not-exists", "sometimes", "header, multipart or unsafe"),
        ("fs.s3a.list.verify-directories", "maybe", "auto, true or false"),
        ("fs.s3c.retry.limit", "many", "a whole number"),
    ];
    for (k, v, expected) in cases {
        let c = Config::from_pairs([(k, v)]);
        let e = ObjectSettings::read("s3c", "b", &c).unwrap_err().to_string();
        assert!(e.contains(&format!("{k}={v}")) && e.contains(expected), "{k}: {e}");
    }
    let c = Config::from_pairs([("fs.s3c.session.token", "x"), ("fs.s3c.secret.key", "")]);
    let read = ObjectSettings::read("s3c", "b", &c).unwrap();
    assert_eq!(read.credentials.session_token.as_ref().map(Secret::expose), Some("x"));
    assert!(read.credentials.secret_key.is_none(), "empty is unset");
    assert!(!format!("{read:?}").contains("\"x\""), "{read:?}");
    let e = PosixSettings::read("filec", &Config::from_pairs([("fs.filec.temp.max-age", "old")])).unwrap_err();
    assert!(e.to_string().contains("fs.filec.temp.max-age=old"), "{e}");
}

#[test]
fn object_defaults_and_clamps_stay_as_before_the_table() {
    let d = ObjectSettings::read("s3c", "b", &Config::new()).unwrap();
    assert_eq!((d.part_size, d.readahead, d.copy_concurrency, d.page_keys), (64 << 20, 1 << 20, 16, 5000));
    assert_eq!((d.region.as_str(), d.path_style, d.ssl, d.copy_mode), ("us-east-1", false, true, CopyMode::Header));
    assert_eq!(d.retry, RetrySettings {
        limit: 7,
        interval: Duration::from_millis(100),
        timeout: Duration::from_secs(120),
        request_timeout: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(5),
    });
    let c = Config::from_pairs([("fs.s3c.multipart.size", "1M"), ("fs.s3c.copy.concurrency", "0")]);
    let r = ObjectSettings::read("s3c", "b", &c).unwrap();
    assert_eq!((r.part_size, r.copy_concurrency), (5 << 20, 1));
    let j = JvmSettings::read("filec", "", &Config::from_pairs([("fs.s3a.block.size", "64M")])).unwrap();
    assert_eq!(j, JvmSettings { block_size: 64 << 20, read_buffer: 1 << 20, write_buffer: 1 << 20 });
}

#[test]
fn the_digest_depends_on_every_pair_and_is_not_the_secret() {
    let a = Config::from_pairs([("fs.s3c.session.token", "t1")]);
    let b = Config::from_pairs([("fs.s3c.session.token", "t2")]);
    let ab = Config::from_pairs([("fs.s3c.session.toke", "nt1")]);
    assert_ne!(digest(&a), digest(&b));
    assert_ne!(digest(&a), digest(&ab));
    assert_eq!(digest(&a), digest(&a.clone()));
}
