//! The S3 flavour: builds object_store's `AmazonS3` from S3A-style configuration, and issues the raw
//! requests it cannot (markers, real-key listings, DeleteObjects), signed with the store's own
//! credentials and sent through the same counting HTTP client.

use super::counting::CountingConnector;
use super::credentials::Signing;
use super::keys::{ListRequest, RawKeys, RawListing, RawObject, RenameReply};
use crate::settings::ObjectSettings;
use crate::error::{Error, ErrorKind, Result};
use async_trait::async_trait;
use base64::Engine;
use bytes::Bytes;
use object_store::aws::{AmazonS3Builder, AwsAuthorizer, AwsCredentialProvider, S3CopyIfNotExists};
use object_store::client::{HttpClient, HttpRequest, HttpRequestBody};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;

pub use crate::settings::CopyMode;

pub struct S3Settings {
    /// object_store's S3 store.
    pub store: std::sync::Arc<dyn object_store::ObjectStore>,
    pub keys: S3Keys,
    pub copy_mode: CopyMode,
    /// The bucket's region as cross-region access learns it.
    pub cross_region: std::sync::Arc<super::cross_region::CrossRegion>,
}

/// AWS's URI encoding: everything but unreserved characters (and `/` in paths).
const QUERY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
const PATH_ENCODE: &AsciiSet = &QUERY_ENCODE.remove(b'/');

pub fn build(scheme: &str, bucket: &str, settings: &ObjectSettings, mut connector: CountingConnector) -> Result<S3Settings> {
    if bucket.is_empty() {
        return Err(Error::invalid(format!("{scheme}:// URIs need a bucket: {scheme}://bucket/path")));
    }
    let (region, path_style) = (settings.region.clone(), settings.path_style);
    let endpoint = settings.endpoint.clone();
    let base = bucket_url(endpoint.as_deref(), bucket, &region, path_style)?;
    let copy_mode = settings.copy_mode;

    let retries = super::retries::Retries::new(&settings.retry);
    let client_slot = connector.client.clone();
    let cross_region = std::sync::Arc::new(super::cross_region::CrossRegion::new(settings.cross_region));
    connector.cross_region = cross_region.clone();
    connector.max_connections = settings.network.max_connections;
    connector.wire_headers = std::sync::Arc::new(super::wire_headers::WireHeaders::new(&settings.requests)?);
    let mut builder = AmazonS3Builder::from_env()
        .with_client_options(super::network::client_options(retries.client_options(), &settings.network)?)
        .with_retry(retries.retry.clone())
        .with_bucket_name(bucket)
        .with_region(&region)
        .with_http_connector(connector)
        .with_allow_http(base.starts_with("http://"))
        .with_virtual_hosted_style_request(!path_style);
    if let Some(e) = &endpoint {
        // Virtual-hosted style with a custom endpoint: object_store wants the bucket already in the host.
        builder = builder.with_endpoint(if path_style { e.clone() } else { base.clone() });
    }
    if let Some(k) = &settings.credentials.access_key {
        builder = builder.with_access_key_id(k.expose());
    }
    if let Some(k) = &settings.credentials.secret_key {
        builder = builder.with_secret_access_key(k.expose());
    }
    if let Some(t) = &settings.credentials.session_token {
        builder = builder.with_token(t.expose());
    }
    let signing = super::credentials::signing(scheme, bucket, settings)?;
    builder = match &signing {
        Signing::Default => builder,
        Signing::Anonymous => builder.with_skip_signature(true),
        Signing::Chain(provider) => builder.with_credentials(provider.clone()),
    };
    builder = match copy_mode {
        CopyMode::Header => builder.with_copy_if_not_exists(S3CopyIfNotExists::Header("If-None-Match".into(), "*".into())),
        CopyMode::Multipart => builder.with_copy_if_not_exists(S3CopyIfNotExists::Multipart),
        CopyMode::Unsafe => builder,
    };
    builder = super::request_options::apply(builder, &settings.requests)?;
    let store = builder.build().map_err(|e| {
        Error::invalid(format!("cannot configure S3 for bucket '{bucket}': {e}; check fs.{scheme}.endpoint and credentials"))
    })?;
    let client = client_slot.lock().clone().ok_or_else(|| Error::invalid("the S3 HTTP client was not created"))?;
    let credentials = match signing {
        Signing::Anonymous => None,
        _ => Some(store.credentials().clone()),
    };
    cross_region.set_signer(super::cross_region::Signer { credentials: credentials.clone(), bucket_url: base.clone(), bucket: bucket.to_string() });
    let keys = S3Keys {
        client,
        base,
        region,
        credentials,
        bucket: bucket.to_string(),
        scheme: scheme.to_string(),
        retries,
        requester_pays: settings.requests.requester_pays,
        put_headers: super::request_options::raw_put_headers(&settings.requests)?,
    };
    Ok(S3Settings { store: std::sync::Arc::new(store), keys, copy_mode, cross_region })
}

fn bucket_url(endpoint: Option<&str>, bucket: &str, region: &str, path_style: bool) -> Result<String> {
    Ok(match (endpoint, path_style) {
        (Some(e), true) => format!("{e}/{bucket}"),
        (Some(e), false) => {
            let (scheme, host) = e.split_once("://").ok_or_else(|| Error::invalid(format!("endpoint '{e}' is not a URL")))?;
            format!("{scheme}://{bucket}.{host}")
        }
        (None, true) => format!("https://s3.{region}.amazonaws.com/{bucket}"),
        (None, false) => format!("https://{bucket}.s3.{region}.amazonaws.com"),
    })
}

pub struct S3Keys {
    client: HttpClient,
    base: String,
    region: String,
    /// `None`: anonymous, requests go unsigned.
    credentials: Option<AwsCredentialProvider>,
    bucket: String,
    /// The user's URI scheme (`s3c`), so messages name paths the way the user wrote them.
    scheme: String,
    retries: super::retries::Retries,
    /// `x-amz-request-payer: requester` on every raw request.
    requester_pays: bool,
    /// Encryption of raw object PUTs (`dir/` markers).
    put_headers: http::HeaderMap,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListBucketResult {
    #[serde(default)]
    contents: Vec<ListedObject>,
    #[serde(default)]
    common_prefixes: Vec<ListedPrefix>,
    #[serde(default)]
    is_truncated: bool,
    next_continuation_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedObject {
    key: String,
    #[serde(default)]
    size: u64,
    last_modified: Option<String>,
    e_tag: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedPrefix {
    prefix: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct DeleteResult {
    #[serde(default)]
    error: Vec<S3ErrorBody>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct S3ErrorBody {
    #[serde(default)]
    key: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

impl S3Keys {
    pub(super) fn show(&self, key: &str) -> String {
        format!("{}://{}/{}", self.scheme, self.bucket, key)
    }

    fn url(&self, key: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!("{}/{}", self.base, utf8_percent_encode(key, PATH_ENCODE));
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&format!("{}={}", utf8_percent_encode(k, QUERY_ENCODE), utf8_percent_encode(v, QUERY_ENCODE)));
        }
        url
    }

    /// Sends one signed request, retrying transport errors, timeouts and 5xx as configured (every raw
    /// request sent this way is idempotent).
    pub(super) async fn send(&self, method: &str, key: &str, query: &[(&str, &str)], body: Bytes, md5: bool, what: &str) -> Result<Bytes> {
        let url = self.url(key, query);
        let shown = self.show(key);
        let mut last_err = None;
        let started = std::time::Instant::now();
        for attempt in 0..=self.retries.retry.max_retries {
            if attempt > 0 {
                if started.elapsed() >= self.retries.retry.retry_timeout {
                    break;
                }
                let pause = self.retries.backoff(attempt);
                if let Some(cause) = &last_err {
                    log::info!(target: "commitfs::s3", "{cause}; retry {attempt} of {} in {} ms",
                        self.retries.retry.max_retries, pause.as_millis());
                }
                tokio::time::sleep(pause).await;
            }
            let (status, bytes) = match self.attempt(method, &url, &shown, &[], body.clone(), md5, what).await? {
                Answer::Reply(status, bytes) => (status, bytes),
                Answer::NoReply { err, hopeless } => {
                    last_err = Some(err);
                    if hopeless {
                        break;
                    }
                    continue;
                }
            };
            if (200..300).contains(&status) {
                return Ok(bytes);
            }
            let detail = failure_detail(status, &bytes, what);
            if status >= 500 {
                last_err = Some(Error::io(&shown, detail));
                continue;
            }
            let kind = match status {
                401 | 403 => ErrorKind::PermissionDenied,
                404 => ErrorKind::NotFound,
                412 => ErrorKind::Conflict,
                _ => ErrorKind::Io,
            };
            return Err(Error::at(kind, &shown, detail));
        }
        Err(last_err.unwrap_or_else(|| Error::io(&shown, format!("{what} failed"))))
    }

    /// One request (signed unless anonymous), no retry: the answer, or why none came. `Err`: nothing
    /// was sent (no credentials, unsignable request).
    async fn attempt(&self, method: &str, url: &str, shown: &str, headers: &[(&'static str, &str)], body: Bytes, md5: bool, what: &str) -> Result<Answer> {
        let mut req: HttpRequest = http::Request::builder()
            .method(method)
            .uri(url)
            .body(HttpRequestBody::from(body.clone()))
            .map_err(|e| Error::invalid(format!("{what} {shown}: bad request: {e}")))?;
        if md5 {
            use md5::Digest;
            let digest = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&body));
            req.headers_mut().insert("content-md5", digest.parse().expect("base64 is a valid header value"));
        }
        for (name, value) in headers {
            let value = value.parse().map_err(|e| Error::invalid(format!("{what} {shown}: bad header {name}: {e}")))?;
            req.headers_mut().insert(*name, value);
        }
        if method == "PUT" && !url.contains('?') {
            // An object PUT (a `dir/` marker), not RenameObject (which keeps the source's encryption).
            req.headers_mut().extend(self.put_headers.clone());
        }
        if self.requester_pays {
            // Before signing, which covers it (anonymous requests carry it unsigned).
            req.headers_mut().insert("x-amz-request-payer", http::HeaderValue::from_static("requester"));
        }
        if let Some(credentials) = &self.credentials {
            let credential = credentials.get_credential().await.map_err(|e| {
                Error::at(ErrorKind::PermissionDenied, shown, format!("cannot obtain S3 credentials: {e}"))
            })?;
            AwsAuthorizer::new(&credential, "s3", &self.region)
                .try_authorize(&mut req, None)
                .map_err(|e| Error::io(shown, format!("cannot sign the {what} request: {e}")))?;
        }
        let resp = match self.client.execute(req).await {
            Ok(r) => r,
            Err(e) => {
                let hopeless = super::unreachable::is_final(&e);
                let cause = super::unreachable::chain(&e);
                let err = Error::io(shown, format!("{what} failed: {cause} (endpoint {})", self.base));
                return Ok(Answer::NoReply { err, hopeless });
            }
        };
        let status = resp.status().as_u16();
        match resp.into_body().bytes().await {
            Ok(b) => Ok(Answer::Reply(status, b)),
            Err(e) => Ok(Answer::NoReply { err: Error::io(shown, format!("{what} failed reading the response: {e}")), hopeless: false }),
        }
    }
}

/// What one request got back.
enum Answer {
    /// The status code and body.
    Reply(u16, Bytes),
    /// No (complete) answer: the request may or may not have acted. `hopeless`: retrying cannot help.
    NoReply { err: Error, hopeless: bool },
}

fn failure_detail(status: u16, body: &[u8], what: &str) -> String {
    let err: S3ErrorBody = quick_xml::de::from_reader(body).unwrap_or_default();
    format!("{what} failed: HTTP {status} {} {}", err.code, err.message)
}

pub(super) fn parse_ms(s: Option<&str>) -> i64 {
    s.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()).map(|d| d.timestamp_millis()).unwrap_or(0)
}

#[async_trait]
impl RawKeys for S3Keys {
    async fn list(&self, req: ListRequest<'_>) -> Result<RawListing> {
        // The caller's page (`paging.maximum` at most): AWS answers at most 1,000 keys, SeaweedFS as many
        // as asked, and a truncated page carries its continuation token either way.
        let max = req.max_keys.max(1).to_string();
        let mut query = vec![("list-type", "2"), ("max-keys", max.as_str()), ("prefix", req.prefix)];
        if req.delimited {
            query.push(("delimiter", "/"));
        }
        if let Some(t) = req.token {
            query.push(("continuation-token", t));
        } else if let Some(a) = req.start_after {
            query.push(("start-after", a));
        }
        query.sort();
        let body = self.send("GET", "", &query, Bytes::new(), false, "LIST").await?;
        let parsed: ListBucketResult = quick_xml::de::from_reader(body.as_ref())
            .map_err(|e| Error::io(self.show(req.prefix), format!("unreadable LIST response: {e}")))?;
        Ok(RawListing {
            objects: parsed
                .contents
                .into_iter()
                .map(|o| RawObject { modified_ms: parse_ms(o.last_modified.as_deref()), key: o.key, size: o.size, etag: o.e_tag })
                .collect(),
            prefixes: parsed.common_prefixes.into_iter().map(|p| p.prefix).collect(),
            next: parsed.next_continuation_token.filter(|_| parsed.is_truncated),
        })
    }

    async fn list_uploads(&self, prefix: &str) -> Result<Vec<super::uploads::Upload>> {
        self.uploads_under(prefix).await
    }

    async fn abort_upload(&self, upload: &super::uploads::Upload) -> Result<()> {
        self.abort(upload).await
    }

    async fn put_marker(&self, dir_key: &str) -> Result<()> {
        self.send("PUT", dir_key, &[], Bytes::new(), false, "PUT directory marker").await.map(drop)
    }

    async fn delete_keys(&self, keys: &[String]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut xml = String::from("<Delete><Quiet>true</Quiet>");
        for k in keys {
            xml.push_str("<Object><Key>");
            xml.push_str(&quick_xml::escape::escape(k.as_str()));
            xml.push_str("</Key></Object>");
        }
        xml.push_str("</Delete>");
        let body = self.send("POST", "", &[("delete", "")], Bytes::from(xml), true, "DeleteObjects").await?;
        let result: DeleteResult = quick_xml::de::from_reader(body.as_ref()).unwrap_or_default();
        match result.error.into_iter().next() {
            None => Ok(()),
            Some(e) => Err(Error::io(self.show(&e.key), format!("DeleteObjects failed: {} {}", e.code, e.message))),
        }
    }

    /// Retried on timeouts like every raw request (S3 answers 204 whether or not the key was there), so a
    /// delete that happened is never reported as failed.
    async fn delete_key(&self, key: &str) -> Result<()> {
        match self.send("DELETE", key, &[], Bytes::new(), false, "DELETE").await {
            Ok(_) => Ok(()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(()), // stores that answer 404 for a missing key
            Err(e) => Err(e),
        }
    }

    async fn rename_once(&self, src: &str, dst: &str, if_absent: bool) -> RenameReply {
        let url = self.url(dst, &[("renameObject", "")]);
        let (shown, what) = (self.show(dst), "RenameObject");
        let source = format!("/{}/{}", self.bucket, utf8_percent_encode(src, PATH_ENCODE));
        let mut headers = vec![("x-amz-rename-source", source.as_str())];
        if if_absent {
            headers.push(("if-none-match", "*"));
        }
        let (status, body) = match self.attempt("PUT", &url, &shown, &headers, Bytes::new(), false, what).await {
            Ok(Answer::Reply(status, body)) => (status, body),
            Ok(Answer::NoReply { err, hopeless }) => return RenameReply::Lost { err, hopeless },
            Err(e) => return RenameReply::Refused(e),
        };
        let detail = || failure_detail(status, &body, what);
        match status {
            200..=299 => RenameReply::Renamed,
            412 => RenameReply::DestinationExists,
            404 => RenameReply::SourceMissing,
            400 | 405 | 501 => RenameReply::Unsupported(detail()),
            401 | 403 => RenameReply::Refused(Error::at(ErrorKind::PermissionDenied, &shown, detail())),
            s if s >= 500 => RenameReply::Lost { err: Error::io(&shown, detail()), hopeless: false },
            _ => RenameReply::Refused(Error::io(&shown, detail())),
        }
    }
}
