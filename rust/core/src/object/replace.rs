//! Replacing a file (FileContext's rename with `Options.Rename.OVERWRITE`): an unconditional COPY onto
//! the destination, then the DELETE of the source. S3 swaps an object's content atomically, so readers
//! of the destination see the old object or the new one; the destination is never deleted first, so
//! there is no moment where it is missing.

use super::{location, map_err, Shared};
use crate::error::{Error, Result};
use crate::path::FsPath;
use object_store::ObjectStoreExt;

impl Shared {
    pub async fn replace_file(&self, src: &FsPath, dst: &FsPath) -> Result<()> {
        // A retried COPY is harmless: the source stays in place until the copy has succeeded.
        match self.store.copy(&location(src), &location(dst)).await {
            Ok(()) => {}
            // The source is no file: missing, or a directory (only keys below `src/`); fs/rename.rs tells which.
            Err(object_store::Error::NotFound { .. }) => return Err(Error::not_found(self.show(src))),
            Err(e) => return Err(map_err(e, self.show(dst), &format!("replace with {} (copy)", self.show(src)))),
        }
        // The raw DeleteObjects retries timeouts: deleting the source once the copy is in place is idempotent.
        self.keys.delete_keys(&[src.key().to_string()]).await
    }
}
