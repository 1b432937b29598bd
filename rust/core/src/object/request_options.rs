//! What every S3 request carries, from `settings::RequestSettings`, in both paths commitfs sends by:
//!
//! - object_store's requests: its builder sends the encryption headers on PUT, CreateMultipartUpload,
//!   CopyObject (plus the copy-source SSE-C headers) and, for SSE-C, on every part, GET and HEAD; its
//!   signer adds `x-amz-request-payer` to every request.
//! - commitfs's raw requests (`s3.rs`: LIST, `dir/` markers, DeleteObjects): `raw_put_headers` for the
//!   marker PUTs, `x-amz-request-payer` for all. Every header is added before signing: S3 refuses
//!   `x-amz-*` headers that are not signed.
//! - what neither builder nor raw requests say (canned ACL, storage class, the SSE-C copy source of
//!   UploadPartCopy) is added to both in the HTTP client (`wire_headers.rs`).

use crate::error::{Error, Result};
use crate::settings::{Checksum, Encryption, RequestSettings, Secret};
use base64::Engine;
use http::{HeaderMap, HeaderName, HeaderValue};
use object_store::aws::AmazonS3Builder;

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

/// The headers of a raw PUT of an object (a `dir/` marker): its encryption.
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
            add("x-amz-server-side-encryption-customer-algorithm", "AES256", false)?;
            add("x-amz-server-side-encryption-customer-key", key.expose(), true)?;
            add("x-amz-server-side-encryption-customer-key-md5", &customer_key_md5(key)?, true)?;
        }
    }
    Ok(h)
}

/// The base64 MD5 of an SSE-C key (its `…-customer-key-md5` header).
pub fn customer_key_md5(key: &Secret) -> Result<String> {
    use md5::Digest;
    let b64 = base64::engine::general_purpose::STANDARD;
    let raw = b64.decode(key.expose()).map_err(|_| Error::invalid("the SSE-C key is not base64"))?;
    Ok(b64.encode(md5::Md5::digest(&raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_puts_carry_the_encryption() {
        let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_string();
        let r = RequestSettings {
            encryption: Some(Encryption::CustomerKey(crate::settings::Secret(key.clone()))),
            ..Default::default()
        };
        let h = raw_put_headers(&r).unwrap();
        assert_eq!(h["x-amz-server-side-encryption-customer-algorithm"], "AES256");
        assert_eq!(h["x-amz-server-side-encryption-customer-key"], key.as_str());
        // MD5 of the 32 bytes "0123456789abcdef0123456789abcdef", base64.
        assert_eq!(h["x-amz-server-side-encryption-customer-key-md5"], "hRasmdxgYDKV3nvbahU1MA==");
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
