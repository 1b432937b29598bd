//! The S3A credential chain (`fs.s3a.aws.credentials.provider`) against moto, whose STS implements
//! AssumeRole and AssumeRoleWithWebIdentity (its S3 does not check signatures: these tests show which
//! credentials a store signs with, by asking the provider it builds, and that the store works with it).

#[allow(dead_code)]
mod guarantees;
mod support;

use commitfs_core::object::credentials::provider_for;
use commitfs_core::{Config, FsPath};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::*;
use support::wire::WireProxy;

const PROVIDER: &str = "fs.s3a.aws.credentials.provider";

fn conf(server: &Server, extra: &[(&str, &str)]) -> Config {
    server.config(extra)
}

fn key_id(conf: &Config, bucket: &str) -> String {
    let p = provider_for("s3c", bucket, conf).unwrap().expect("a signing provider");
    commitfs_core::runtime::block_on(async move { p.get_credential().await.map(|c| c.key_id.clone()) }).unwrap()
}

/// Writes and reads back one file (PUT, HEAD, GET, LIST and a marker: object_store's requests and
/// commitfs's own raw ones).
fn round_trip(f: &Fixture, base: &FsPath, name: &str) {
    let p = FsPath::parse(&format!("{}/{name}", base.as_str())).unwrap();
    f.fs.mkdirs(base).unwrap();
    let mut w = f.fs.create(&p, true).unwrap();
    w.write(name.as_bytes()).unwrap();
    w.commit().unwrap();
    assert!(f.fs.list_all(base).unwrap().iter().any(|s| s.path == p), "{p} listed");
    assert_eq!(f.fs.status(&p).unwrap().len, name.len() as u64);
}

#[test]
fn assumed_role_rotates_at_least_three_times_in_one_store() {
    let server = server("moto");
    let extra = [
        (PROVIDER, "org.apache.hadoop.fs.s3a.auth.AssumedRoleCredentialProvider"),
        ("fs.s3a.assumed.role.arn", "arn:aws:iam::123456789012:role/commitfs-test"),
        ("fs.s3a.assumed.role.session.duration", "2"),
        ("fs.s3a.assumed.role.sts.endpoint", server.endpoint.as_str()),
    ];
    let c = conf(&server, &extra);
    let provider = provider_for("s3c", &server.bucket, &c).unwrap().expect("a provider");
    let f = Fixture::s3("moto", &extra);
    let base = fresh_base("assumed-role");
    let mut seen = BTreeSet::new();
    let started = Instant::now();
    let mut i = 0;
    // Sessions of 2 s (moto rounds the expiry down to the second) are renewed at half life: about 4 s
    // see the first session and 3 renewals; 10 s is the bound of a slow machine.
    while seen.len() < 4 && started.elapsed() < Duration::from_secs(10) {
        let p = provider.clone();
        let cred = commitfs_core::runtime::block_on(async move { p.get_credential().await }).unwrap();
        assert!(cred.token.is_some(), "an STS session has a token");
        assert_ne!(cred.key_id, server.access_key, "not the source credentials");
        seen.insert(cred.key_id.clone());
        round_trip(&f, &base, &format!("f{i}"));
        i += 1;
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(seen.len() >= 4, "{} sessions in {i} rounds", seen.len());
    round_trip(&f, &base, "last");
}

#[test]
fn assume_role_without_an_arn_names_the_key() {
    let server = server("moto");
    let c = conf(&server, &[(PROVIDER, "org.apache.hadoop.fs.s3a.auth.AssumedRoleCredentialProvider")]);
    let err = provider_for("s3c", &server.bucket, &c).unwrap_err().to_string();
    assert!(err.contains("fs.s3c.assumed.role.arn"), "{err}");
}

#[test]
fn unknown_provider_class_is_refused_naming_key_and_class() {
    let server = server("moto");
    let c = conf(&server, &[("fs.s3c.bucket.b1.aws.credentials.provider", "com.example.NoSuchProvider")]);
    let err = provider_for("s3c", "b1", &c).unwrap_err().to_string();
    assert!(err.contains("fs.s3c.bucket.b1.aws.credentials.provider") && err.contains("com.example.NoSuchProvider"), "{err}");
    assert!(!err.contains(&server.secret_key), "no secret in {err}");
}

#[test]
fn the_first_provider_with_credentials_wins_and_none_is_an_error() {
    let server = server("moto");
    let list = "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider,\n  org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider";
    assert_eq!(key_id(&conf(&server, &[(PROVIDER, list)]), &server.bucket), server.access_key);
    let with_token = conf(&server, &[(PROVIDER, list), ("fs.s3a.session.token", "tok")]);
    let p = provider_for("s3c", &server.bucket, &with_token).unwrap().unwrap();
    let cred = commitfs_core::runtime::block_on(async move { p.get_credential().await }).unwrap();
    assert_eq!(cred.token.as_deref(), Some("tok"));
    let err = provider_for("s3c", &server.bucket, &conf(&server, &[(PROVIDER, "TemporaryAWSCredentialsProvider")])).unwrap_err().to_string();
    assert!(err.contains(PROVIDER) && err.contains("session.token"), "{err}");
    assert!(!err.contains(&server.secret_key), "no secret in {err}");
}

#[test]
fn anonymous_sends_unsigned_requests() {
    let server = server("moto");
    // moto does not check signatures: its buckets take anonymous writes, and an anonymous HEAD (the
    // status of a file) reads an object its ACL makes public, as on AWS.
    let extra = [(PROVIDER, "org.apache.hadoop.fs.s3a.AnonymousAWSCredentialsProvider"), ("fs.s3a.acl.default", "PublicRead")];
    assert!(provider_for("s3c", &server.bucket, &conf(&server, &extra)).unwrap().is_none(), "no signing provider");
    round_trip(&Fixture::s3("moto", &extra), &fresh_base("anonymous"), "a");
    // After absent sources anonymous still applies; after one that can only fail at request time it cannot.
    let list = "TemporaryAWSCredentialsProvider,AnonymousAWSCredentialsProvider";
    assert!(provider_for("s3c", &server.bucket, &conf(&server, &[(PROVIDER, list)])).unwrap().is_none());
}

/// Profile files, `credential_process`, web identity and EKS Pod Identity read environment variables:
/// one test sets them all (others in this binary do not use these providers).
#[test]
fn environment_sources_profile_process_web_identity_pod_identity() {
    let server = server("moto");
    let dir = std::env::temp_dir().join(format!("commitfs-creds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (credentials, config, token) = (dir.join("credentials"), dir.join("config"), dir.join("token"));
    std::fs::write(&credentials, "[default]\naws_access_key_id = PROFILEDEFAULT\naws_secret_access_key = s1\n[dev]\naws_access_key_id=PROFILEDEV\naws_secret_access_key=s2\naws_session_token=t2\n").unwrap();
    let counter = dir.join("calls");
    let process = format!(
        "echo x >> {0}; printf '{{\"Version\": 1, \"AccessKeyId\": \"PROCESS%s\", \"SecretAccessKey\": \"s3\", \"Expiration\": \"%s\"}}' $(wc -l < {0}) $(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)",
        counter.display()
    );
    std::fs::write(&config, format!("[profile proc]\ncredential_process = {process}\n[profile broken]\ncredential_process = sh -c 'echo nope >&2; exit 3'\n")).unwrap();
    std::fs::write(&token, "header.payload.signature").unwrap();
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &credentials);
    std::env::set_var("AWS_CONFIG_FILE", &config);
    let profile = [(PROVIDER, "com.amazonaws.auth.profile.ProfileCredentialsProvider")];
    std::env::remove_var("AWS_PROFILE");
    assert_eq!(key_id(&conf(&server, &profile), &server.bucket), "PROFILEDEFAULT");
    std::env::set_var("AWS_PROFILE", "dev");
    assert_eq!(key_id(&conf(&server, &profile), &server.bucket), "PROFILEDEV");
    round_trip(&Fixture::s3("moto", &profile), &fresh_base("profile"), "p");

    std::env::set_var("AWS_PROFILE", "proc");
    let p = provider_for("s3c", &server.bucket, &conf(&server, &profile)).unwrap().unwrap();
    let mut seen = BTreeSet::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(2300) {
        let q = p.clone();
        seen.insert(commitfs_core::runtime::block_on(async move { q.get_credential().await }).unwrap().key_id.clone());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(seen.len() >= 2 && seen.iter().all(|k| k.starts_with("PROCESS")), "{seen:?}");
    let calls = std::fs::read_to_string(&counter).unwrap().lines().count();
    assert!(calls <= 6, "cached until near expiry, not run per request: {calls} runs");

    std::env::set_var("AWS_PROFILE", "broken");
    let p = provider_for("s3c", &server.bucket, &conf(&server, &profile)).unwrap().unwrap();
    let err = commitfs_core::runtime::block_on(async move { p.get_credential().await }).unwrap_err().to_string();
    assert!(err.contains("credential_process of AWS profile broken failed") && err.contains("nope"), "{err}");
    std::env::set_var("AWS_PROFILE", "absent");
    let err = provider_for("s3c", &server.bucket, &conf(&server, &profile)).unwrap_err().to_string();
    assert!(err.contains("no profile absent"), "{err}");
    std::env::remove_var("AWS_PROFILE");

    signatures_checked_on_seaweedfs(&credentials);
    eks_pod_identity(&server, &dir);
    profile_assumes_its_role(&server, &config);

    std::env::set_var("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
    std::env::set_var("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa");
    let web = [
        (PROVIDER, "software.amazon.awssdk.auth.credentials.WebIdentityTokenCredentialsProvider"),
        ("fs.s3a.assumed.role.sts.endpoint", server.endpoint.as_str()),
    ];
    let id = key_id(&conf(&server, &web), &server.bucket);
    assert!(!id.is_empty() && id != server.access_key, "an STS session: {id}");
    round_trip(&Fixture::s3("moto", &web), &fresh_base("web-identity"), "w");
    for v in ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"] {
        std::env::remove_var(v);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// SeaweedFS checks signatures: the chain's credentials sign object_store's requests (PUT) and
/// commitfs's own (LIST, markers) alike, whatever `fs.s3a.access.key` says.
fn signatures_checked_on_seaweedfs(credentials: &std::path::Path) {
    let seaweed = server("seaweed");
    let profiles = format!(
        "[right]\naws_access_key_id={}\naws_secret_access_key={}\n[wrong]\naws_access_key_id={}\naws_secret_access_key=not-the-secret\n",
        seaweed.access_key, seaweed.secret_key, seaweed.access_key
    );
    std::fs::write(credentials, profiles).unwrap();
    let profile = [(PROVIDER, "ProfileCredentialsProvider")];
    std::env::set_var("AWS_PROFILE", "right");
    round_trip(&Fixture::s3("seaweed", &profile), &fresh_base("seaweed-profile"), "s");
    std::env::set_var("AWS_PROFILE", "wrong");
    let f = Fixture::s3("seaweed", &profile);
    let base = fresh_base("seaweed-wrong");
    let listed = f.fs.list_all(&base).unwrap_err();
    assert_eq!(listed.kind, commitfs_core::ErrorKind::PermissionDenied, "raw LIST: {listed}");
    let p = FsPath::parse(&format!("{}/x", base.as_str())).unwrap();
    let put = f.fs.create(&p, true).and_then(|mut w| w.write(b"x").and_then(|_| w.commit())).unwrap_err();
    assert!(!put.to_string().contains("not-the-secret"), "no secret in {put}");
    assert!(put.to_string().contains("403") || put.kind == commitfs_core::ErrorKind::PermissionDenied, "object_store PUT: {put}");
    std::env::remove_var("AWS_PROFILE");
}

/// EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` + token file) through object_store's container
/// provider, behind S3A's `IAMInstanceCredentialsProvider`, served by a one-answer-per-connection agent.
fn eks_pod_identity(server: &Server, dir: &std::path::Path) {
    use std::io::{Read, Write};
    let agent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = agent.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in agent.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            log.lock().unwrap().push(String::from_utf8_lossy(&buf[..n]).to_string());
            let body = r#"{"AccessKeyId":"PODIDENTITY","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#;
            let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        }
    });
    let token = dir.join("eks-token");
    std::fs::write(&token, "eks-pod-token").unwrap();
    std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("http://127.0.0.1:{port}/v1/credentials"));
    std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token);
    let c = conf(server, &[(PROVIDER, "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider")]);
    assert_eq!(key_id(&c, &server.bucket), "PODIDENTITY");
    let requests = seen.lock().unwrap().join("\n");
    assert!(requests.contains("GET /v1/credentials") && requests.to_ascii_lowercase().contains("authorization: eks-pod-token"), "{requests}");
    std::env::remove_var("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    std::env::remove_var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
}

/// The STS calls a recording front before moto saw: each one's form parameters and headers.
fn sts_calls(sts: &WireProxy) -> Vec<serde_json::Value> {
    sts.requests().into_iter().filter(|r| r["form"]["Action"].as_str().is_some_and(|a| a.starts_with("AssumeRole"))).collect()
}

/// AssumeRole's optional parameters reach STS: `assumed.role.external.id` and `assumed.role.policy`
/// (a recording front before moto's STS shows the form each call sent), signed with the source keys.
#[test]
fn assume_role_sends_the_external_id_and_session_policy() {
    let server = server("moto");
    let sts = WireProxy::start(&["--upstream", &server.endpoint]);
    let sts_url = format!("http://127.0.0.1:{}", sts.port);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let extra = [
        (PROVIDER, "org.apache.hadoop.fs.s3a.auth.AssumedRoleCredentialProvider"),
        ("fs.s3a.assumed.role.arn", "arn:aws:iam::123456789012:role/third-party"),
        ("fs.s3a.assumed.role.external.id", "Ext-42"),
        ("fs.s3a.assumed.role.policy", policy),
        ("fs.s3a.assumed.role.session.duration", "15m"),
        ("fs.s3a.assumed.role.sts.endpoint", sts_url.as_str()),
    ];
    let id = key_id(&conf(&server, &extra), &server.bucket);
    assert_ne!(id, server.access_key, "an STS session");
    let calls = sts_calls(&sts);
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let form = &calls[0]["form"];
    assert_eq!((form["Action"].as_str(), form["RoleArn"].as_str()), (Some("AssumeRole"), Some("arn:aws:iam::123456789012:role/third-party")));
    assert_eq!((form["ExternalId"].as_str(), form["Policy"].as_str(), form["DurationSeconds"].as_str()), (Some("Ext-42"), Some(policy), Some("900")));
    let auth = calls[0]["headers"]["authorization"].as_str().unwrap_or("");
    assert!(auth.contains(&format!("Credential={}/", server.access_key)), "signed with the source keys: {auth}");
    // Without the keys the call carries neither parameter.
    let plain = WireProxy::start(&["--upstream", &server.endpoint]);
    let plain_url = format!("http://127.0.0.1:{}", plain.port);
    let bare = [extra[0], extra[1], ("fs.s3a.assumed.role.sts.endpoint", plain_url.as_str())];
    key_id(&conf(&server, &bare), &server.bucket);
    let form = &sts_calls(&plain)[0]["form"];
    assert!(form.get("ExternalId").is_none() && form.get("Policy").is_none(), "{form}");
}

/// A profile with `role_arn` and `source_profile` assumes the role with the source profile's keys,
/// sending the profile's `external_id`, `role_session_name` and `duration_seconds` (called from the
/// environment test: it sets `AWS_PROFILE`).
fn profile_assumes_its_role(server: &Server, config: &std::path::Path) {
    let sts = WireProxy::start(&["--upstream", &server.endpoint]);
    let sts_url = format!("http://127.0.0.1:{}", sts.port);
    let mut text = std::fs::read_to_string(config).unwrap();
    text.push_str(
        "[profile src]\naws_access_key_id = SOURCEKEY\naws_secret_access_key = s\n\
         [profile analyst]\nrole_arn = arn:aws:iam::123456789012:role/analyst\nsource_profile = src\n\
         external_id = prof-ext\nrole_session_name = analyst-session\nduration_seconds = 1200\n\
         [profile orphan]\nrole_arn = arn:aws:iam::123456789012:role/x\n",
    );
    std::fs::write(config, text).unwrap();
    std::env::set_var("AWS_PROFILE", "analyst");
    let profile = [(PROVIDER, "ProfileCredentialsProvider"), ("fs.s3a.assumed.role.sts.endpoint", sts_url.as_str())];
    let id = key_id(&conf(server, &profile), &server.bucket);
    assert!(id != "SOURCEKEY" && !id.is_empty(), "an STS session: {id}");
    round_trip(&Fixture::s3("moto", &profile), &fresh_base("profile-role"), "r");
    let calls = sts_calls(&sts);
    assert!(!calls.is_empty());
    for call in &calls {
        let form = &call["form"];
        assert_eq!(form["RoleArn"].as_str(), Some("arn:aws:iam::123456789012:role/analyst"), "{call}");
        assert_eq!((form["ExternalId"].as_str(), form["RoleSessionName"].as_str(), form["DurationSeconds"].as_str()), (Some("prof-ext"), Some("analyst-session"), Some("1200")));
        assert!(call["headers"]["authorization"].as_str().unwrap_or("").contains("Credential=SOURCEKEY/"), "{call}");
    }
    std::env::set_var("AWS_PROFILE", "orphan");
    let err = provider_for("s3c", &server.bucket, &conf(server, &profile)).unwrap_err().to_string();
    assert!(err.contains("AWS profile orphan has role_arn but no source_profile"), "{err}");
    std::env::remove_var("AWS_PROFILE");
}
