//! Native objects handed to Java as a `long`: a leaked `Box`, reclaimed exactly once. The Java side
//! (`NativeObject`) guarantees that no call uses a handle while or after it is freed, and passes 0 once
//! closed; 0 is therefore answered with a "closed" error here instead of a dangling dereference.

use commitfs_core::{Error, ErrorKind};
use jni::sys::jlong;

pub fn into_handle<T>(value: T) -> jlong {
    Box::into_raw(Box::new(value)) as jlong
}

/// # Safety
/// `handle` is 0 or came from `into_handle::<T>` and has not been freed.
pub unsafe fn borrow<'a, T>(handle: jlong, what: &str) -> Result<&'a T, Error> {
    if handle == 0 {
        return Err(closed(what));
    }
    Ok(&*(handle as *const T))
}

/// # Safety
/// As for `borrow`; afterwards the handle must never be used again.
pub unsafe fn take<T>(handle: jlong, what: &str) -> Result<Box<T>, Error> {
    if handle == 0 {
        return Err(closed(what));
    }
    Ok(Box::from_raw(handle as *mut T))
}

fn closed(what: &str) -> Error {
    Error::new(ErrorKind::Closed, None, format!("{what} is closed"))
}
