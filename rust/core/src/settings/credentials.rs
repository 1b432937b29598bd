//! Where an S3 store's credentials come from (`object/credentials/` turns this into providers):
//! S3A's provider list, the assumed-role keys, and the AWS environment variables the SDK's providers
//! read, each read through the table once when the store is built.

use super::keys::*;
use super::{Key, Secret, Settings};
use crate::config::Config;
use crate::error::Result;
use std::collections::BTreeMap;
use std::time::Duration;

/// A provider list as configured: the concrete key it came from (for messages) and its class names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderList {
    pub key: String,
    pub classes: Vec<String>,
}

/// `fs.s3a.assumed.role.*`.
#[derive(Clone, Debug)]
pub struct RoleSettings {
    pub arn: Option<String>,
    pub session_name: Option<String>,
    pub duration: Duration,
    pub sts_endpoint: Option<String>,
    pub sts_region: Option<String>,
    /// `ExternalId` of the AssumeRole call (a third party's role demands it).
    pub external_id: Option<String>,
    /// A JSON session policy narrowing the role's permissions.
    pub policy: Option<String>,
    /// What signs the AssumeRole call itself (never itself an assumed role).
    pub providers: ProviderList,
}

/// The AWS SDK's environment variables (EnvironmentVariable, Profile, WebIdentity, Container providers),
/// read through the table once when the store is built and looked up by their key
/// (`env.var(&ENV_PROFILE)`), so the variable list lives in one place: `keys.rs`.
#[derive(Clone, Debug, Default)]
pub struct AwsEnvironment {
    /// By variable name; every value a `Secret`, so `Debug` shows none of them.
    values: BTreeMap<&'static str, Secret>,
}

impl AwsEnvironment {
    pub fn read(s: &Settings<'_>) -> Result<Self> {
        let mut values = BTreeMap::new();
        for key in ENV_VARIABLES {
            if let Some(value) = s.word(key)? {
                values.insert(key.name, Secret(value));
            }
        }
        Ok(AwsEnvironment { values })
    }

    /// A variable that is not a credential (a profile name, a file, a URI).
    pub fn var(&self, key: &Key) -> Option<String> {
        self.secret(key).map(|v| v.0)
    }

    pub fn secret(&self, key: &Key) -> Option<Secret> {
        self.values.get(key.name).cloned()
    }
}

#[derive(Clone)]
pub struct CredentialSettings {
    /// `access.key`, `secret.key`, `session.token`: what S3A's Simple and Temporary providers read.
    pub access_key: Option<Secret>,
    pub secret_key: Option<Secret>,
    pub session_token: Option<Secret>,
    /// `None`: the key is unset (static keys if given, else object_store's environment chain).
    pub providers: Option<ProviderList>,
    pub role: RoleSettings,
    pub env: AwsEnvironment,
    /// The keys the JVM passed (a Java provider class gets them in its `Configuration`); may hold
    /// secrets, so `Debug` never shows it.
    pub hadoop: Config,
}

impl std::fmt::Debug for CredentialSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialSettings").field("providers", &self.providers).field("role", &self.role).finish_non_exhaustive()
    }
}

/// S3A's list syntax (`Configuration.getTrimmedStrings`): comma-separated, whitespace and newlines
/// around names ignored, empty entries dropped.
fn list(s: &Settings<'_>, key: &Key) -> Result<Option<ProviderList>> {
    let Some((found, _)) = s.raw(key) else { return Ok(None) };
    let value = s.word(key)?.unwrap_or_default();
    let classes: Vec<String> = value.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
    Ok((!classes.is_empty()).then_some(ProviderList { key: found, classes }))
}

impl CredentialSettings {
    pub fn read(s: &Settings<'_>, scheme: &str, conf: &Config) -> Result<Self> {
        let role_providers = match list(s, &ROLE_CREDENTIALS_PROVIDER)? {
            Some(l) => l,
            None => ProviderList {
                key: ROLE_CREDENTIALS_PROVIDER.candidates(scheme, "")[0].clone(),
                classes: vec![s.word(&ROLE_CREDENTIALS_PROVIDER)?.unwrap_or_default()],
            },
        };
        let secret = |k| s.word(k).map(|w| w.map(Secret));
        Ok(CredentialSettings {
            access_key: secret(&ACCESS_KEY)?,
            secret_key: secret(&SECRET_KEY)?,
            session_token: secret(&SESSION_TOKEN)?,
            providers: list(s, &CREDENTIALS_PROVIDER)?,
            role: RoleSettings {
                arn: s.word(&ROLE_ARN)?,
                session_name: s.word(&ROLE_SESSION_NAME)?,
                duration: s.duration(&ROLE_SESSION_DURATION)?,
                sts_endpoint: s.word(&ROLE_STS_ENDPOINT)?,
                sts_region: s.word(&ROLE_STS_REGION)?,
                external_id: s.word(&ROLE_EXTERNAL_ID)?,
                policy: s.word(&ROLE_POLICY)?,
                providers: role_providers,
            },
            env: AwsEnvironment::read(s)?,
            hadoop: conf.relevant_to(scheme),
        })
    }
}
