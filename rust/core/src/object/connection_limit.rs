//! `connection.maximum` as a real bound: at most that many requests of one store are on the wire at
//! once, each holding its permit from sending until its response body is read to the end or dropped
//! (commitfs collects every body at once, so a permit is never held by an idle reader). With HTTP/1.1
//! one request in flight is one connection, so this bounds the store's open connections, as S3A's pool
//! size does; the pool keeps at most as many idle ones (`network.rs`). Waiting for a permit is queueing,
//! not failure: S3A's pool also makes requests wait for a free connection.

use async_trait::async_trait;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use object_store::client::{HttpClient, HttpError, HttpErrorKind, HttpRequest, HttpResponse, HttpResponseBody, HttpService};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug)]
pub struct LimitedService {
    pub inner: HttpClient,
    pub permits: Arc<Semaphore>,
}

#[async_trait]
impl HttpService for LimitedService {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| HttpError::new(HttpErrorKind::Unknown, e))?;
        let resp = self.inner.execute(req).await?;
        let (parts, body) = resp.into_parts();
        Ok(HttpResponse::from_parts(parts, HttpResponseBody::new(Permitted { body, _permit: permit })))
    }
}

/// A response body that holds its request's permit until it is read or dropped.
struct Permitted {
    body: HttpResponseBody,
    _permit: OwnedSemaphorePermit,
}

impl Body for Permitted {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
