//! Incomplete multipart uploads under a prefix: ListMultipartUploads and AbortMultipartUpload as raw
//! signed requests. A writer that dies mid-upload leaves one under `_commitfs/staging/` (invisible, but
//! billed for its parts until a bucket lifecycle rule or `commitfs recover --abort-uploads` removes it).

use super::s3::{parse_ms, S3Keys};
use crate::error::{Error, ErrorKind, Result};
use bytes::Bytes;
use serde::Deserialize;

/// One incomplete multipart upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub key: String,
    pub upload_id: String,
    /// When it was started, ms since the epoch (0 if the store did not say).
    pub initiated_ms: i64,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ListMultipartUploadsResult {
    #[serde(default)]
    upload: Vec<ListedUpload>,
    #[serde(default)]
    is_truncated: bool,
    next_key_marker: Option<String>,
    next_upload_id_marker: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedUpload {
    key: String,
    upload_id: String,
    initiated: Option<String>,
}

impl S3Keys {
    /// Every incomplete upload whose key starts with `prefix`, all pages.
    pub(super) async fn uploads_under(&self, prefix: &str) -> Result<Vec<Upload>> {
        let mut out = Vec::new();
        let mut markers: Option<(String, String)> = None;
        loop {
            let mut query = vec![("prefix", prefix), ("uploads", "")];
            if let Some((key, id)) = &markers {
                query.push(("key-marker", key.as_str()));
                query.push(("upload-id-marker", id.as_str()));
            }
            query.sort();
            let body = self.send("GET", "", &query, Bytes::new(), false, "list multipart uploads").await?;
            let page: ListMultipartUploadsResult = quick_xml::de::from_reader(body.as_ref())
                .map_err(|e| Error::io(self.show(prefix), format!("unreadable ListMultipartUploads response: {e}")))?;
            out.extend(page.upload.into_iter().map(|u| Upload {
                initiated_ms: parse_ms(u.initiated.as_deref()),
                key: u.key,
                upload_id: u.upload_id,
            }));
            match (page.is_truncated, page.next_key_marker, page.next_upload_id_marker) {
                (true, Some(key), Some(id)) if markers.as_ref() != Some(&(key.clone(), id.clone())) => markers = Some((key, id)),
                _ => return Ok(out),
            }
        }
    }

    /// Aborts one upload; one already gone (completed or aborted) is not an error.
    pub(super) async fn abort(&self, upload: &Upload) -> Result<()> {
        let query = [("uploadId", upload.upload_id.as_str())];
        match self.send("DELETE", &upload.key, &query, Bytes::new(), false, "abort multipart upload").await {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}
