//! Providers of expiring credentials (STS sessions, `credential_process`, Java provider classes) and
//! the chain S3A builds from its provider list.
//!
//! A `Refreshing` provider keeps one credential and fetches the next before the current one expires:
//! at half its lifetime, at most 5 minutes before expiry (the SDK's margin). One fetch at a time; if a
//! refresh fails while the old credential is still valid, the old one is used and the failure logged.
//! The store keeps the same provider for its whole life, so rotation allocates nothing per token.

use async_trait::async_trait;
use object_store::aws::AwsCredential;
use object_store::client::CredentialProvider;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The most a refresh starts before expiry.
const MAX_MARGIN: Duration = Duration::from_secs(300);

/// A fetched credential and when it expires (`None`: the source says it does not).
pub struct Fetched {
    pub credential: AwsCredential,
    pub expires: Option<SystemTime>,
}

/// One source of credentials; errors say what failed and what to set, never a secret.
#[async_trait]
pub trait Fetch: Send + Sync {
    async fn fetch(&self) -> Result<Fetched, String>;
}

struct Held {
    credential: Arc<AwsCredential>,
    refresh_at: Option<SystemTime>,
    expires: Option<SystemTime>,
}

pub struct Refreshing {
    name: String,
    source: Box<dyn Fetch>,
    /// Credentials without an expiry are asked for again after this (`None`: kept for ever).
    recheck: Option<Duration>,
    held: tokio::sync::Mutex<Option<Held>>,
}

impl std::fmt::Debug for Refreshing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Refreshing({})", self.name)
    }
}

impl Refreshing {
    pub fn new(name: impl Into<String>, source: Box<dyn Fetch>, recheck: Option<Duration>) -> Self {
        Refreshing { name: name.into(), source, recheck, held: tokio::sync::Mutex::new(None) }
    }

    fn refresh_time(&self, now: SystemTime, expires: Option<SystemTime>) -> Option<SystemTime> {
        match expires {
            Some(at) => {
                let life = at.duration_since(now).unwrap_or_default();
                Some(at - (life / 2).min(MAX_MARGIN))
            }
            None => self.recheck.map(|d| now + d),
        }
    }
}

fn error(name: &str, message: String) -> object_store::Error {
    object_store::Error::Generic { store: "S3", source: format!("credential provider {name}: {message}").into() }
}

#[async_trait]
impl CredentialProvider for Refreshing {
    type Credential = AwsCredential;

    async fn get_credential(&self) -> object_store::Result<Arc<AwsCredential>> {
        let mut held = self.held.lock().await;
        let now = SystemTime::now();
        if let Some(h) = held.as_ref() {
            if h.refresh_at.is_none_or(|t| now < t) {
                return Ok(h.credential.clone());
            }
        }
        match self.source.fetch().await {
            Ok(f) => {
                let credential = Arc::new(f.credential);
                let refresh_at = self.refresh_time(now, f.expires);
                *held = Some(Held { credential: credential.clone(), refresh_at, expires: f.expires });
                Ok(credential)
            }
            Err(e) => match held.as_ref() {
                Some(h) if h.expires.is_none_or(|t| now < t) => {
                    log::warn!("credential provider {}: refresh failed, the current credentials stay in use: {e}", self.name);
                    Ok(h.credential.clone())
                }
                _ => Err(error(&self.name, e)),
            },
        }
    }
}

/// One provider of S3A's list, by the class name the user wrote.
pub struct Link {
    pub name: String,
    pub provider: Arc<dyn CredentialProvider<Credential = AwsCredential>>,
}

/// S3A's `AWSCredentialProviderList`: the first provider that answers wins. The last one that answered
/// is asked first next time, so an absent source (no instance metadata) is not retried per request.
pub struct Chain {
    links: Vec<Link>,
    last: AtomicUsize,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.links.iter().map(|l| &l.name)).finish()
    }
}

impl Chain {
    pub fn new(links: Vec<Link>) -> Self {
        Chain { links, last: AtomicUsize::new(0) }
    }
}

#[async_trait]
impl CredentialProvider for Chain {
    type Credential = AwsCredential;

    async fn get_credential(&self) -> object_store::Result<Arc<AwsCredential>> {
        let first = self.last.load(Ordering::Relaxed);
        let order = std::iter::once(first).chain((0..self.links.len()).filter(|i| *i != first));
        let mut failures = Vec::new();
        for i in order {
            let Some(link) = self.links.get(i) else { continue };
            match link.provider.get_credential().await {
                Ok(c) => {
                    self.last.store(i, Ordering::Relaxed);
                    return Ok(c);
                }
                Err(e) => failures.push(format!("{}: {e}", link.name)),
            }
        }
        Err(object_store::Error::Generic {
            store: "S3",
            source: format!("no credential provider answered ({})", failures.join("; ")).into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    /// Hands out `K1`, `K2`, ... each valid for `life`; fails while `failing` is set.
    struct Counter {
        n: Mutex<u32>,
        life: Duration,
        failing: std::sync::atomic::AtomicBool,
    }

    #[async_trait]
    impl Fetch for Arc<Counter> {
        async fn fetch(&self) -> Result<Fetched, String> {
            if self.failing.load(Ordering::Relaxed) {
                return Err("source down".into());
            }
            let mut n = self.n.lock();
            *n += 1;
            let credential = AwsCredential { key_id: format!("K{n}"), secret_key: "s".into(), token: None };
            Ok(Fetched { credential, expires: Some(SystemTime::now() + self.life) })
        }
    }

    fn key(p: &Refreshing) -> Result<String, String> {
        crate::runtime::block_on(p.get_credential()).map(|c| c.key_id.clone()).map_err(|e| e.to_string())
    }

    #[test]
    fn renews_at_half_life_and_keeps_a_valid_credential_when_renewal_fails() {
        let source = Arc::new(Counter { n: Mutex::new(0), life: Duration::from_millis(400), failing: false.into() });
        let p = Refreshing::new("test", Box::new(source.clone()), None);
        assert_eq!(key(&p).unwrap(), "K1");
        assert_eq!(key(&p).unwrap(), "K1", "cached before half life");
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(key(&p).unwrap(), "K2", "renewed after half life, before expiry");
        source.failing.store(true, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(key(&p).unwrap(), "K2", "renewal failed, the credential is still valid");
        std::thread::sleep(Duration::from_millis(200));
        let err = key(&p).unwrap_err();
        assert!(err.contains("credential provider test: source down"), "{err}");
        source.failing.store(false, Ordering::Relaxed);
        assert_eq!(key(&p).unwrap(), "K3");
    }

    #[test]
    fn the_chain_asks_the_last_provider_that_answered_first() {
        let down = Arc::new(Counter { n: Mutex::new(0), life: Duration::from_secs(60), failing: true.into() });
        let up = Arc::new(Counter { n: Mutex::new(10), life: Duration::from_secs(60), failing: false.into() });
        let link = |name: &str, c: &Arc<Counter>| Link { name: name.into(), provider: Arc::new(Refreshing::new(name, Box::new(c.clone()), None)) };
        let chain = Chain::new(vec![link("first", &down), link("second", &up)]);
        assert_eq!(crate::runtime::block_on(chain.get_credential()).unwrap().key_id, "K11");
        assert_eq!(chain.last.load(Ordering::Relaxed), 1);
        up.failing.store(true, Ordering::Relaxed);
        let none = Chain::new(vec![link("a", &down)]);
        let err = crate::runtime::block_on(none.get_credential()).unwrap_err().to_string();
        assert!(err.contains("no credential provider answered") && err.contains("a: "), "{err}");
    }
}
