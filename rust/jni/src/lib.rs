//! JNI binding of commitfs for the JVM face (`io.commitfs.hadoop`). A thin layer: each entry point
//! decodes its arguments, calls the core's `FileSystem`, `Reader` or `Writer`, and encodes the result.
//! Failures and panics become Java exceptions in `errors.rs`, never an abort.

#[cfg(feature = "bench-hooks")]
mod bench_hooks;
mod credentials;
mod errors;
mod handle;
mod marshal;
mod settings;
mod store;
mod streams;
mod test_hooks;
mod write_buffers;
