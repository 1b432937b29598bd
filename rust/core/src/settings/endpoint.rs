//! Where an S3 store's requests go and how they are signed, from `endpoint`, `endpoint.region`,
//! `path.style.access` and `connection.ssl.enabled`, as S3A users configure them:
//!
//! - Region: the configured key, else `AWS_REGION`/`AWS_DEFAULT_REGION`, else the region an AWS endpoint
//!   host names (`s3.eu-west-1.amazonaws.com`, `s3-eu-west-1…`, `s3.dualstack.eu-west-1…`,
//!   `bucket.vpce-….s3.eu-west-1.vpce…`), else `us-east-1`. An AWS host's region is never overridden by
//!   the default, so an endpoint alone signs for the right region.
//! - An endpoint without a scheme (`host:port`) gets `https://`, or `http://` when
//!   `connection.ssl.enabled=false` (S3A's rule).
//! - An IP address or `localhost` cannot carry a bucket in its host name: such endpoints are addressed
//!   path-style whatever `path.style.access` says (object_store would panic on `bucket.127.0.0.1`).
//! - An endpoint that is not a URL with a host is refused, naming the key.

use crate::error::{Error, Result};

/// The resolved endpoint: a URL with scheme and host and no trailing slash, `None` for AWS's default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub url: Option<String>,
    pub path_style: bool,
}

/// `raw` as configured under `key`; `ssl` and `path_style` as configured.
pub fn resolve_endpoint(key: &str, raw: Option<&str>, ssl: bool, path_style: bool) -> Result<Endpoint> {
    let Some(raw) = raw else { return Ok(Endpoint { url: None, path_style }) };
    let bad = |why: &str| Error::invalid(format!("{key}={raw}: {why}; expected a URL such as https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000"));
    let implied = if ssl { "https" } else { "http" };
    let (scheme, rest) = raw.trim().split_once("://").unwrap_or((implied, raw.trim()));
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad("the scheme must be http or https"));
    }
    let rest = rest.trim_end_matches('/');
    let host = host_of(rest).ok_or_else(|| bad("no host"))?;
    let url = format!("{scheme}://{rest}");
    let valid = url::Url::parse(&url).ok().filter(|u| u.host_str().is_some());
    if valid.is_none() || host.chars().any(|c| c.is_whitespace() || c == '@') {
        return Err(bad("not a valid URL"));
    }
    Ok(Endpoint { url: Some(url.clone()), path_style: path_style || literal_host(&host) })
}

/// The host of `authority[/path]`, lower case, without port or brackets.
fn host_of(rest: &str) -> Option<String> {
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Hosts that cannot be prefixed with a bucket name: IP addresses and `localhost`.
fn literal_host(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok()
}

/// The region an AWS S3 endpoint's host names, if it is one and names one.
pub fn region_of_endpoint(url: &str) -> Option<String> {
    let host = host_of(url.split_once("://").map_or(url, |(_, r)| r))?;
    let labels: Vec<&str> = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?
        .split('.')
        .collect();
    labels.iter().rev().find_map(|l| {
        let l = l.strip_prefix("s3-fips-").or_else(|| l.strip_prefix("s3-")).unwrap_or(l);
        looks_like_region(l).then(|| l.to_string())
    })
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`, `cn-north-1`: letters, dashes, a final number.
fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts.last().is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The signing region: `configured`, else `env` (`AWS_REGION`, `AWS_DEFAULT_REGION`), else the
/// endpoint's, else `us-east-1`.
pub fn resolve_region(configured: Option<String>, env: Option<String>, endpoint: Option<&str>) -> String {
    configured.or(env).or_else(|| endpoint.and_then(region_of_endpoint)).unwrap_or_else(|| "us-east-1".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_come_from_aws_endpoint_hosts() {
        for (e, r) in [
            ("https://s3.eu-west-1.amazonaws.com", Some("eu-west-1")),
            ("s3-eu-west-1.amazonaws.com", Some("eu-west-1")),
            ("https://s3.dualstack.ap-southeast-2.amazonaws.com/", Some("ap-southeast-2")),
            ("https://bucket.vpce-1a2b3c4d-5e6f.s3.us-east-2.vpce.amazonaws.com", Some("us-east-2")),
            ("https://s3-fips.us-gov-west-1.amazonaws.com", Some("us-gov-west-1")),
            ("https://s3.cn-north-1.amazonaws.com.cn", Some("cn-north-1")),
            ("https://s3.amazonaws.com", None),
            ("https://s3-external-1.amazonaws.com", None),
            ("http://127.0.0.1:9000", None),
            ("https://minio.eu-west-1.example.com", None),
        ] {
            assert_eq!(region_of_endpoint(e).as_deref(), r, "{e}");
        }
        let ep = Some("https://s3.eu-west-1.amazonaws.com");
        assert_eq!(resolve_region(None, None, ep), "eu-west-1");
        assert_eq!(resolve_region(None, Some("eu-north-1".into()), ep), "eu-north-1");
        assert_eq!(resolve_region(Some("us-west-2".into()), Some("eu-north-1".into()), ep), "us-west-2");
        assert_eq!(resolve_region(None, None, None), "us-east-1");
    }

    #[test]
    fn endpoints_are_urls_and_literal_hosts_go_path_style() {
        let r = |raw: &str, ssl| resolve_endpoint("fs.s3c.endpoint", Some(raw), ssl, false);
        assert_eq!(r("127.0.0.1:9000", false).unwrap(), Endpoint { url: Some("http://127.0.0.1:9000".into()), path_style: true });
        assert_eq!(r("127.0.0.1:9000", true).unwrap().url.as_deref(), Some("https://127.0.0.1:9000"));
        assert!(r("http://localhost:9000/", true).unwrap().path_style);
        assert!(r("http://[::1]:9000", true).unwrap().path_style);
        assert!(!r("https://s3.eu-west-1.amazonaws.com", true).unwrap().path_style);
        for bad in ["http://", "ftp://host", "http://a b", "://x", "http://user@host"] {
            let e = r(bad, true).unwrap_err().to_string();
            assert!(e.contains("fs.s3c.endpoint=") && e.contains("expected a URL"), "{bad}: {e}");
        }
    }
}
