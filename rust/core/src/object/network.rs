//! How S3 requests travel, from `settings::NetworkSettings` (S3A's `proxy.*`, `connection.maximum`,
//! `connection.timeout`, and `connection.ssl.ca-bundle` / `trust-jvm`): applied to object_store's client options, so
//! object_store's requests and commitfs's raw ones (which share its HTTP client) go the same way.

use crate::error::{Error, Result};
use crate::settings::NetworkSettings;
use object_store::{Certificate, ClientOptions};

pub fn client_options(mut options: ClientOptions, n: &NetworkSettings) -> Result<ClientOptions> {
    if let Some(proxy) = &n.proxy {
        options = options.with_proxy_url(proxy.url_with_credentials());
        if let Some(excludes) = &proxy.no_proxy {
            options = options.with_proxy_excludes(excludes);
        }
    }
    // The bound on requests in flight is `connection_limit.rs`; the pool keeps no more idle ones.
    if let Some(max) = n.max_connections {
        options = options.with_pool_max_idle_per_host(max);
    }
    if let Some(t) = n.socket_timeout {
        options = options.with_read_timeout(t);
    }
    if let Some(path) = &n.trust.ca_bundle {
        for cert in ca_bundle(path)? {
            options = options.with_root_certificate(cert);
        }
    }
    if let Some(pem) = &n.trust.jvm_anchors {
        let certs = Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| Error::invalid(format!("the JVM's trust anchors (connection.ssl.trust-jvm) are not PEM certificates: {e}")))?;
        for cert in certs {
            options = options.with_root_certificate(cert);
        }
    }
    Ok(options)
}

/// The certificates of a PEM file; a file without any is refused (a typo'd path to the wrong file
/// would otherwise fail later as an unexplained TLS error).
fn ca_bundle(path: &str) -> Result<Vec<Certificate>> {
    let bad = |why: String| Error::invalid(format!("fs.s3c.connection.ssl.ca-bundle={path}: {why}; give a PEM file of CA certificates"));
    let pem = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let certs = Certificate::from_pem_bundle(&pem).map_err(|e| bad(format!("not PEM certificates: {e}")))?;
    if certs.is_empty() {
        return Err(bad("no certificate in it".into()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Trust;

    #[test]
    fn a_ca_bundle_without_certificates_is_refused_naming_the_key() {
        let dir = std::env::temp_dir().join(format!("commitfs-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let n = NetworkSettings { trust: Trust { ca_bundle: Some(empty.display().to_string()), ..Default::default() }, ..Default::default() };
        let e = client_options(ClientOptions::new(), &n).unwrap_err().to_string();
        assert!(e.contains("connection.ssl.ca-bundle=") && e.contains("no certificate"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
