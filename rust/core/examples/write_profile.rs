//! Sequential write of one large file through commitfs' object writer vs object_store alone, on the same
//! S3 server, without a JVM: isolates the core writer's cost from the JNI/Java face, and gives `perf
//! record -g` a clean process to sample.
//!
//!   COMMITFS_S3='{"endpoint":...,"bucket":...,"access_key":...,"secret_key":...}' \
//!   cargo run --release -p commitfs-core --example write_profile -- [raw|writer|both] [MiB] [rounds] [chunk KiB]
//!
//! The JSON is what `tests/servers/launch.py seaweed` prints. `writer` writes `chunk`-sized slices of one
//! buffer (as a Java stream's 1 MiB direct buffer arrives); `raw` is `ObjectBackend::raw_write`.

use commitfs_core::object::ObjectBackend;
use commitfs_core::{Backend, Config, CreateOptions, FsPath};
use std::time::Instant;

fn field(json: &str, name: &str) -> String {
    let at = json.find(&format!("\"{name}\"")).unwrap_or_else(|| panic!("no {name} in COMMITFS_S3"));
    let rest = &json[at + name.len() + 2..];
    let start = rest.find('"').expect("a string value") + 1;
    let len = rest[start..].find('"').expect("a closing quote");
    rest[start..start + len].to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("both").to_string();
    let mib: u64 = args.get(1).map_or(256, |s| s.parse().expect("MiB"));
    let rounds: usize = args.get(2).map_or(3, |s| s.parse().expect("rounds"));
    let chunk: usize = args.get(3).map_or(1024, |s| s.parse::<usize>().expect("chunk KiB")) << 10;
    let json = std::env::var("COMMITFS_S3").expect("COMMITFS_S3: the JSON line of launch.py seaweed");
    let conf = Config::from_pairs([
        ("fs.s3c.endpoint", field(&json, "endpoint")),
        ("fs.s3c.endpoint.region", "us-east-1".to_string()),
        ("fs.s3c.path.style.access", "true".to_string()),
        ("fs.s3c.access.key", field(&json, "access_key")),
        ("fs.s3c.secret.key", field(&json, "secret_key")),
        ("fs.s3c.copy-if-not-exists", "header".to_string()),
    ]);
    let backend = ObjectBackend::s3("s3c", &field(&json, "bucket"), &conf).expect("an S3 backend");
    let path = FsPath::parse("/profile/big").expect("a path");
    let bytes = mib << 20;
    let data = vec![0x5a_u8; chunk];
    for round in 0..rounds {
        if mode == "raw" || mode == "both" {
            let t = Instant::now();
            backend.raw_write(&path, bytes).expect("raw write");
            println!("round {round} object_store alone {:.1} MB/s", bytes as f64 / t.elapsed().as_secs_f64() / 1e6);
        }
        if mode == "writer" || mode == "both" {
            let t = Instant::now();
            let mut w = backend.create(&path, &CreateOptions::new(true)).expect("create");
            let mut left = bytes as usize;
            while left > 0 {
                let n = left.min(chunk);
                w.write(&data[..n]).expect("write");
                left -= n;
            }
            w.commit().expect("commit");
            println!("round {round} commitfs writer    {:.1} MB/s", bytes as f64 / t.elapsed().as_secs_f64() / 1e6);
        }
    }
}
