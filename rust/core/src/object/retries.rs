//! Retries and timeouts of S3 requests, from S3A's keys (each `fs.s3c.*` falling back to `fs.s3a.*`).
//! Bounded on every axis, so a store that stalls or keeps failing surfaces an IOException in bounded
//! time instead of hanging a task:
//!
//! - `retry.limit` (or `attempts.maximum`): retries after the first attempt (default 7, as S3A);
//! - `retry.interval`: first backoff, doubling up to 15 s (default 100ms; bare numbers are ms);
//! - `retry.timeout`: no retry starts later than this after the first attempt (default 2m);
//! - `connection.request.timeout`: one request, response body included (default 60s; bare = s);
//! - `connection.establish.timeout`: one TCP connect (default 5s; bare numbers are ms).
//!
//! A timeout of 0 keeps the default bound (see `settings::RetrySettings`).

use crate::settings::RetrySettings;
use object_store::{BackoffConfig, ClientOptions, RetryConfig};
use std::time::Duration;

const MAX_BACKOFF: Duration = Duration::from_secs(15);

#[derive(Clone, Debug)]
pub struct Retries {
    pub retry: RetryConfig,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
}

impl Retries {
    pub fn new(s: &RetrySettings) -> Self {
        Retries {
            retry: RetryConfig {
                backoff: BackoffConfig { init_backoff: s.interval, max_backoff: MAX_BACKOFF, base: 2.0 },
                max_retries: s.limit,
                retry_timeout: s.timeout,
            },
            request_timeout: s.request_timeout,
            connect_timeout: s.connect_timeout,
        }
    }

    pub fn client_options(&self) -> ClientOptions {
        ClientOptions::new().with_timeout(self.request_timeout).with_connect_timeout(self.connect_timeout)
    }

    /// The pause before retry number `attempt` (1-based) of our own raw requests: the same schedule.
    pub fn backoff(&self, attempt: usize) -> Duration {
        let b = &self.retry.backoff;
        let factor = b.base.powi(attempt.saturating_sub(1).min(30) as i32);
        b.init_backoff.mul_f64(factor).min(b.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    const DEFAULT_RETRY_LIMIT: usize = 7;
    const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 60_000;
    const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;

    fn from_config(scheme: &str, bucket: &str, conf: &Config) -> crate::Result<Retries> {
        crate::settings::ObjectSettings::read(scheme, bucket, conf).map(|s| Retries::new(&s.retry))
    }

    #[test]
    fn s3a_retry_keys_are_honoured_and_bounded() {
        let d = from_config("s3c", "b", &Config::new()).unwrap();
        assert_eq!(d.retry.max_retries, DEFAULT_RETRY_LIMIT);
        assert_eq!(d.request_timeout, Duration::from_secs(60));
        let c = Config::from_pairs([
            ("fs.s3a.attempts.maximum", "2"),
            ("fs.s3c.connection.request.timeout", "3"),
            ("fs.s3c.retry.interval", "50ms"),
        ]);
        let r = from_config("s3c", "b", &c).unwrap();
        assert_eq!(r.retry.max_retries, 2);
        assert_eq!(r.request_timeout, Duration::from_secs(3));
        assert_eq!(r.backoff(1), Duration::from_millis(50));
        assert_eq!(r.backoff(3), Duration::from_millis(200));
        assert_eq!(r.backoff(40), MAX_BACKOFF);
        let mut c2 = c.clone();
        c2.set("fs.s3c.retry.limit", "0");
        assert_eq!(from_config("s3c", "b", &c2).unwrap().retry.max_retries, 0);
        // Hadoop 3.3.4's core-default.xml: request timeout 0 ("none" in S3A) keeps the bounded default.
        let h334 = Config::from_pairs([("fs.s3a.connection.request.timeout", "0"), ("fs.s3a.connection.establish.timeout", "0")]);
        let r = from_config("s3c", "b", &h334).unwrap();
        assert_eq!((r.request_timeout, r.connect_timeout), (Duration::from_millis(DEFAULT_REQUEST_TIMEOUT_MS), Duration::from_millis(DEFAULT_CONNECT_TIMEOUT_MS)));
        c2.set("fs.s3c.retry.limit", "many");
        assert!(from_config("s3c", "b", &c2).is_err());
    }
}
