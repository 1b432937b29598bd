//! The one place where Rust failures become Java exceptions. Every native entry point runs through
//! [`run`]: the closure runs inside `catch_unwind` (jni's `with_env`), an `Err` is thrown as the Java
//! exception its `ErrorKind` maps to, and a panic is thrown as an IOException instead of unwinding into
//! the JVM (which would abort the process).

use commitfs_core::{Error, ErrorKind};
use jni::errors::ErrorPolicy;
use jni::objects::{JObject, JThrowable, JValue};
use jni::strings::{JNIStr, JNIString};
use jni::{jni_sig, jni_str, Env, EnvUnowned};
use std::any::Any;

/// Why a native call failed: a commitfs error, or a JNI failure (usually a Java exception already
/// pending, e.g. an OutOfMemoryError while allocating the result).
pub enum Failure {
    Core(Error),
    Jni(jni::errors::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl From<jni::errors::Error> for Failure {
    fn from(e: jni::errors::Error) -> Self {
        Failure::Jni(e)
    }
}

pub type NativeResult<T> = Result<T, Failure>;

/// Runs the body of a native method; failures are thrown and the method returns `T::default()`.
pub fn run<'local, T, F>(env: &mut EnvUnowned<'local>, body: F) -> T
where
    T: Default,
    F: FnOnce(&mut Env<'local>) -> NativeResult<T>,
{
    env.with_env(body).resolve::<ThrowAsJava>()
}

struct ThrowAsJava;

impl<T: Default> ErrorPolicy<T, Failure> for ThrowAsJava {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        err: Failure,
    ) -> jni::errors::Result<T> {
        if env.exception_check() {
            return Ok(T::default()); // the Java exception already pending says more than we could
        }
        match err {
            Failure::Core(e) => throw_core(env, &e),
            Failure::Jni(e) => throw_message(env, jni_str!("java/io/IOException"), &format!("commitfs JNI call failed: {e}")),
        }
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        payload: Box<dyn Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let what = panic_message(payload);
        if env.exception_check() {
            env.exception_clear();
        }
        throw_message(env, jni_str!("java/io/IOException"), &format!("commitfs internal error (panic): {what}"));
        Ok(T::default())
    }
}

fn panic_message(payload: Box<dyn Any + Send + 'static>) -> String {
    match payload.downcast::<&'static str>() {
        Ok(s) => (*s).to_string(),
        Err(payload) => match payload.downcast::<String>() {
            Ok(s) => *s,
            // Dropping an unknown payload could itself panic; leak it instead (it is tiny and rare).
            Err(payload) => {
                std::mem::forget(payload);
                "non-string panic payload".to_string()
            }
        },
    }
}

/// How an `ErrorKind` is presented to Java.
enum Shape {
    /// `new Class(fullMessage)`.
    Message(&'static JNIStr),
    /// A Hadoop `PathIOException` flavour whose only constructor takes the path and supplies the cause
    /// text itself ("`path': Directory is not empty"); without a path it falls back to a message class.
    PathOnly(&'static JNIStr, &'static JNIStr),
    /// `new InvalidPathException(path, reason)`, or `IllegalArgumentException(message)` without a path.
    InvalidPath,
}

fn shape(kind: ErrorKind) -> Shape {
    use ErrorKind::*;
    match kind {
        NotFound => Shape::Message(jni_str!("java/io/FileNotFoundException")),
        // Opening a directory: Hadoop's contract (and S3A, RawLocalFileSystem) expect FileNotFoundException.
        IsDirectory => Shape::Message(jni_str!("java/io/FileNotFoundException")),
        AlreadyExists => Shape::Message(jni_str!("org/apache/hadoop/fs/FileAlreadyExistsException")),
        ParentNotDirectory => Shape::Message(jni_str!("org/apache/hadoop/fs/ParentNotDirectoryException")),
        DirectoryNotEmpty => Shape::PathOnly(
            jni_str!("org/apache/hadoop/fs/PathIsNotEmptyDirectoryException"),
            jni_str!("java/io/IOException"),
        ),
        NotDirectory => Shape::PathOnly(
            jni_str!("org/apache/hadoop/fs/PathIsNotDirectoryException"),
            jni_str!("java/io/IOException"),
        ),
        EndOfFile => Shape::Message(jni_str!("java/io/EOFException")),
        PermissionDenied => Shape::Message(jni_str!("java/nio/file/AccessDeniedException")),
        InvalidArgument => Shape::InvalidPath,
        Unsupported => Shape::Message(jni_str!("java/lang/UnsupportedOperationException")),
        Conflict => Shape::Message(jni_str!("io/commitfs/hadoop/ConcurrentChangeException")),
        Unsafe => Shape::Message(jni_str!("io/commitfs/hadoop/UnsafeStoreException")),
        Closed | Io => Shape::Message(jni_str!("java/io/IOException")),
    }
}

fn throw_core(env: &mut Env<'_>, e: &Error) {
    let message = e.to_string();
    match (shape(e.kind), e.path.as_deref()) {
        (Shape::Message(class), _) | (Shape::PathOnly(_, class), None) => throw_message(env, class, &message),
        (Shape::PathOnly(class, _), Some(path)) => throw_message(env, class, path),
        (Shape::InvalidPath, None) => throw_message(env, jni_str!("java/lang/IllegalArgumentException"), &message),
        (Shape::InvalidPath, Some(path)) => {
            let thrown = throw_constructed(env, jni_str!("org/apache/hadoop/fs/InvalidPathException"), path, &e.message);
            if thrown.is_err() {
                throw_message(env, jni_str!("java/lang/IllegalArgumentException"), &message);
            }
        }
    }
}

fn throw_constructed(env: &mut Env<'_>, class: &JNIStr, path: &str, reason: &str) -> jni::errors::Result<()> {
    let path = env.new_string(path)?;
    let reason = env.new_string(reason)?;
    let ex = env.new_object(
        class,
        jni_sig!("(Ljava/lang/String;Ljava/lang/String;)V"),
        &[JValue::Object(&path), JValue::Object(&reason)],
    )?;
    throw_object(env, ex)
}

fn throw_object(env: &mut Env<'_>, ex: JObject<'_>) -> jni::errors::Result<()> {
    let ex = env.cast_local::<JThrowable>(ex)?;
    let result = env.throw(&ex);
    thrown(env, result)
}

/// jni reports a successful throw as `Err(JavaException)`; anything else means nothing was thrown.
fn thrown(env: &Env<'_>, result: jni::errors::Result<()>) -> jni::errors::Result<()> {
    match result {
        Err(jni::errors::Error::JavaException) if env.exception_check() => Ok(()),
        Err(e) => Err(e),
        Ok(()) if env.exception_check() => Ok(()),
        Ok(()) => Err(jni::errors::Error::JavaException),
    }
}

/// Throws `new class(message)`; if that class cannot be loaded, an IOException that still carries the
/// message.
fn throw_message(env: &mut Env<'_>, class: &JNIStr, message: &str) {
    if env.exception_check() {
        env.exception_clear();
    }
    let msg = JNIString::from(message);
    let result = env.throw_new(class, &msg);
    if thrown(env, result).is_err() {
        env.exception_clear();
        let _ = env.throw_new(jni_str!("java/io/IOException"), &msg);
    }
}
