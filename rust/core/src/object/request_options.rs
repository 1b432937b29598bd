//! What every S3 request carries, from `settings::RequestSettings`, in both paths commitfs sends by:
//!
//! - object_store's requests: its builder sends the encryption headers on PUT, CreateMultipartUpload,
//!   CopyObject (plus the copy-source SSE-C headers) and, for SSE-C, on every part, GET and HEAD; its
//!   signer adds `x-amz-request-payer` to every request. The storage class is not a builder option, so
//!   `WithStorageClass` adds it to every PUT and multipart upload.
//! - commitfs's raw requests (`s3.rs`: LIST, `dir/` markers, DeleteObjects): `raw_put_headers` for the
//!   marker PUTs, `AwsAuthorizer::with_request_payer` for all. Every header is added before signing:
//!   S3 refuses `x-amz-*` headers that are not signed.

use crate::error::{Error, Result};
use crate::settings::{Checksum, Encryption, RequestSettings};
use async_trait::async_trait;
use base64::Engine;
use bytes::Bytes;
use futures::stream::BoxStream;
use http::{HeaderMap, HeaderName, HeaderValue};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{
    Attribute, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload,
    PutResult,
};
use std::ops::Range;
use std::sync::Arc;

/// Configures object_store's own requests.
pub fn apply(mut builder: AmazonS3Builder, r: &RequestSettings) -> Result<AmazonS3Builder> {
    builder = builder.with_request_payer(r.requester_pays);
    if let Some(c) = r.checksum {
        builder = builder.with_checksum_algorithm(match c {
            Checksum::Sha256 => object_store::aws::Checksum::SHA256,
            Checksum::Crc64Nvme => object_store::aws::Checksum::CRC64NVME,
        });
    }
    Ok(match &r.encryption {
        None => builder,
        Some(Encryption::SseS3) => {
            // The one encryption without a builder method; its config key is not exported by name.
            let key = "aws_server_side_encryption".parse::<object_store::aws::AmazonS3ConfigKey>().map_err(|e| Error::invalid(e.to_string()))?;
            builder.with_config(key, "AES256")
        }
        Some(Encryption::Kms { dual, key, bucket_key }) => {
            let id = key.as_ref().map(|k| k.expose().to_string()).unwrap_or_default();
            let mut b = if *dual { builder.with_dsse_kms_encryption(id) } else { builder.with_sse_kms_encryption(id) };
            if let Some(enabled) = bucket_key {
                b = b.with_bucket_key(*enabled);
            }
            b
        }
        Some(Encryption::CustomerKey(key)) => builder.with_ssec_encryption(key.expose()),
    })
}

/// The headers of a raw PUT of an object (a `dir/` marker): encryption and storage class.
pub fn raw_put_headers(r: &RequestSettings) -> Result<HeaderMap> {
    let mut h = HeaderMap::new();
    let mut add = |name: &'static str, value: &str, sensitive: bool| -> Result<()> {
        let mut v = HeaderValue::from_str(value).map_err(|_| Error::invalid(format!("{name}: not a valid header value")))?;
        v.set_sensitive(sensitive);
        h.insert(HeaderName::from_static(name), v);
        Ok(())
    };
    match &r.encryption {
        None => {}
        Some(Encryption::SseS3) => add("x-amz-server-side-encryption", "AES256", false)?,
        Some(Encryption::Kms { dual, key, bucket_key }) => {
            add("x-amz-server-side-encryption", if *dual { "aws:kms:dsse" } else { "aws:kms" }, false)?;
            if let Some(k) = key {
                add("x-amz-server-side-encryption-aws-kms-key-id", k.expose(), false)?;
            }
            if let Some(b) = bucket_key {
                add("x-amz-server-side-encryption-bucket-key-enabled", if *b { "true" } else { "false" }, false)?;
            }
        }
        Some(Encryption::CustomerKey(key)) => {
            use md5::Digest;
            let b64 = base64::engine::general_purpose::STANDARD;
            let raw = b64.decode(key.expose()).map_err(|_| Error::invalid("the SSE-C key is not base64"))?;
            add("x-amz-server-side-encryption-customer-algorithm", "AES256", false)?;
            add("x-amz-server-side-encryption-customer-key", key.expose(), true)?;
            add("x-amz-server-side-encryption-customer-key-md5", &b64.encode(md5::Md5::digest(&raw)), true)?;
        }
    }
    if let Some(class) = &r.storage_class {
        add("x-amz-storage-class", class, false)?;
    }
    Ok(h)
}

/// object_store's S3 store with the configured storage class on every PUT and multipart upload.
#[derive(Debug)]
pub struct WithStorageClass {
    inner: Arc<dyn ObjectStore>,
    class: String,
}

/// `store`, adding the storage class when one is configured.
pub fn with_defaults(store: Arc<dyn ObjectStore>, r: &RequestSettings) -> Arc<dyn ObjectStore> {
    match &r.storage_class {
        Some(class) => Arc::new(WithStorageClass { inner: store, class: class.clone() }),
        None => store,
    }
}

impl std::fmt::Display for WithStorageClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (storage class {})", self.inner, self.class)
    }
}

impl WithStorageClass {
    fn class(&self, attributes: &mut object_store::Attributes) {
        if attributes.get(&Attribute::StorageClass).is_none() {
            attributes.insert(Attribute::StorageClass, self.class.clone().into());
        }
    }
}

#[async_trait]
impl ObjectStore for WithStorageClass {
    async fn put_opts(&self, location: &Path, payload: PutPayload, mut opts: PutOptions) -> object_store::Result<PutResult> {
        self.class(&mut opts.attributes);
        self.inner.put_opts(location, payload, opts).await
    }
    async fn put_multipart_opts(&self, location: &Path, mut opts: PutMultipartOptions) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.class(&mut opts.attributes);
        self.inner.put_multipart_opts(location, opts).await
    }
    async fn get_opts(&self, location: &Path, options: GetOptions) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }
    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> object_store::Result<Vec<Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }
    fn delete_stream(&self, locations: BoxStream<'static, object_store::Result<Path>>) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.delete_stream(locations)
    }
    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }
    fn list_with_offset(&self, prefix: Option<&Path>, offset: &Path) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list_with_offset(prefix, offset)
    }
    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }
    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Secret;

    #[test]
    fn raw_puts_carry_the_encryption_and_storage_class() {
        let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_string();
        let r = RequestSettings {
            encryption: Some(Encryption::CustomerKey(crate::settings::Secret(key.clone()))),
            storage_class: Some("STANDARD_IA".into()),
            ..Default::default()
        };
        let h = raw_put_headers(&r).unwrap();
        assert_eq!(h["x-amz-server-side-encryption-customer-algorithm"], "AES256");
        assert_eq!(h["x-amz-server-side-encryption-customer-key"], key.as_str());
        // MD5 of the 32 bytes "0123456789abcdef0123456789abcdef", base64.
        assert_eq!(h["x-amz-server-side-encryption-customer-key-md5"], "hRasmdxgYDKV3nvbahU1MA==");
        assert_eq!(h["x-amz-storage-class"], "STANDARD_IA");
        let kms = RequestSettings {
            encryption: Some(Encryption::Kms { dual: true, key: Some(Secret("arn:k".into())), bucket_key: Some(false) }),
            ..Default::default()
        };
        let h = raw_put_headers(&kms).unwrap();
        assert_eq!((&h["x-amz-server-side-encryption"], &h["x-amz-server-side-encryption-aws-kms-key-id"]), (&"aws:kms:dsse".parse::<HeaderValue>().unwrap(), &"arn:k".parse::<HeaderValue>().unwrap()));
        assert_eq!(h["x-amz-server-side-encryption-bucket-key-enabled"], "false");
        assert!(raw_put_headers(&RequestSettings::default()).unwrap().is_empty());
    }
}
