//! An HTTP connector that counts every request (object_store's and our own raw ones) by S3 operation,
//! so tests and users can see exactly what each filesystem call costs. Retries count as requests.

use async_trait::async_trait;
use object_store::client::{HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpService, ReqwestConnector};
use object_store::ClientOptions;
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
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
    /// Requests whose last attempt failed in a way that is retried, by method and URI: how many attempts
    /// failed so far, so the next identical request is logged as that retry.
    failed: Mutex<HashMap<String, u32>>,
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
        let kind = classify(&req);
        self.counters.add(kind);
        let line = RequestLine::new(&req, kind, &self.counters);
        let in_flight = self.counters.start();
        let endpoint = req.uri().authority().map(|a| a.to_string()).unwrap_or_default();
        let resp = self.inner.execute(req).await;
        drop(in_flight);
        line.log(&resp, &self.counters);
        let resp = super::unreachable::check(resp, &self.counters.reachability, &endpoint)?;
        let server = resp.headers().get("server").and_then(|v| v.to_str().ok()).unwrap_or("");
        if server.starts_with("SeaweedFS") {
            self.counters.seaweed.store(true, Ordering::Relaxed);
        }
        Ok(resp)
    }
}

/// What the log says about one request: `S3 GET GET /bucket/key -> 200 in 12 ms (retry 1)` at DEBUG; at
/// WARN when the store throttles (503 SlowDown). Operation, method, path (and a listing's prefix), status,
/// time and attempt: never a header or the rest of the query (a presigned URL's signature would be
/// there), so never a credential.
struct RequestLine {
    /// Method and URI: identifies a retry of this request (never logged: it has the query).
    id: String,
    shown: String,
    retry: u32,
    started: std::time::Instant,
}

/// Retryable failures remembered at most; beyond, the oldest knowledge is dropped (the log then calls
/// a retry a first attempt; nothing else depends on it).
const FAILED_LIMIT: usize = 1024;

impl RequestLine {
    fn new(req: &HttpRequest, kind: &str, counters: &Counters) -> Self {
        let id = format!("{} {}", req.method(), req.uri());
        let retry = counters.failed.lock().get(&id).copied().unwrap_or(0);
        let mut shown = format!("{kind} {} {}", req.method(), req.uri().path());
        // A listing's key is its prefix, in the query; the only query value shown (no signature is there).
        if let Some(prefix) = req.uri().query().unwrap_or("").split('&').find_map(|p| p.strip_prefix("prefix=")) {
            shown.push_str(&format!(" prefix={}", percent_encoding::percent_decode_str(prefix).decode_utf8_lossy()));
        }
        RequestLine { id, shown, retry, started: std::time::Instant::now() }
    }

    fn log(&self, resp: &Result<HttpResponse, HttpError>, counters: &Counters) {
        let ms = self.started.elapsed().as_millis();
        let retry = if self.retry > 0 { format!(" (retry {})", self.retry) } else { String::new() };
        let (outcome, retryable) = match resp {
            Ok(r) => {
                let status = r.status().as_u16();
                if status == 503 {
                    log::warn!(target: "commitfs::s3", "S3 {}: 503 SlowDown, the store asks to slow down; the request \
                        backs off and is retried (fs.s3c.retry.limit, fs.s3c.retry.interval){retry}", self.shown);
                }
                (status.to_string(), status >= 500 || status == 429 || status == 408)
            }
            Err(e) => (format!("no response ({:?})", e.kind()), true),
        };
        log::debug!(target: "commitfs::s3", "S3 {} -> {outcome} in {ms} ms{retry}", self.shown);
        let mut failed = counters.failed.lock();
        if retryable {
            if failed.len() >= FAILED_LIMIT {
                failed.clear();
            }
            failed.insert(self.id.clone(), self.retry + 1);
        } else if self.retry > 0 {
            failed.remove(&self.id);
        }
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
