//! S3A's cross-region access (`fs.s3a.cross.region.access.enabled`, on by default, as the AWS SDK's
//! `crossRegionAccessEnabled`): a request AWS refuses because it was signed for another region than the
//! bucket's (301 PermanentRedirect, 400 AuthorizationHeaderMalformed, or an `x-amz-bucket-region`
//! header naming another region) is signed again for the bucket's region and sent once more; from then
//! on every request of the store is signed for that region before it is sent.
//!
//! The region comes from the refusal (`x-amz-bucket-region`, or the `<Region>` of the error body), else
//! from one `HEAD bucket`, whose answer carries `x-amz-bucket-region` whatever its status. This layer
//! sits in the store's HTTP client, above the request counters, so object_store's requests and commitfs's
//! raw ones are redirected alike, and the extra requests are counted.

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{AUTHORIZATION, HOST};
use http::{Method, Uri};
use object_store::aws::{AwsAuthorizer, AwsCredentialProvider};
use object_store::client::{HttpClient, HttpError, HttpErrorKind, HttpRequest, HttpRequestBody, HttpResponse, HttpResponseBody, HttpService};
use once_cell::sync::OnceCell;
use parking_lot::RwLock;
use std::sync::Arc;

const BUCKET_REGION: &str = "x-amz-bucket-region";
/// The largest error body read to find the region (S3's error documents are a few hundred bytes).
const MAX_ERROR_BODY: usize = 64 << 10;

/// What the region layer needs once the store is built: how to sign, and where the bucket is.
pub struct Signer {
    /// `None`: anonymous requests (nothing to sign; only an AWS host is changed).
    pub credentials: Option<AwsCredentialProvider>,
    /// `https://bucket.s3.region.amazonaws.com` or `endpoint/bucket`: where `HEAD bucket` goes.
    pub bucket_url: String,
    pub bucket: String,
}

/// The cross-region state of one store, shared by its HTTP client and `s3.rs` (which sets the signer).
#[derive(Default)]
pub struct CrossRegion {
    enabled: bool,
    signer: OnceCell<Signer>,
    /// The bucket's region, once a request was refused for another.
    learned: RwLock<Option<String>>,
    /// The answer of the one `HEAD bucket` asked (`None` inside: it named no region).
    probed: tokio::sync::Mutex<Option<Option<String>>>,
}

impl std::fmt::Debug for CrossRegion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrossRegion").field("enabled", &self.enabled).field("learned", &*self.learned.read()).finish_non_exhaustive()
    }
}

impl CrossRegion {
    pub fn new(enabled: bool) -> Self {
        CrossRegion { enabled, ..Default::default() }
    }

    /// Called once the store is built (its credential provider exists only then).
    pub fn set_signer(&self, signer: Signer) {
        let _ = self.signer.set(signer);
    }

    /// What signs the store's requests, once the store is built.
    pub(super) fn signer(&self) -> Option<&Signer> {
        self.signer.get()
    }

    /// The bucket's region if a refusal taught it (for `commitfs doctor` and tests).
    pub fn learned(&self) -> Option<String> {
        self.learned.read().clone()
    }

    /// Where the region named by a refusal comes from when the refusal itself does not say.
    async fn probe(&self, inner: &HttpClient, signed: Option<&str>) -> Option<String> {
        let mut probed = self.probed.lock().await;
        if let Some(answer) = &*probed {
            return answer.clone();
        }
        let signer = self.signer.get()?;
        let mut req = http::Request::builder().method(Method::HEAD).uri(&signer.bucket_url).body(HttpRequestBody::empty()).ok()?;
        // Signed for the region the refused request was (AWS names the bucket's region to any caller).
        if sign(&mut req, signer, signed.unwrap_or("us-east-1")).await.is_err() {
            return None;
        }
        let answer = match inner.execute(req).await {
            Ok(resp) => resp.headers().get(BUCKET_REGION).and_then(|v| v.to_str().ok()).map(str::to_string),
            Err(e) => {
                log::debug!("HEAD bucket {} to find its region failed: {e}", signer.bucket);
                None
            }
        };
        *probed = Some(answer.clone());
        answer
    }
}

/// The HTTP service of a store: sends through `inner`, redirecting to the bucket's region.
#[derive(Debug)]
pub struct CrossRegionService {
    pub inner: HttpClient,
    pub state: Arc<CrossRegion>,
}

/// What a refusal says about the region.
enum Hint {
    /// Not a region error.
    None,
    Region(String),
    /// A region error that does not name the region: ask the bucket.
    Ask,
}

#[async_trait]
impl HttpService for CrossRegionService {
    async fn call(&self, mut req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let state = &self.state;
        let Some(signer) = state.signer.get() else { return self.inner.execute(req).await };
        if !state.enabled {
            return self.refused_without_redirect(req, signer).await;
        }
        if let Some(region) = state.learned() {
            if signed_region(&req).is_none_or(|s| s != region) {
                resign(&mut req, signer, &region).await?;
            }
        }
        let signed = signed_region(&req);
        let again = copy(&req);
        let resp = self.inner.execute(req).await?;
        let (resp, hint) = hint(resp).await?;
        let region = match hint {
            Hint::None => return Ok(resp),
            Hint::Region(r) => Some(r),
            Hint::Ask => state.probe(&self.inner, signed.as_deref()).await,
        };
        let Some(region) = region.filter(|r| Some(r) != signed.as_ref() && looks_like_region(r)) else { return Ok(resp) };
        log::info!(
            "bucket {} is in region {region}, not {}: its requests are signed for {region} from now on \
             (S3A's cross-region access; set endpoint.region={region} to skip the first refused request)",
            signer.bucket,
            signed.as_deref().unwrap_or("the configured one")
        );
        *state.learned.write() = Some(region.clone());
        let mut again = again;
        resign(&mut again, signer, &region).await?;
        self.inner.execute(again).await
    }
}

impl CrossRegionService {
    /// Cross-region access off: a region refusal reaches the caller, and the log says which region the
    /// bucket named and the keys that fix it (the refusal itself may have no body: a HEAD).
    async fn refused_without_redirect(&self, req: HttpRequest, signer: &Signer) -> Result<HttpResponse, HttpError> {
        let signed = signed_region(&req);
        let (resp, hint) = hint(self.inner.execute(req).await?).await?;
        if let Hint::Region(region) = hint {
            if Some(&region) != signed.as_ref() && looks_like_region(&region) {
                log::warn!(
                    "bucket {} is in region {region}, but requests are signed for {} and cross.region.access.enabled=false: \
                     set endpoint.region={region}",
                    signer.bucket,
                    signed.as_deref().unwrap_or("none")
                );
            }
        }
        Ok(resp)
    }
}

/// Whether `resp` is a region refusal, reading the (small) body of a 400 or 301 to find out; the
/// response is rebuilt from what was read.
async fn hint(resp: HttpResponse) -> Result<(HttpResponse, Hint), HttpError> {
    let status = resp.status().as_u16();
    if !matches!(status, 301 | 307 | 400) {
        return Ok((resp, Hint::None));
    }
    if let Some(r) = resp.headers().get(BUCKET_REGION).and_then(|v| v.to_str().ok()) {
        let r = r.to_string();
        return Ok((resp, Hint::Region(r)));
    }
    let length = resp.headers().get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if length.is_some_and(|n| n > MAX_ERROR_BODY) {
        return Ok((resp, Hint::None));
    }
    let (parts, body) = resp.into_parts();
    let bytes: Bytes = body.bytes().await?;
    let text = String::from_utf8_lossy(&bytes);
    let code = element(&text, "Code");
    let hint = match (status, code) {
        (_, Some("AuthorizationHeaderMalformed" | "PermanentRedirect" | "IllegalLocationConstraintException")) | (301, None) => {
            element(&text, "Region").map_or(Hint::Ask, |r| Hint::Region(r.to_string()))
        }
        // A HEAD has no body to say why: a 400 may be the region (asked once, the answer kept).
        (400, None) if bytes.is_empty() => Hint::Ask,
        _ => Hint::None,
    };
    Ok((HttpResponse::from_parts(parts, HttpResponseBody::from(bytes)), hint))
}

/// The text of the first `<name>…</name>` of an XML document.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..start + end].trim())
}

/// Region names are lower-case letters, digits and dashes (never a header injection or a URL part).
fn looks_like_region(r: &str) -> bool {
    !r.is_empty() && r.len() <= 32 && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The region a SigV4 `Authorization` header is scoped to (`Credential=KEY/DATE/REGION/s3/aws4_request`).
pub fn signed_region(req: &HttpRequest) -> Option<String> {
    let auth = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let credential = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    let mut parts = credential.rsplit('/');
    let (_terminator, _service, region) = (parts.next()?, parts.next()?, parts.next()?);
    Some(region.to_string())
}

fn copy(req: &HttpRequest) -> HttpRequest {
    let mut out = http::Request::new(req.body().clone());
    *out.method_mut() = req.method().clone();
    *out.uri_mut() = req.uri().clone();
    *out.headers_mut() = req.headers().clone();
    *out.version_mut() = req.version();
    out
}

/// Points `req` at `region`: an AWS host naming another region is changed, and a signed request is
/// signed again (same payload digest, same headers) for `region`.
async fn resign(req: &mut HttpRequest, signer: &Signer, region: &str) -> Result<(), HttpError> {
    if let Some(uri) = aws_host_for(req.uri(), region) {
        *req.uri_mut() = uri;
        req.headers_mut().remove(HOST);
    }
    sign_again(req, signer, region).await
}

/// Signs a signed request again for `region` (its headers changed, or its region): same payload digest.
pub(super) async fn sign_again(req: &mut HttpRequest, signer: &Signer, region: &str) -> Result<(), HttpError> {
    if !req.headers().contains_key(AUTHORIZATION) {
        return Ok(());
    }
    req.headers_mut().remove(AUTHORIZATION);
    sign(req, signer, region).await
}

/// Signs `req` for `region` with the store's credentials (anonymous stores send it unsigned).
async fn sign(req: &mut HttpRequest, signer: &Signer, region: &str) -> Result<(), HttpError> {
    let Some(credentials) = &signer.credentials else { return Ok(()) };
    let credential = credentials.get_credential().await.map_err(|e| HttpError::new(HttpErrorKind::Unknown, e))?;
    let digest = req.headers().get("x-amz-content-sha256").and_then(|v| v.to_str().ok()).map(str::to_string);
    let mut authorizer = AwsAuthorizer::new(&credential, "s3", region);
    let precalculated = match digest.as_deref() {
        Some("UNSIGNED-PAYLOAD") => {
            authorizer = authorizer.with_sign_payload(false);
            None
        }
        Some(hex) if hex.len() == 64 => unhex(hex),
        _ => None,
    };
    authorizer.try_authorize(req, precalculated.as_deref()).map_err(|e| HttpError::new(HttpErrorKind::Unknown, e))
}

/// `uri` with its AWS S3 host's region replaced by `region` (`s3.R.amazonaws.com`,
/// `bucket.s3.R.amazonaws.com`, `s3.dualstack.R.amazonaws.com`, the global `s3.amazonaws.com`); `None`
/// for any other host (a custom endpoint is where the user sent it).
fn aws_host_for(uri: &Uri, region: &str) -> Option<Uri> {
    let host = uri.host()?;
    let stem = host.strip_suffix(".amazonaws.com")?;
    let labels: Vec<&str> = stem.split('.').collect();
    let s3 = labels.iter().rposition(|l| *l == "s3" || l.starts_with("s3-"))?;
    let mut out: Vec<&str> = labels[..=s3].to_vec();
    out[s3] = if labels[s3] == "s3" || labels[s3].starts_with("s3-external") || labels[s3].starts_with("s3-") { "s3" } else { labels[s3] };
    let rest = &labels[s3 + 1..];
    match rest {
        [] => out.push(region),
        ["dualstack", _] => out.extend(["dualstack", region]),
        [_] => out.push(region),
        _ => return None,
    }
    let new_host = format!("{}.amazonaws.com", out.join("."));
    if new_host == host {
        return None;
    }
    let authority = match uri.port_u16() {
        Some(p) => format!("{new_host}:{p}"),
        None => new_host,
    };
    let mut parts = uri.clone().into_parts();
    parts.authority = Some(authority.parse().ok()?);
    Uri::from_parts(parts).ok()
}

/// The bytes of a lower- or upper-case hex string.
fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_hosts_move_to_the_region_and_other_hosts_stay() {
        let moved = |u: &str| aws_host_for(&u.parse().unwrap(), "eu-west-2").map(|u| u.to_string());
        assert_eq!(moved("https://b.s3.us-east-1.amazonaws.com/k?x=1").as_deref(), Some("https://b.s3.eu-west-2.amazonaws.com/k?x=1"));
        assert_eq!(moved("https://s3.amazonaws.com/b/k").as_deref(), Some("https://s3.eu-west-2.amazonaws.com/b/k"));
        assert_eq!(moved("https://s3-external-1.amazonaws.com/b").as_deref(), Some("https://s3.eu-west-2.amazonaws.com/b"));
        assert_eq!(moved("https://s3.dualstack.us-east-1.amazonaws.com/b").as_deref(), Some("https://s3.dualstack.eu-west-2.amazonaws.com/b"));
        assert_eq!(moved("https://b.s3.eu-west-2.amazonaws.com/k"), None, "already there");
        assert_eq!(moved("http://127.0.0.1:9000/b/k"), None);
        assert_eq!(moved("https://minio.example.com/b"), None);
        assert_eq!(moved("https://b.vpce-1.s3.us-east-1.vpce.amazonaws.com/k"), None, "a VPC endpoint is the user's");
    }

    #[test]
    fn the_signed_region_and_error_elements_are_read() {
        let req = http::Request::builder()
            .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261207/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0")
            .body(HttpRequestBody::empty())
            .unwrap();
        assert_eq!(signed_region(&req).as_deref(), Some("eu-west-1"));
        let xml = "<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-2</Region></Error>";
        assert_eq!((element(xml, "Code"), element(xml, "Region")), (Some("AuthorizationHeaderMalformed"), Some("eu-west-2")));
        assert!(!looks_like_region("eu-west-1\r\nx: y") && looks_like_region("ap-southeast-2"));
    }
}
