//! Java credential provider classes (`fs.s3a.aws.credentials.provider` naming a class the core does not
//! know, e.g. an EMR or corporate-SSO provider): `io.commitfs.hadoop.CredentialBridge` instantiates the
//! class with S3A's constructor conventions, and a core `Refreshing` provider calls its `resolve()`
//! through JNI whenever the cached credentials near expiry. The credentials cross as one string
//! (`key \0 secret \0 token \0 expiry-ms`) and are never logged; failures carry the Java exception's
//! class and message only.

use commitfs_core::object::credentials::{register_external, AwsCredential, AwsCredentialProvider, Fetch, Fetched, Refreshing, JAVA_RECHECK};
use commitfs_core::Config;
use jni::objects::{JObject, JString, JValue};
use jni::refs::Global;
use jni::{jni_sig, jni_str, Env, JavaVM};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Called by `NativeFs.connect` before a store is built.
pub fn install() {
    register_external(load);
}

/// The Java failure without its stack trace (which could quote anything the provider printed).
fn describe(e: jni::errors::Error) -> String {
    match e {
        jni::errors::Error::CaughtJavaException { name, msg, .. } => format!("{name}: {msg}"),
        other => other.to_string(),
    }
}

fn load(class: &str, uri: &str, conf: &Config) -> Result<AwsCredentialProvider, String> {
    let vm = JavaVM::singleton().map_err(|e| format!("no JVM to load the class in: {e}"))?;
    let pairs: Vec<&str> = conf.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect();
    let joined = pairs.join("\0");
    let bridge = vm
        .attach_current_thread(|env: &mut Env| -> jni::errors::Result<Global<JObject<'static>>> {
            let (c, u, p) = (env.new_string(class)?, env.new_string(uri)?, env.new_string(&joined)?);
            let obj = env
                .call_static_method(
                    jni_str!("io/commitfs/hadoop/CredentialBridge"),
                    jni_str!("create"),
                    jni_sig!("(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)Ljava/lang/Object;"),
                    &[JValue::Object(&c), JValue::Object(&u), JValue::Object(&p)],
                )?
                .l()?;
            env.new_global_ref(&obj)
        })
        .map_err(describe)?;
    let fetch = JavaFetch { bridge: Arc::new(bridge), class: class.to_string() };
    Ok(Arc::new(Refreshing::new(class, Box::new(fetch), Some(JAVA_RECHECK))))
}

struct JavaFetch {
    bridge: Arc<Global<JObject<'static>>>,
    class: String,
}

fn resolve(bridge: &Global<JObject<'static>>) -> Result<String, String> {
    let vm = JavaVM::singleton().map_err(|e| e.to_string())?;
    vm.attach_current_thread(|env: &mut Env| -> jni::errors::Result<String> {
        let out = env.call_method(bridge.as_obj(), jni_str!("resolve"), jni_sig!("()Ljava/lang/String;"), &[])?.l()?;
        let s = env.cast_local::<JString>(out)?;
        s.try_to_string(env)
    })
    .map_err(describe)
}

#[async_trait::async_trait]
impl Fetch for JavaFetch {
    async fn fetch(&self) -> Result<Fetched, String> {
        let bridge = self.bridge.clone();
        // A provider may block on the network: not on an I/O worker.
        let joined = tokio::task::spawn_blocking(move || resolve(&bridge))
            .await
            .map_err(|e| format!("{}: {e}", self.class))?
            .map_err(|e| format!("{} failed: {e}", self.class))?;
        let mut parts = joined.split('\0');
        let (key_id, secret_key) = match (parts.next(), parts.next()) {
            (Some(k), Some(s)) if !k.is_empty() && !s.is_empty() => (k.to_string(), s.to_string()),
            _ => return Err(format!("{} returned no access key", self.class)),
        };
        let token = parts.next().filter(|t| !t.is_empty()).map(str::to_string);
        let expires = parts.next().and_then(|ms| ms.parse::<u64>().ok()).map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
        Ok(Fetched { credential: AwsCredential { key_id, secret_key, token }, expires })
    }
}
