//! Entry points for benchmarks and tests only (cargo feature `bench-hooks`; not in the product library):
//! object_store alone, without commitfs' reader and writer, as the baseline the benchmark compares with on
//! the same server; and a writer with a chosen write token, to replay a commit whose response was lost.
//! `sync.rs` gives `raw_read` and `raw_write` their blocking face on `ObjectBackend`.

use super::client::Client;
use super::writer::parts_in_flight;
use super::{location, map_err, writer, ObjectBackend};
use crate::backend::Writer;
use crate::error::Result;
use crate::path::FsPath;
use object_store::{ObjectStore, WriteMultipart};

impl ObjectBackend {
    /// A writer that uses `token` as its write token: lets tests replay a commit whose first attempt
    /// landed but whose response was lost.
    pub fn create_with_token(&self, p: &FsPath, overwrite: bool, token: &str) -> Box<dyn Writer> {
        Box::new(writer::ObjectWriter::with_token(self.0.clone(), p, overwrite, token.to_string()))
    }
}

/// Reads the whole object of file `p` with object_store alone (one GET, its body streamed and discarded,
/// no commitfs reader); returns the bytes read. The baseline the benchmark compares commitfs' sequential
/// reads with, on the same server.
pub(super) async fn raw_read(client: &Client, p: &FsPath) -> Result<u64> {
    use futures::StreamExt;
    use object_store::ObjectStoreExt;
    let result = client.store.get(&location(p)).await.map_err(|e| map_err(e, client.show(p), "read"))?;
    let mut body = result.into_stream();
    let mut total = 0;
    while let Some(chunk) = body.next().await {
        total += chunk.map_err(|e| map_err(e, client.show(p), "read"))?.len() as u64;
    }
    Ok(total)
}

/// Writes `size` bytes to the object of `p` with object_store alone (one multipart upload of `part_size`
/// parts, the same number of parts in flight as commitfs' writer, no commitfs writer): the baseline the
/// benchmark compares commitfs' sequential writes with, on the same server. Runs inside `block_on`, so
/// part uploads are spawned onto the shared runtime.
pub(super) async fn raw_write(client: &Client, part_size: usize, p: &FsPath, size: u64) -> Result<()> {
    let fail = |e| map_err(e, client.show(p), "write");
    let upload = client.store.put_multipart_opts(&location(p), Default::default()).await.map_err(fail)?;
    let mut upload = WriteMultipart::new_with_chunk_size(upload, part_size);
    let chunk = bytes::Bytes::from(vec![0x5a_u8; 1 << 20]);
    let mut left = size;
    while left > 0 {
        upload.wait_for_capacity(parts_in_flight(part_size)).await.map_err(fail)?;
        let n = left.min(chunk.len() as u64);
        upload.put(chunk.slice(..n as usize));
        left -= n;
    }
    upload.finish().await.map_err(fail)?;
    Ok(())
}
