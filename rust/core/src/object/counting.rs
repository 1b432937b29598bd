//! An HTTP connector that counts every request (object_store's and our own raw ones) by S3 operation,
//! so tests and users can see exactly what each filesystem call costs. Retries count as requests.

use async_trait::async_trait;
use object_store::client::{HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpService, ReqwestConnector};
use object_store::ClientOptions;
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug, Default)]
pub struct Counters {
    by_kind: Mutex<BTreeMap<&'static str, u64>>,
    /// The server said it is SeaweedFS, whose delimited listings keep emptied directories for a while.
    seaweed: AtomicBool,
    in_flight: AtomicUsize,
    /// Periods with at least one request in flight: requests sent together count once, so this is the
    /// latency an operation pays in round trips (while nothing else runs on the same store).
    round_trips: AtomicU64,
    /// Whether the endpoint ever answered (see `unreachable.rs`).
    pub(super) reachability: super::unreachable::Reachability,
}

impl Counters {
    pub fn server_is_seaweedfs(&self) -> bool {
        self.seaweed.load(Ordering::Relaxed)
    }
    fn add(&self, kind: &'static str) {
        *self.by_kind.lock().entry(kind).or_default() += 1;
    }
    /// Counts by operation plus `requests`, the total, and `round_trips`.
    pub fn snapshot(&self) -> Vec<(String, u64)> {
        let map = self.by_kind.lock();
        let total: u64 = map.values().sum();
        let mut out: Vec<(String, u64)> = map.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        out.push(("requests".to_string(), total));
        out.push(("round_trips".to_string(), self.round_trips.load(Ordering::Relaxed)));
        out
    }
    fn start(&self) -> InFlight<'_> {
        if self.in_flight.fetch_add(1, Ordering::SeqCst) == 0 {
            self.round_trips.fetch_add(1, Ordering::Relaxed);
        }
        InFlight(self)
    }
}

/// One request in flight until dropped (also when the request fails or is cancelled).
struct InFlight<'a>(&'a Counters);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The S3 operation a request performs, from its method, query and headers.
pub fn classify(req: &HttpRequest) -> &'static str {
    let query = req.uri().query().unwrap_or("");
    let has = |name: &str| query.split('&').any(|p| p == name || p.starts_with(&format!("{name}=")));
    match req.method().as_str() {
        "HEAD" => "HEAD",
        "GET" if has("list-type") => "LIST",
        "GET" if has("uploads") => "LIST_UPLOADS",
        "GET" => "GET",
        "PUT" if has("partNumber") => "MPU_PART",
        "PUT" if has("renameObject") => "RENAME",
        "PUT" if req.headers().contains_key("x-amz-copy-source") => "COPY",
        "PUT" => "PUT",
        "POST" if has("uploads") => "MPU_CREATE",
        "POST" if has("uploadId") => "MPU_COMPLETE",
        "POST" if has("delete") => "DELETE_OBJECTS",
        "DELETE" if has("uploadId") => "MPU_ABORT",
        "DELETE" => "DELETE",
        _ => "OTHER",
    }
}

#[derive(Debug)]
struct CountingService {
    inner: HttpClient,
    counters: Arc<Counters>,
}

#[async_trait]
impl HttpService for CountingService {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        self.counters.add(classify(&req));
        let in_flight = self.counters.start();
        let endpoint = req.uri().authority().map(|a| a.to_string()).unwrap_or_default();
        let resp = self.inner.execute(req).await;
        drop(in_flight);
        let resp = super::unreachable::check(resp, &self.counters.reachability, &endpoint)?;
        let server = resp.headers().get("server").and_then(|v| v.to_str().ok()).unwrap_or("");
        if server.starts_with("SeaweedFS") {
            self.counters.seaweed.store(true, Ordering::Relaxed);
        }
        Ok(resp)
    }
}

/// Wraps reqwest; remembers the client it built so our raw requests share its pool and its counters.
/// From the outside in: the headers object_store cannot send, the cross-region layer (its second tries
/// and `HEAD bucket` are counted), the counters, the `connection.maximum` bound, reqwest.
#[derive(Debug, Default)]
pub struct CountingConnector {
    pub counters: Arc<Counters>,
    pub client: Arc<Mutex<Option<HttpClient>>>,
    pub cross_region: Arc<super::cross_region::CrossRegion>,
    /// `connection.maximum`: requests on the wire at once (`None`: unbounded).
    pub max_connections: Option<usize>,
    /// Headers object_store cannot send (ACL, storage class of copies, SSE-C copy source), outermost.
    pub wire_headers: Arc<super::wire_headers::WireHeaders>,
}

impl HttpConnector for CountingConnector {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let mut inner = ReqwestConnector::default().connect(options)?;
        if let Some(n) = self.max_connections {
            let permits = Arc::new(tokio::sync::Semaphore::new(n.clamp(1, tokio::sync::Semaphore::MAX_PERMITS)));
            inner = HttpClient::new(super::connection_limit::LimitedService { inner, permits });
        }
        let counted = HttpClient::new(CountingService { inner, counters: self.counters.clone() });
        let mut client = HttpClient::new(super::cross_region::CrossRegionService { inner: counted, state: self.cross_region.clone() });
        if !self.wire_headers.is_empty() {
            let (headers, signer) = (self.wire_headers.clone(), self.cross_region.clone());
            client = HttpClient::new(super::wire_headers::WireHeadersService { inner: client, headers, signer });
        }
        *self.client.lock() = Some(client.clone());
        Ok(client)
    }
}
