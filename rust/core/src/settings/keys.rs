//! Every configuration key commitfs reads, once. README.md's configuration table lists the same keys
//! and defaults (checked by `tests/readme_settings.rs`); the meaning of each key is documented there.

use super::{Default::*, Key, Kind::*, Reader, Scope::*};

const fn bucket(name: &'static str, kind: super::Kind, default: super::Default, reader: Reader) -> Key {
    Key { name, alias: None, scope: Bucket, kind, default, reader }
}
const fn posix(name: &'static str, kind: super::Kind, default: super::Default) -> Key {
    Key { name, alias: None, scope: Scheme, kind, default, reader: Reader::Posix }
}
const fn global(name: &'static str, kind: super::Kind, default: super::Default, reader: Reader) -> Key {
    Key { name, alias: None, scope: Global, kind, default, reader }
}
const OBJ: Reader = Reader::Object;
const CREDENTIALS: super::Default = Unset("environment / instance metadata");

// ---- S3 (object backend) ----
pub const ENDPOINT: Key = bucket("endpoint", Text, Unset("AWS"), OBJ);
/// Unset: `AWS_REGION`, else the region an AWS endpoint names, else us-east-1 (`endpoint.rs`).
pub const REGION: Key = Key { alias: Some("region"), ..bucket("endpoint.region", Text, Unset("`AWS_REGION`, else the endpoint's, else `us-east-1`"), OBJ) };
pub const PATH_STYLE: Key = bucket("path.style.access", Bool, Value("false"), OBJ);
pub const SSL: Key = bucket("connection.ssl.enabled", Bool, Value("true"), OBJ);
/// A request refused for its signing region is signed again for the bucket's (`object/cross_region.rs`).
pub const CROSS_REGION: Key = bucket("cross.region.access.enabled", Bool, Value("true"), OBJ);
pub const ACCESS_KEY: Key = bucket("access.key", Secret, CREDENTIALS, OBJ);
pub const SECRET_KEY: Key = bucket("secret.key", Secret, CREDENTIALS, OBJ);
pub const SESSION_TOKEN: Key = bucket("session.token", Secret, CREDENTIALS, OBJ);
// Credential sources (`object/credentials/`): S3A's provider list and assumed-role keys.
pub const CREDENTIALS_PROVIDER: Key = bucket("aws.credentials.provider", Text, Unset("keys, else environment / container / instance metadata"), OBJ);
pub const ROLE_ARN: Key = bucket("assumed.role.arn", Text, Unset("—"), OBJ);
pub const ROLE_SESSION_NAME: Key = bucket("assumed.role.session.name", Text, Unset("generated"), OBJ);
pub const ROLE_STS_ENDPOINT: Key = bucket("assumed.role.sts.endpoint", Text, Unset("AWS STS of the region"), OBJ);
pub const ROLE_STS_REGION: Key = bucket("assumed.role.sts.endpoint.region", Text, Unset("the signing region"), OBJ);
pub const ROLE_EXTERNAL_ID: Key = bucket("assumed.role.external.id", Text, Unset("none"), OBJ);
pub const ROLE_POLICY: Key = bucket("assumed.role.policy", Text, Unset("none (the role's own permissions)"), OBJ);
pub const ROLE_SESSION_DURATION: Key = bucket("assumed.role.session.duration", Duration { bare_ms: 1000 }, Value("1h"), OBJ);
pub const ROLE_CREDENTIALS_PROVIDER: Key =
    bucket("assumed.role.credentials.provider", Text, Value("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"), OBJ);
pub const COPY_IF_NOT_EXISTS: Key = bucket("copy-if-not-exists", Choice(&["header", "multipart", "unsafe"]), Value("header"), OBJ);
pub const RENAME_MODE: Key = bucket("rename.mode", Choice(&["auto", "rename-object", "copy"]), Value("auto"), OBJ);
pub const MULTIPART_SIZE: Key = bucket("multipart.size", Size, Value("64M"), OBJ);
pub const PAGING_MAXIMUM: Key = bucket("paging.maximum", Count { min: 1 }, Value("5000"), OBJ);
pub const READAHEAD: Key = bucket("readahead.range", Size, Value("1M"), OBJ);
pub const COPY_CONCURRENCY: Key = bucket("copy.concurrency", Count { min: 1 }, Value("16"), OBJ);
pub const VERIFY_DIRECTORIES: Key = bucket("list.verify-directories", Choice(&["auto", "true", "false"]), Value("auto"), OBJ);
pub const RETRY_LIMIT: Key = Key { alias: Some("attempts.maximum"), ..bucket("retry.limit", Count { min: 0 }, Value("7"), OBJ) };
pub const RETRY_INTERVAL: Key = bucket("retry.interval", Duration { bare_ms: 1 }, Value("100ms"), OBJ);
pub const RETRY_TIMEOUT: Key = bucket("retry.timeout", Duration { bare_ms: 1 }, Value("2m"), OBJ);
pub const REQUEST_TIMEOUT: Key = bucket("connection.request.timeout", Duration { bare_ms: 1000 }, Value("60s"), OBJ);
pub const CONNECT_TIMEOUT: Key = bucket("connection.establish.timeout", Duration { bare_ms: 1 }, Value("5s"), OBJ);
pub const RECOVERY_GRACE: Key = bucket("rename.recovery.grace", Duration { bare_ms: 1000 }, Value("5m"), OBJ);
pub const RECOVERY_INTERVAL: Key = bucket("rename.recovery.interval", Duration { bare_ms: 1000 }, Value("60s"), OBJ);

// ---- S3 requests: encryption, billing, storage (settings/request.rs) ----
pub const ENCRYPTION_ALGORITHM: Key = Key {
    alias: Some("server-side-encryption-algorithm"),
    ..bucket("encryption.algorithm", Choice(&["none", "sse-s3", "aes256", "sse-kms", "dsse-kms", "sse-c", "cse-kms"]), Unset("none"), OBJ)
};
pub const ENCRYPTION_KEY: Key = Key { alias: Some("server-side-encryption.key"), ..bucket("encryption.key", Secret, Unset("the bucket's default KMS key"), OBJ) };
pub const BUCKET_KEY: Key = bucket("encryption.bucket-key.enabled", Bool, Unset("the bucket's setting"), OBJ);
pub const REQUESTER_PAYS: Key = bucket("requester.pays.enabled", Bool, Value("false"), OBJ);
pub const STORAGE_CLASS: Key = bucket("create.storage.class", Text, Unset("the bucket's default"), OBJ);
pub const CANNED_ACL: Key = bucket("acl.default", Text, Unset("none"), OBJ);
pub const CHECKSUM: Key = bucket("create.checksum.algorithm", Choice(&["none", "sha256", "crc64nvme"]), Unset("none"), OBJ);

// ---- S3 network (settings/request.rs) ----
pub const PROXY_HOST: Key = bucket("proxy.host", Text, Unset("no proxy"), OBJ);
pub const PROXY_PORT: Key = bucket("proxy.port", Count { min: 1 }, Unset("80, or 443 with `proxy.ssl.enabled`"), OBJ);
pub const PROXY_USERNAME: Key = bucket("proxy.username", Secret, Unset("none"), OBJ);
pub const PROXY_PASSWORD: Key = bucket("proxy.password", Secret, Unset("none"), OBJ);
pub const PROXY_SSL: Key = bucket("proxy.ssl.enabled", Bool, Value("false"), OBJ);
pub const NO_PROXY: Key = bucket("proxy.no-proxy", Text, Unset("none"), OBJ);
pub const CONNECTION_MAXIMUM: Key = bucket("connection.maximum", Count { min: 1 }, Unset("unlimited"), OBJ);
pub const SOCKET_TIMEOUT: Key = bucket("connection.timeout", Duration { bare_ms: 1 }, Unset("none (the request timeout bounds reads)"), OBJ);
pub const CA_BUNDLE: Key = bucket("connection.ssl.ca-bundle", Text, Unset("the system's trust store"), OBJ);
pub const TRUST_JVM: Key = bucket("connection.ssl.trust-jvm", Bool, Value("false"), OBJ);
/// Set by the JVM face (never by users) when `connection.ssl.trust-jvm` is on: its default trust anchors.
pub const JVM_TRUST_ANCHORS: Key = global("jvm.trust-anchors", Text, Unset("set by the JVM face"), OBJ);

// ---- filesystem policy ----
pub const CREATE_PERFORMANCE: Key = bucket("create.performance", Bool, Value("false"), Reader::Policy);
pub const RENAME_PERFORMANCE: Key = bucket("rename.performance", Bool, Value("false"), Reader::Policy);

// ---- POSIX backend ----
pub const POSIX_ROOT: Key = posix("root", Text, Value("/"));
pub const POSIX_FSYNC: Key = posix("fsync", Bool, Value("true"));
pub const POSIX_TEMP_MAX_AGE: Key = posix("temp.max-age", Duration { bare_ms: 1000 }, Value("24h"));
pub const POSIX_NOREPLACE: Key = posix("noreplace", Choice(&["auto", "link"]), Value("auto"));

// ---- any scheme ----
pub const SCHEME_BACKEND: Key = global("scheme.<s>.backend", Choice(&["s3", "posix", "memory"]), Unset("—"), Reader::Registry);
/// What `getDefaultBlockSize` and file statuses report (split size for Spark and MapReduce).
pub const BLOCK_SIZE: Key = bucket("block.size", Size, Value("32M"), Reader::Jvm);
pub const READ_BUFFER: Key = global("read.buffer.size", Size, Value("1M"), Reader::Jvm);
pub const WRITE_BUFFER: Key = global("write.buffer.size", Size, Value("1M"), Reader::Jvm);
pub const AWS_REGION: Key = Key { name: "AWS_REGION", alias: Some("AWS_DEFAULT_REGION"), scope: Env, kind: Text, default: Unset("—"), reader: OBJ };
const fn env(name: &'static str, alias: Option<&'static str>, kind: super::Kind) -> Key {
    Key { name, alias, scope: Env, kind, default: Unset("—"), reader: OBJ }
}
pub const ENV_ACCESS_KEY: Key = env("AWS_ACCESS_KEY_ID", None, Secret);
pub const ENV_SECRET_KEY: Key = env("AWS_SECRET_ACCESS_KEY", None, Secret);
pub const ENV_SESSION_TOKEN: Key = env("AWS_SESSION_TOKEN", None, Secret);
pub const ENV_PROFILE: Key = env("AWS_PROFILE", Some("AWS_DEFAULT_PROFILE"), Text);
pub const ENV_CREDENTIALS_FILE: Key = env("AWS_SHARED_CREDENTIALS_FILE", None, Text);
pub const ENV_CONFIG_FILE: Key = env("AWS_CONFIG_FILE", None, Text);
pub const ENV_WEB_IDENTITY_TOKEN_FILE: Key = env("AWS_WEB_IDENTITY_TOKEN_FILE", None, Text);
pub const ENV_ROLE_ARN: Key = env("AWS_ROLE_ARN", None, Text);
pub const ENV_ROLE_SESSION_NAME: Key = env("AWS_ROLE_SESSION_NAME", None, Text);
pub const ENV_CONTAINER_URI: Key = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", None, Text);
pub const ENV_CONTAINER_FULL_URI: Key = env("AWS_CONTAINER_CREDENTIALS_FULL_URI", None, Text);
pub const ENV_CONTAINER_TOKEN_FILE: Key = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", None, Text);
/// The variables `AwsEnvironment` reads.
pub const ENV_VARIABLES: &[&Key] = &[
    &ENV_ACCESS_KEY, &ENV_SECRET_KEY, &ENV_SESSION_TOKEN, &ENV_PROFILE, &ENV_CREDENTIALS_FILE, &ENV_CONFIG_FILE,
    &ENV_WEB_IDENTITY_TOKEN_FILE, &ENV_ROLE_ARN, &ENV_ROLE_SESSION_NAME, &ENV_CONTAINER_URI, &ENV_CONTAINER_FULL_URI,
    &ENV_CONTAINER_TOKEN_FILE,
];
pub const IO_THREADS: Key = Key { name: "COMMITFS_IO_THREADS", alias: None, scope: Env, kind: Count { min: 1 }, default: Value("2"), reader: Reader::Runtime };

/// The whole table, in README order.
pub const KEYS: &[&Key] = &[
    &ENDPOINT, &REGION, &CROSS_REGION, &PATH_STYLE, &SSL, &ACCESS_KEY, &SECRET_KEY, &SESSION_TOKEN,
    &CREDENTIALS_PROVIDER, &ROLE_ARN, &ROLE_SESSION_NAME, &ROLE_SESSION_DURATION, &ROLE_STS_ENDPOINT, &ROLE_STS_REGION,
    &ROLE_EXTERNAL_ID, &ROLE_POLICY,
    &ROLE_CREDENTIALS_PROVIDER, &COPY_IF_NOT_EXISTS,
    &RENAME_MODE, &CREATE_PERFORMANCE, &RENAME_PERFORMANCE, &MULTIPART_SIZE, &PAGING_MAXIMUM, &READAHEAD, &COPY_CONCURRENCY, &VERIFY_DIRECTORIES,
    &RETRY_LIMIT, &RETRY_INTERVAL, &RETRY_TIMEOUT, &REQUEST_TIMEOUT, &CONNECT_TIMEOUT, &RECOVERY_GRACE, &RECOVERY_INTERVAL,
    &ENCRYPTION_ALGORITHM, &ENCRYPTION_KEY, &BUCKET_KEY, &REQUESTER_PAYS, &STORAGE_CLASS, &CANNED_ACL, &CHECKSUM,
    &PROXY_HOST, &PROXY_PORT, &PROXY_USERNAME, &PROXY_PASSWORD, &PROXY_SSL, &NO_PROXY, &CONNECTION_MAXIMUM, &SOCKET_TIMEOUT, &CA_BUNDLE,
    &TRUST_JVM, &JVM_TRUST_ANCHORS,
    &POSIX_ROOT, &POSIX_FSYNC, &POSIX_TEMP_MAX_AGE, &POSIX_NOREPLACE,
    &SCHEME_BACKEND, &BLOCK_SIZE, &READ_BUFFER, &WRITE_BUFFER, &AWS_REGION,
    &ENV_ACCESS_KEY, &ENV_SECRET_KEY, &ENV_SESSION_TOKEN, &ENV_PROFILE, &ENV_CREDENTIALS_FILE, &ENV_CONFIG_FILE,
    &ENV_WEB_IDENTITY_TOKEN_FILE, &ENV_ROLE_ARN, &ENV_ROLE_SESSION_NAME, &ENV_CONTAINER_URI, &ENV_CONTAINER_FULL_URI,
    &ENV_CONTAINER_TOKEN_FILE, &IO_THREADS,
];
