//! S3A's credential chain: `fs.s3a.aws.credentials.provider` lists provider classes by name (S3A's own
//! and the AWS SDK v1/v2 ones users write), tried in order as S3A's `AWSCredentialProviderList` does.
//! Each known name maps to a Rust provider; any other name is a Java class the JVM face loads and calls
//! back (`register_external`); without a JVM (the CLI) it is refused naming the key and the class.
//!
//! Sources known at build time (keys, environment variables, profile files) that are absent are left
//! out, as S3A's providers that throw `NoAwsCredentialsException` are skipped. `Anonymous` means
//! unsigned requests: honoured when every provider before it is absent; after a provider that can only
//! fail at request time (instance metadata, STS, a Java class) it cannot take over and is ignored.
//!
//! The one provider built here signs object_store's requests and commitfs's own raw ones alike.

mod profile;
mod refresh;
mod sts;

pub use object_store::aws::{AwsCredential, AwsCredentialProvider};
pub use refresh::{Fetch, Fetched, Refreshing};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::settings::{ENV_ACCESS_KEY, ENV_CONTAINER_FULL_URI, ENV_CONTAINER_TOKEN_FILE, ENV_CONTAINER_URI, ENV_PROFILE};
use crate::settings::{ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME, ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_WEB_IDENTITY_TOKEN_FILE};
use crate::settings::{ObjectSettings, ProviderList};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::client::{HttpConnector, ReqwestConnector, StaticCredentialProvider};
use once_cell::sync::OnceCell;
use refresh::{Chain, Link};
use sts::AssumeRole;
use std::sync::Arc;
use std::time::Duration;

/// How a store signs its requests.
pub enum Signing {
    /// `fs.s3a.aws.credentials.provider` unset: static keys if set, else object_store's environment chain.
    Default,
    /// Unsigned requests (public buckets).
    Anonymous,
    /// The chain built from the provider list.
    Chain(AwsCredentialProvider),
}

/// Builds a provider for a Java class: (class name, filesystem URI, the keys the JVM passed).
pub type ExternalFactory = fn(&str, &str, &Config) -> std::result::Result<AwsCredentialProvider, String>;
static EXTERNAL: OnceCell<ExternalFactory> = OnceCell::new();

/// Called by the JVM face: classes this module does not know are loaded through `factory`.
pub fn register_external(factory: ExternalFactory) {
    let _ = EXTERNAL.set(factory);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Simple,
    Temporary,
    Environment,
    Instance,
    WebIdentity,
    Profile,
    AssumedRole,
    Anonymous,
    /// The SDK's default chain: environment, profile, web identity, container/instance.
    SdkDefault,
}

const KNOWN_PACKAGES: &[&str] = &[
    "",
    "org.apache.hadoop.fs.s3a",
    "org.apache.hadoop.fs.s3a.auth",
    "com.amazonaws.auth",
    "com.amazonaws.auth.profile",
    "software.amazon.awssdk.auth.credentials",
];

fn kind_of(class: &str) -> Option<Kind> {
    let (package, name) = class.rsplit_once('.').unwrap_or(("", class));
    if !KNOWN_PACKAGES.contains(&package) {
        return None;
    }
    Some(match name {
        "SimpleAWSCredentialsProvider" | "BasicAWSCredentialsProvider" => Kind::Simple,
        "TemporaryAWSCredentialsProvider" => Kind::Temporary,
        "EnvironmentVariableCredentialsProvider" => Kind::Environment,
        "IAMInstanceCredentialsProvider" | "InstanceProfileCredentialsProvider" | "ContainerCredentialsProvider"
        | "EC2ContainerCredentialsProviderWrapper" => Kind::Instance,
        "WebIdentityTokenCredentialsProvider" => Kind::WebIdentity,
        "ProfileCredentialsProvider" | "ProfileAWSCredentialsProvider" => Kind::Profile,
        "AssumedRoleCredentialProvider" => Kind::AssumedRole,
        "AnonymousAWSCredentialsProvider" | "AnonymousCredentialsProvider" => Kind::Anonymous,
        "DefaultCredentialsProvider" | "DefaultAWSCredentialsProviderChain" => Kind::SdkDefault,
        _ => return None,
    })
}

/// What one entry of the list turned into.
enum Entry {
    Absent(String),
    Anonymous,
    Static(AwsCredential),
    Dynamic(AwsCredentialProvider),
}

struct Builder<'a> {
    scheme: &'a str,
    bucket: &'a str,
    settings: &'a ObjectSettings,
    region: String,
    /// What each entry of the top-level list turned into, for `describe` (never a secret).
    notes: std::cell::RefCell<Vec<String>>,
}

/// The signing of the store `scheme://bucket` under `settings`.
pub fn signing(scheme: &str, bucket: &str, settings: &ObjectSettings) -> Result<Signing> {
    let Some(list) = &settings.credentials.providers else { return Ok(Signing::Default) };
    Builder::new(scheme, bucket, settings).chain(list, true)
}

/// Where the store's credentials come from, for `commitfs doctor`: the providers in use and the keys,
/// variables or roles they read, and those skipped and why. Names only, never a secret.
pub fn describe(scheme: &str, bucket: &str, settings: &ObjectSettings) -> Result<String> {
    let Some(list) = &settings.credentials.providers else {
        let env = &settings.credentials.env;
        return Ok(if settings.credentials.access_key.is_some() && settings.credentials.secret_key.is_some() {
            let token = if settings.credentials.session_token.is_some() { " / session.token" } else { "" };
            format!("static keys (access.key / secret.key{token}; aws.credentials.provider unset)")
        } else if env.var(&ENV_ACCESS_KEY).is_some() && env.var(&ENV_SECRET_KEY).is_some() {
            "the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; aws.credentials.provider unset)".into()
        } else {
            "no keys set: web identity (AWS_WEB_IDENTITY_TOKEN_FILE), container credentials or instance metadata \
             (aws.credentials.provider unset)"
                .into()
        });
    };
    let b = Builder::new(scheme, bucket, settings);
    let signing = b.chain(list, true)?;
    let notes = b.notes.into_inner().join("; ");
    Ok(match signing {
        Signing::Anonymous => format!("anonymous: requests are not signed ({}: {notes})", list.key),
        _ => format!("{}: {notes}", list.key),
    })
}

fn fixed(credential: AwsCredential) -> AwsCredentialProvider {
    Arc::new(StaticCredentialProvider::new(credential))
}

impl<'a> Builder<'a> {
    fn new(scheme: &'a str, bucket: &'a str, settings: &'a ObjectSettings) -> Self {
        Builder { scheme, bucket, settings, region: settings.region.clone(), notes: Default::default() }
    }

    /// Notes what `class` turned into (top-level list only: `allow_role` is false in nested ones).
    fn note(&self, allow_role: bool, class: &str, entry: &Entry) {
        if !allow_role {
            return;
        }
        let short = class.rsplit('.').next().unwrap_or(class);
        let s = self.settings;
        let what = match (entry, kind_of(class)) {
            (Entry::Absent(why), _) => format!("{short} skipped ({why})"),
            (Entry::Anonymous, _) => format!("{short}"),
            (_, Some(Kind::Simple)) => format!("{short} (access.key / secret.key)"),
            (_, Some(Kind::Temporary)) => format!("{short} (access.key / secret.key / session.token)"),
            (_, Some(Kind::Environment)) => format!("{short} (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"),
            (Entry::Dynamic(_), Some(Kind::Profile)) => {
                format!("{short} (AWS profile {}: its role or credential_process)", s.credentials.env.var(&ENV_PROFILE).unwrap_or_else(|| "default".into()))
            }
            (_, Some(Kind::Profile)) => format!("{short} (AWS profile {})", s.credentials.env.var(&ENV_PROFILE).unwrap_or_else(|| "default".into())),
            (_, Some(Kind::WebIdentity)) => format!("{short} (role {} with AWS_WEB_IDENTITY_TOKEN_FILE)", s.credentials.env.var(&ENV_ROLE_ARN).unwrap_or_else(|| "?".into())),
            (_, Some(Kind::AssumedRole)) => format!(
                "{short} (role {}, AssumeRole signed by {})",
                s.credentials.role.arn.as_deref().unwrap_or("?"),
                s.credentials.role.providers.classes.iter().map(|c| c.rsplit('.').next().unwrap_or(c)).collect::<Vec<_>>().join(", ")
            ),
            (_, Some(Kind::Instance)) => format!("{short} (container credentials or instance metadata)"),
            (_, Some(Kind::SdkDefault)) => format!("{short} (environment, profile, web identity, instance metadata)"),
            (_, Some(Kind::Anonymous)) => format!("{short}"),
            (_, None) => format!("{class} (a Java class, called through the JVM)"),
        };
        self.notes.borrow_mut().push(what);
    }

    fn chain(&self, list: &ProviderList, allow_role: bool) -> Result<Signing> {
        let mut links = Vec::new();
        let mut absent = Vec::new();
        for class in &list.classes {
            let entry = self.entry(list, class, allow_role)?;
            self.note(allow_role, class, &entry);
            match entry {
                Entry::Absent(why) => absent.push(format!("{class}: {why}")),
                Entry::Anonymous if links.is_empty() => return Ok(Signing::Anonymous),
                Entry::Anonymous => log::debug!("{}: {class} after a provider that may fail at request time is ignored", list.key),
                Entry::Static(c) => {
                    links.push(Link { name: class.clone(), provider: fixed(c) });
                    break; // never fails: the rest of the list is unreachable
                }
                Entry::Dynamic(p) => links.push(Link { name: class.clone(), provider: p }),
            }
        }
        if links.is_empty() {
            return Err(Error::invalid(format!(
                "{}: no credentials from any provider listed ({}); set the credentials one of them reads",
                list.key,
                absent.join("; ")
            )));
        }
        Ok(Signing::Chain(if links.len() == 1 { links.remove(0).provider } else { Arc::new(Chain::new(links)) }))
    }

    fn entry(&self, list: &ProviderList, class: &str, allow_role: bool) -> Result<Entry> {
        let s = self.settings;
        let env = &s.credentials.env;
        let pair = |k: &Option<crate::settings::Secret>| k.as_ref().map(|v| v.expose().to_string());
        let keys = |token: bool| {
            let (key_id, secret_key) = (pair(&s.credentials.access_key), pair(&s.credentials.secret_key));
            let token_value = pair(&s.credentials.session_token);
            match (key_id, secret_key, token_value) {
                (Some(key_id), Some(secret_key), t) if t.is_some() || !token => {
                    Entry::Static(AwsCredential { key_id, secret_key, token: if token { t } else { None } })
                }
                _ => Entry::Absent(format!("fs.{}.access.key, secret.key{} not all set", self.scheme, if token { ", session.token" } else { "" })),
            }
        };
        Ok(match kind_of(class) {
            Some(Kind::Simple) => keys(false),
            Some(Kind::Temporary) => keys(true),
            Some(Kind::Environment) => match (pair(&env.secret(&ENV_ACCESS_KEY)), pair(&env.secret(&ENV_SECRET_KEY))) {
                (Some(key_id), Some(secret_key)) => Entry::Static(AwsCredential { key_id, secret_key, token: pair(&env.secret(&ENV_SESSION_TOKEN)) }),
                _ => Entry::Absent("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set".into()),
            },
            Some(Kind::Profile) => match profile::load(env).map_err(|e| Error::invalid(format!("{}: {class}: {e}", list.key)))? {
                Some(profile::Profile::Static(c)) => Entry::Static(c),
                Some(p) => Entry::Dynamic(self.profile_provider(class, p)?),
                None => Entry::Absent(format!("no profile {} in the AWS credentials or config file", env.var(&ENV_PROFILE).unwrap_or_else(|| "default".into()))),
            },
            Some(Kind::WebIdentity) => match (env.var(&ENV_WEB_IDENTITY_TOKEN_FILE), env.var(&ENV_ROLE_ARN)) {
                (Some(file), Some(arn)) => {
                    let session = env.var(&ENV_ROLE_SESSION_NAME).unwrap_or_else(|| session_name("web-identity"));
                    let assume = AssumeRole { arn, session, duration: None, external_id: None, policy: None };
                    Entry::Dynamic(self.sts(class, assume, sts::Caller::WebIdentity(file))?)
                }
                _ => Entry::Absent("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN not set".into()),
            },
            Some(Kind::Instance) => Entry::Dynamic(self.instance()?),
            Some(Kind::AssumedRole) if allow_role => Entry::Dynamic(self.assumed_role(class)?),
            Some(Kind::AssumedRole) => {
                return Err(Error::invalid(format!("{}: {class} cannot sign its own AssumeRole call; list the source credentials' provider", list.key)))
            }
            Some(Kind::Anonymous) => Entry::Anonymous,
            Some(Kind::SdkDefault) => {
                let sdk = ProviderList {
                    key: list.key.clone(),
                    classes: ["EnvironmentVariableCredentialsProvider", "ProfileCredentialsProvider", "WebIdentityTokenCredentialsProvider", "IAMInstanceCredentialsProvider"]
                        .map(String::from)
                        .to_vec(),
                };
                match self.chain(&sdk, false)? {
                    Signing::Chain(p) => Entry::Dynamic(p),
                    _ => Entry::Absent("the SDK default chain found nothing".into()),
                }
            }
            None => match EXTERNAL.get() {
                Some(load) => {
                    let uri = format!("{}://{}/", self.scheme, self.bucket);
                    Entry::Dynamic(load(class, &uri, &s.credentials.hadoop).map_err(|e| Error::invalid(format!("{}: {class}: {e}", list.key)))?)
                }
                None => return Err(Error::invalid(format!(
                    "{}: unknown credential provider class {class}; commitfs knows S3A's and the AWS SDK's providers \
                     (Simple, Temporary, EnvironmentVariable, IAMInstance/InstanceProfile/Container, WebIdentityToken, \
                     Profile, AssumedRole, Anonymous); other Java classes are loaded only inside a JVM",
                    list.key
                ))),
            },
        })
    }

    fn http(&self) -> Result<object_store::client::HttpClient> {
        let options = object_store::ClientOptions::new()
            .with_allow_http(true)
            .with_timeout(self.settings.retry.request_timeout)
            .with_connect_timeout(self.settings.retry.connect_timeout);
        ReqwestConnector::default().connect(&options).map_err(|e| Error::invalid(format!("cannot create the STS HTTP client: {e}")))
    }

    fn sts(&self, class: &str, assume: AssumeRole, caller: sts::Caller) -> Result<AwsCredentialProvider> {
        let role = &self.settings.credentials.role;
        let region = role.sts_region.clone().unwrap_or_else(|| self.region.clone());
        let endpoint = match &role.sts_endpoint {
            Some(e) if e.contains("://") => e.trim_end_matches('/').to_string(),
            Some(e) => format!("https://{}", e.trim_end_matches('/')),
            None => format!("https://sts.{region}.amazonaws.com"),
        };
        let role = AssumeRole { duration: Some(assume.duration.unwrap_or(role.duration)), ..assume };
        let fetch = sts::Sts { client: self.http()?, endpoint, region, role, caller };
        Ok(Arc::new(Refreshing::new(class, Box::new(fetch), None)))
    }

    /// A profile's role, assumed with its source profile's credentials (a chain of roles nests).
    fn profile_role(&self, class: &str, role: profile::ProfileRole) -> Result<AwsCredentialProvider> {
        let source = self.profile_provider(class, role.source)?;
        let assume = AssumeRole {
            arn: role.role_arn,
            session: role.session_name.unwrap_or_else(|| session_name(&format!("profile-{}", role.profile))),
            duration: role.duration,
            external_id: role.external_id,
            policy: None,
        };
        self.sts(class, assume, sts::Caller::Signed(source))
    }

    fn profile_provider(&self, class: &str, p: profile::Profile) -> Result<AwsCredentialProvider> {
        Ok(match p {
            profile::Profile::Static(c) => fixed(c),
            profile::Profile::Process(p) => Arc::new(Refreshing::new(class, Box::new(p), None)),
            profile::Profile::Role(r) => self.profile_role(class, *r)?,
        })
    }

    fn assumed_role(&self, class: &str) -> Result<AwsCredentialProvider> {
        let role = &self.settings.credentials.role;
        let key = crate::settings::ROLE_ARN.candidates(self.scheme, "")[0].clone();
        let arn = role.arn.clone().ok_or_else(|| Error::invalid(format!("{class} needs the role to assume: set {key}")))?;
        let source = match self.chain(&role.providers, false)? {
            Signing::Chain(p) => p,
            _ => return Err(Error::invalid(format!("{}: AssumeRole needs signed credentials, not anonymous ones", role.providers.key))),
        };
        let session = role.session_name.clone().unwrap_or_else(|| session_name("commitfs"));
        let assume = AssumeRole { arn, session, duration: None, external_id: role.external_id.clone(), policy: role.policy.clone() };
        self.sts(class, assume, sts::Caller::Signed(source))
    }

    /// Container credentials (ECS, EKS Pod Identity) when their variables are set, else EC2 instance
    /// metadata (IMDSv2): object_store's own providers, taken from a store configured for nothing else.
    fn instance(&self) -> Result<AwsCredentialProvider> {
        let env = &self.settings.credentials.env;
        let mut b = AmazonS3Builder::new().with_bucket_name(self.bucket).with_region(&self.region);
        if let Some(uri) = env.var(&ENV_CONTAINER_URI) {
            b = b.with_config(AmazonS3ConfigKey::ContainerCredentialsRelativeUri, uri);
        } else if let (Some(uri), Some(file)) = (env.var(&ENV_CONTAINER_FULL_URI), env.var(&ENV_CONTAINER_TOKEN_FILE)) {
            b = b.with_config(AmazonS3ConfigKey::ContainerCredentialsFullUri, uri).with_config(AmazonS3ConfigKey::ContainerAuthorizationTokenFile, file);
        }
        let store = b.build().map_err(|e| Error::invalid(format!("cannot set up instance credentials: {e}")))?;
        Ok(store.credentials().clone())
    }
}

/// S3A's generated session names: recognisable in CloudTrail, unique per store.
fn session_name(prefix: &str) -> String {
    format!("{prefix}-{}", rand::random::<u32>())
}

/// Lets a test or tool ask a store's provider directly (the chain the store would sign with).
pub fn provider_for(scheme: &str, bucket: &str, conf: &Config) -> Result<Option<AwsCredentialProvider>> {
    let settings = ObjectSettings::read(scheme, bucket, conf)?;
    Ok(match signing(scheme, bucket, &settings)? {
        Signing::Chain(p) => Some(p),
        _ => None,
    })
}

/// How long a Java provider's credentials without an expiry are used before it is asked again.
pub const JAVA_RECHECK: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_of_s3a_and_both_sdks_map_to_kinds() {
        assert_eq!(kind_of("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"), Some(Kind::Simple));
        assert_eq!(kind_of("org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider"), Some(Kind::Instance));
        assert_eq!(kind_of("com.amazonaws.auth.InstanceProfileCredentialsProvider"), Some(Kind::Instance));
        assert_eq!(kind_of("software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider"), Some(Kind::Instance));
        assert_eq!(kind_of("com.amazonaws.auth.profile.ProfileCredentialsProvider"), Some(Kind::Profile));
        assert_eq!(kind_of("software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider"), Some(Kind::Anonymous));
        assert_eq!(kind_of("AssumedRoleCredentialProvider"), Some(Kind::AssumedRole));
        assert_eq!(kind_of("com.example.SimpleAWSCredentialsProvider"), None, "another package is another class");
        assert_eq!(kind_of("software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider"), None);
    }
}
