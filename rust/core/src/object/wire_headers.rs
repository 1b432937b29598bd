//! Headers object_store's builder cannot be told to send, added in the store's HTTP client to every
//! request that needs them, object_store's and commitfs's raw ones alike:
//!
//! - `x-amz-acl` (`acl.default`, any canned ACL but the default `private`) on every object write: PUT
//!   (files and `dir/` markers), CopyObject, CreateMultipartUpload;
//! - `x-amz-storage-class` (`create.storage.class`) on the same writes when absent: S3 gives a copy
//!   STANDARD unless the copy names the class, and object_store's copies name none;
//! - with SSE-C, the copy-source key on UploadPartCopy (a multipart-mode copy): object_store sends only
//!   the destination's, and S3 cannot read an SSE-C source without its key.
//!
//! S3 refuses unsigned `x-amz-*` headers, so a signed request is signed again (same region, same
//! payload digest) after they are added: `cross_region::sign_again`.

use super::counting::classify;
use super::cross_region::{sign_again, signed_region, CrossRegion};
use crate::error::{Error, Result};
use crate::settings::{Encryption, RequestSettings};
use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue};
use object_store::client::{HttpClient, HttpError, HttpRequest, HttpResponse, HttpService};
use std::sync::Arc;

/// What to add, from the request settings.
#[derive(Debug, Default)]
pub struct WireHeaders {
    /// Added to object writes when absent.
    writes: HeaderMap,
    /// Added to UploadPartCopy.
    part_copies: HeaderMap,
}

impl WireHeaders {
    pub fn new(r: &RequestSettings) -> Result<Self> {
        let mut h = WireHeaders::default();
        if let Some(acl) = &r.canned_acl {
            h.writes.insert(HeaderName::from_static("x-amz-acl"), value(acl, false)?);
        }
        if let Some(class) = &r.storage_class {
            h.writes.insert(HeaderName::from_static("x-amz-storage-class"), value(class, false)?);
        }
        if let Some(Encryption::CustomerKey(key)) = &r.encryption {
            let md5 = super::request_options::customer_key_md5(key)?;
            for (name, v, sensitive) in [
                ("x-amz-copy-source-server-side-encryption-customer-algorithm", "AES256", false),
                ("x-amz-copy-source-server-side-encryption-customer-key", key.expose(), true),
                ("x-amz-copy-source-server-side-encryption-customer-key-md5", md5.as_str(), true),
            ] {
                h.part_copies.insert(HeaderName::from_static(name), value(v, sensitive)?);
            }
        }
        Ok(h)
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.part_copies.is_empty()
    }

    /// The headers `req` lacks, by its S3 operation.
    fn missing(&self, req: &HttpRequest) -> Vec<(HeaderName, HeaderValue)> {
        let wanted = match classify(req) {
            "PUT" | "COPY" | "MPU_CREATE" => &self.writes,
            "MPU_PART" if req.headers().contains_key("x-amz-copy-source") => &self.part_copies,
            _ => return Vec::new(),
        };
        wanted.iter().filter(|(k, _)| !req.headers().contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

fn value(v: &str, sensitive: bool) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(v).map_err(|_| Error::invalid(format!("{v:?} is not a valid header value")))?;
    value.set_sensitive(sensitive);
    Ok(value)
}

#[derive(Debug)]
pub struct WireHeadersService {
    pub inner: HttpClient,
    pub headers: Arc<WireHeaders>,
    /// Its signer signs the requests again.
    pub signer: Arc<CrossRegion>,
}

#[async_trait]
impl HttpService for WireHeadersService {
    async fn call(&self, mut req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let missing = self.headers.missing(&req);
        if !missing.is_empty() {
            req.headers_mut().extend(missing);
            if let (Some(region), Some(signer)) = (signed_region(&req), self.signer.signer()) {
                sign_again(&mut req, signer, &region).await?;
            }
        }
        self.inner.execute(req).await
    }
}
