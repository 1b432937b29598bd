//! The SDK's `ProfileCredentialsProvider`: the profile `AWS_PROFILE` names (else `default`) in the
//! shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`) and the config
//! file (`AWS_CONFIG_FILE`, else `~/.aws/config`, sections `[profile name]`): static keys, or a
//! `credential_process` whose JSON answer is cached until its `Expiration`, or a role (`role_arn`) assumed
//! with the credentials of its `source_profile` (itself static, a process or another role).

use super::refresh::{Fetch, Fetched};
use crate::settings::{ENV_CONFIG_FILE, ENV_CREDENTIALS_FILE, ENV_PROFILE};
use crate::settings::AwsEnvironment;
use async_trait::async_trait;
use object_store::aws::AwsCredential;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// What a profile gives.
pub enum Profile {
    Static(AwsCredential),
    Process(CredentialProcess),
    Role(Box<ProfileRole>),
}

/// A profile's `role_arn`, assumed through STS with the credentials `source` gives.
pub struct ProfileRole {
    pub profile: String,
    pub role_arn: String,
    pub source: Profile,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration: Option<Duration>,
}

/// How many `source_profile` links are followed (the SDK refuses loops; this also bounds chains).
const MAX_SOURCE_DEPTH: usize = 4;

/// The profile named by the environment, `Ok(None)` when neither file has it.
pub fn load(env: &AwsEnvironment) -> Result<Option<Profile>, String> {
    let name = env.var(&ENV_PROFILE).unwrap_or_else(|| "default".into());
    load_named(env, &name, 0)
}

fn load_named(env: &AwsEnvironment, name: &str, depth: usize) -> Result<Option<Profile>, String> {
    let name = name.to_string();
    let home = std::env::var("HOME").unwrap_or_default();
    let path = |given: Option<String>, default: &str| given.unwrap_or_else(|| format!("{home}/.aws/{default}"));
    let mut found: HashMap<String, String> = HashMap::new();
    // The config file first, so the credentials file wins where both set a key (the SDK's order).
    for (file, section) in [(path(env.var(&ENV_CONFIG_FILE), "config"), config_section(&name)), (path(env.var(&ENV_CREDENTIALS_FILE), "credentials"), name.clone())] {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read AWS profile file {file}: {e}")),
        };
        found.extend(section_of(&text, &section));
    }
    let get = |k: &str| found.get(k).cloned().filter(|v| !v.is_empty());
    // The SDK's order: a role first (its keys, if any, only serve as its own source), then a process.
    if get("role_arn").is_some() {
        return role(env, &name, &get, depth).map(Some);
    }
    if let Some(command) = get("credential_process") {
        return Ok(Some(Profile::Process(CredentialProcess { profile: name, command })));
    }
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(key_id), Some(secret_key)) => {
            Ok(Some(Profile::Static(AwsCredential { key_id, secret_key, token: get("aws_session_token") })))
        }
        (None, None) => Ok(None),
        _ => Err(format!("AWS profile {name} has only one of aws_access_key_id and aws_secret_access_key")),
    }
}

/// A profile with `role_arn`: its source profile's credentials assume the role.
fn role(env: &AwsEnvironment, name: &str, get: &dyn Fn(&str) -> Option<String>, depth: usize) -> Result<Profile, String> {
    let role_arn = get("role_arn").unwrap_or_default();
    let Some(source_name) = get("source_profile") else {
        return Err(match get("credential_source") {
            Some(cs) => format!("AWS profile {name}: credential_source={cs} is not supported; give the role a source_profile, or use fs.s3a.assumed.role.arn with the provider of those credentials in fs.s3a.assumed.role.credentials.provider"),
            None => format!("AWS profile {name} has role_arn but no source_profile: name the profile whose credentials assume the role"),
        });
    };
    if depth >= MAX_SOURCE_DEPTH {
        return Err(format!("AWS profile {name}: more than {MAX_SOURCE_DEPTH} source_profile links (a loop?)"));
    }
    // A profile naming itself as source uses its own keys (the SDK's rule), not its role again.
    let source = if source_name == name {
        match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(key_id), Some(secret_key)) => Profile::Static(AwsCredential { key_id, secret_key, token: get("aws_session_token") }),
            _ => return Err(format!("AWS profile {name} is its own source_profile but has no keys")),
        }
    } else {
        load_named(env, &source_name, depth + 1)?.ok_or_else(|| format!("AWS profile {name}: its source_profile {source_name} is in neither file"))?
    };
    let duration = match get("duration_seconds") {
        None => None,
        Some(d) => Some(Duration::from_secs(
            d.parse::<u64>().map_err(|_| format!("AWS profile {name}: duration_seconds={d} is not a number of seconds"))?,
        )),
    };
    Ok(Profile::Role(Box::new(ProfileRole {
        profile: name.to_string(),
        role_arn,
        source,
        external_id: get("external_id"),
        session_name: get("role_session_name"),
        duration,
    })))
}

fn config_section(name: &str) -> String {
    if name == "default" { name.to_string() } else { format!("profile {name}") }
}

/// The `key = value` pairs of `[section]` in an INI file (comments `#`/`;`, keys lower-cased).
fn section_of(text: &str, section: &str) -> HashMap<String, String> {
    let mut current: Option<String> = None;
    let mut out = HashMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.split_whitespace().collect::<Vec<_>>().join(" "));
            continue;
        }
        if current.as_deref() == Some(section) {
            if let Some((k, v)) = line.split_once('=') {
                out.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
    }
    out
}

pub struct CredentialProcess {
    profile: String,
    command: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessOutput {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<String>,
}

#[async_trait]
impl Fetch for CredentialProcess {
    async fn fetch(&self) -> Result<Fetched, String> {
        let (profile, command) = (self.profile.clone(), self.command.clone());
        let what = format!("credential_process of AWS profile {profile}");
        // Run through the shell as the SDK does on Unix; its output is never shown (it holds secrets).
        let out = tokio::task::spawn_blocking(move || std::process::Command::new("sh").arg("-c").arg(&command).output())
            .await
            .map_err(|e| format!("{what}: {e}"))?
            .map_err(|e| format!("{what} could not start: {e}"))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first = stderr.lines().next().unwrap_or("").chars().take(200).collect::<String>();
            return Err(format!("{what} failed ({}): {first}", out.status));
        }
        let parsed: ProcessOutput =
            serde_json::from_slice(&out.stdout).map_err(|e| format!("{what} printed no credentials JSON (line {}, column {})", e.line(), e.column()))?;
        let expires = match parsed.expiration {
            None => None,
            Some(s) => {
                let t = chrono::DateTime::parse_from_rfc3339(s.trim()).map_err(|e| format!("{what}: bad Expiration {s}: {e}"))?;
                Some(SystemTime::UNIX_EPOCH + Duration::from_millis(t.timestamp_millis().max(0) as u64))
            }
        };
        let credential = AwsCredential { key_id: parsed.access_key_id, secret_key: parsed.secret_access_key, token: parsed.session_token };
        Ok(Fetched { credential, expires })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_found_by_name_and_comments_skipped() {
        let text = "[default]\naws_access_key_id=A\n# x\n[profile  dev]\nAWS_ACCESS_KEY_ID = B\n; y\n[other]\naws_access_key_id=C\n";
        assert_eq!(section_of(text, "default")["aws_access_key_id"], "A");
        assert_eq!(section_of(text, "profile dev")["aws_access_key_id"], "B");
        assert!(section_of(text, "missing").is_empty());
    }
}
