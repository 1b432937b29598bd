//! A small STS client: `AssumeRole` (signed with the source credentials, S3A's
//! `AssumedRoleCredentialProvider`) and `AssumeRoleWithWebIdentity` (unsigned, the SDK's
//! `WebIdentityTokenCredentialsProvider`, IRSA). Both return an expiring session.

use super::refresh::{Fetch, Fetched};
use async_trait::async_trait;
use bytes::Bytes;
use object_store::aws::{AwsAuthorizer, AwsCredential, AwsCredentialProvider};
use object_store::client::{HttpClient, HttpRequest, HttpRequestBody};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use std::time::{Duration, SystemTime};

const FORM_ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
const ATTEMPTS: u32 = 3;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Response {
    #[serde(alias = "AssumeRoleWithWebIdentityResult")]
    assume_role_result: Option<Result_>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Result_ {
    credentials: Credentials,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ErrorResponse {
    #[serde(default)]
    error: ErrorBody,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// How the request is authenticated.
pub enum Caller {
    /// AssumeRole, signed with these credentials.
    Signed(AwsCredentialProvider),
    /// AssumeRoleWithWebIdentity with the token in this file (re-read each time: it is rotated).
    WebIdentity(String),
}

/// One AssumeRole call's parameters.
pub struct AssumeRole {
    pub arn: String,
    pub session: String,
    /// `None`: STS's default (one hour).
    pub duration: Option<Duration>,
    /// `ExternalId` (`assumed.role.external.id`, a profile's `external_id`): the role's trust policy may demand it.
    pub external_id: Option<String>,
    /// `Policy` (`assumed.role.policy`): a JSON session policy narrowing the role's permissions.
    pub policy: Option<String>,
}

pub struct Sts {
    pub client: HttpClient,
    pub endpoint: String,
    pub region: String,
    pub role: AssumeRole,
    pub caller: Caller,
}

impl Sts {
    fn form(&self) -> Result<String, String> {
        let mut params = vec![
            ("Version", "2011-06-15".to_string()),
            ("RoleArn", self.role.arn.clone()),
            ("RoleSessionName", self.role.session.clone()),
        ];
        if let Some(d) = self.role.duration {
            params.push(("DurationSeconds", d.as_secs().max(1).to_string()));
        }
        if let Some(id) = &self.role.external_id {
            params.push(("ExternalId", id.clone()));
        }
        if let Some(policy) = &self.role.policy {
            params.push(("Policy", policy.clone()));
        }
        match &self.caller {
            Caller::Signed(_) => params.push(("Action", "AssumeRole".into())),
            Caller::WebIdentity(file) => {
                let token = std::fs::read_to_string(file)
                    .map_err(|e| format!("cannot read the web identity token file {file} (AWS_WEB_IDENTITY_TOKEN_FILE): {e}"))?;
                params.push(("Action", "AssumeRoleWithWebIdentity".into()));
                params.push(("WebIdentityToken", token.trim().to_string()));
            }
        }
        let pairs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, FORM_ENCODE))).collect();
        Ok(pairs.join("&"))
    }

    async fn request(&self) -> Result<(u16, Bytes), String> {
        let mut req: HttpRequest = http::Request::builder()
            .method("POST")
            .uri(&self.endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(HttpRequestBody::from(Bytes::from(self.form()?)))
            .map_err(|e| format!("bad STS endpoint {}: {e}", self.endpoint))?;
        if let Caller::Signed(source) = &self.caller {
            let credential = source.get_credential().await.map_err(|e| format!("no credentials to call STS with: {e}"))?;
            AwsAuthorizer::new(&credential, "sts", &self.region)
                .try_authorize(&mut req, None)
                .map_err(|e| format!("cannot sign the STS request: {e}"))?;
        }
        let resp = self.client.execute(req).await.map_err(|e| format!("STS {} unreachable: {e}", self.endpoint))?;
        let status = resp.status().as_u16();
        let body = resp.into_body().bytes().await.map_err(|e| format!("STS {}: unreadable response: {e}", self.endpoint))?;
        Ok((status, body))
    }
}

#[async_trait]
impl Fetch for Sts {
    async fn fetch(&self) -> Result<Fetched, String> {
        let what = format!("role {} through STS {}", self.role.arn, self.endpoint);
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
            }
            let (status, body) = match self.request().await {
                Ok(r) => r,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            if (200..300).contains(&status) {
                let parsed: Response = quick_xml::de::from_reader(body.as_ref())
                    .map_err(|e| format!("cannot assume {what}: unreadable answer: {e}"))?;
                let c = parsed.assume_role_result.ok_or_else(|| format!("cannot assume {what}: no credentials in the answer"))?.credentials;
                let expires = chrono::DateTime::parse_from_rfc3339(c.expiration.trim())
                    .map_err(|e| format!("cannot assume {what}: bad expiration {}: {e}", c.expiration))?;
                let expires = SystemTime::UNIX_EPOCH + Duration::from_millis(expires.timestamp_millis().max(0) as u64);
                let credential = AwsCredential { key_id: c.access_key_id, secret_key: c.secret_access_key, token: Some(c.session_token) };
                return Ok(Fetched { credential, expires: Some(expires) });
            }
            let err: ErrorResponse = quick_xml::de::from_reader(body.as_ref()).unwrap_or_default();
            last = format!("cannot assume {what}: HTTP {status} {} {}", err.error.code, err.error.message);
            if status < 500 && status != 429 {
                break;
            }
        }
        Err(last)
    }
}
