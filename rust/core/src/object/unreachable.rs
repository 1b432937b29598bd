//! Failing fast on an endpoint that cannot answer. object_store retries every connection failure with
//! backoff for up to `retry.limit` attempts, so a wrong endpoint used to fail after tens of seconds
//! with "error sending request", naming neither the endpoint nor the cause. Here, while a store's
//! endpoint has never answered, a failure that retrying cannot fix soon (connection refused, a host name
//! that does not resolve, a TLS handshake or certificate failure) becomes a non-retryable error naming
//! the endpoint and the cause: at once for TLS, after `GRACE` of such failures for the others (a server
//! still starting is given that long). Once the endpoint has answered, an outage (a server restarting)
//! is retried as configured: that is the configuration's job, not a misconfiguration.

use object_store::client::{HttpError, HttpErrorKind, HttpResponse};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const GRACE: Duration = Duration::from_secs(2);

#[derive(Debug)]
struct Unreachable {
    endpoint: String,
    cause: &'static str,
    source: HttpError,
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot reach the S3 endpoint {}: {} ({}); check fs.s3c.endpoint (or fs.s3a.endpoint), \
                   connection.ssl.enabled and that the server is up", self.endpoint, self.cause, chain(&self.source))
    }
}

impl std::error::Error for Unreachable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Every message of an error's source chain, innermost last: reqwest's own says only "error sending
/// request".
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = s.source();
    }
    parts.join(": ")
}

/// What kind of hopeless failure `e` is, and whether it is worth the grace period.
fn classify(e: &HttpError) -> Option<(&'static str, bool)> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut text = String::new();
    while let Some(s) = next {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return Some(("connection refused", true));
            }
        }
        text.push_str(&s.to_string().to_ascii_lowercase());
        text.push('\n');
        next = s.source();
    }
    if text.contains("connection refused") {
        Some(("connection refused", true))
    } else if text.contains("dns error") || text.contains("failed to lookup address") || text.contains("name or service not known") {
        Some(("the host name does not resolve", true))
    } else if text.contains("certificate") {
        Some((
            "its TLS certificate is not trusted (a private CA? give its PEM in connection.ssl.ca-bundle, or in a JVM set \
             connection.ssl.trust-jvm=true to trust the JVM's trust store)",
            false,
        ))
    } else if text.contains("invalidcontenttype") || text.contains("corrupt message") || text.contains("wrong version number") {
        Some(("the TLS handshake failed (is the endpoint plain http://? set connection.ssl.enabled=false or write http://)", false))
    } else {
        None
    }
}

/// Whether the endpoint ever answered, and since when it has been failing hopelessly if it never has.
#[derive(Debug, Default)]
pub struct Reachability {
    answered: AtomicBool,
    failing_since: Mutex<Option<Instant>>,
}

/// Passes `resp` through, turning a hopeless failure into a non-retryable one once it is past its grace.
pub fn check(resp: Result<HttpResponse, HttpError>, state: &Reachability, endpoint: &str) -> Result<HttpResponse, HttpError> {
    let e = match resp {
        Ok(r) => {
            state.answered.store(true, Ordering::Relaxed);
            return Ok(r);
        }
        Err(e) => e,
    };
    if state.answered.load(Ordering::Relaxed) {
        return Err(e);
    }
    let Some((cause, graced)) = classify(&e) else { return Err(e) };
    let first = *state.failing_since.lock().get_or_insert_with(Instant::now);
    if graced && first.elapsed() < GRACE {
        return Err(e);
    }
    Err(HttpError::new(HttpErrorKind::Unknown, Unreachable { endpoint: endpoint.to_string(), cause, source: e }))
}

/// Whether an error from the HTTP client is one `check` made final (raw requests stop retrying too).
pub fn is_final(e: &HttpError) -> bool {
    e.kind() == HttpErrorKind::Unknown
}
