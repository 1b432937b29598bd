//! The expected cost of each operation in requests, named once (as hadoop-aws's `OperationCost`): a
//! change of cost is a change of one line here, and the assertions of `s3_requests.rs` read as sums of
//! named steps.

/// A HEAD: the backend's file probe.
pub const HEAD: u64 = 1;
/// One LIST of a name's prefix: a file, a directory or nothing at the path (exists, the exclusive
/// create's open-time check, a rename's destination with every new ancestor, the delete's look at
/// the directory's first keys).
pub const LIST: u64 = 1;
pub const PUT: u64 = 1;
pub const GET: u64 = 1;
pub const DELETE: u64 = 1;
/// Copy-if-not-exists: one CopyObject with If-None-Match (header mode, SeaweedFS) or create + copy
/// part + complete (multipart mode, moto).
pub fn copy(kind: &str) -> u64 {
    if kind == "seaweed" { 1 } else { 3 }
}
/// One RenameObject (`If-None-Match: *`, or none when replacing).
pub const RENAME_OBJECT: u64 = 1;
/// Moving one file: RenameObject on SeaweedFS (`rename.mode=auto` finds it there), copy-if-not-exists
/// + DELETE of the source on moto (which has no RenameObject).
pub fn move_file(kind: &str) -> u64 {
    if kind == "seaweed" { RENAME_OBJECT } else { copy(kind) + DELETE }
}
/// Replacing a file (`Rename.OVERWRITE`): RenameObject without precondition on SeaweedFS, an
/// unconditional CopyObject + DELETE on moto.
pub fn replace_file(kind: &str) -> u64 {
    if kind == "seaweed" { RENAME_OBJECT } else { 1 + DELETE }
}
/// The status of a file: the HEAD alone (paths asked for a status are mostly files).
pub const STATUS_FILE: u64 = HEAD;
/// The status of a directory: the HEAD misses, then the LIST of `p/` (S3A: the same two).
pub const STATUS_DIR: u64 = HEAD + LIST;
/// The status of nothing: the same two, both missing.
pub const STATUS_MISSING: u64 = HEAD + LIST;
/// Deleting a file: the LIST of its directory from just before its key (the file, a later key that
/// keeps the directory standing), then one DeleteObject (free on S3; a DeleteObjects POST would be
/// billed as a PUT). A missing file costs the LIST alone, however many keys sort before it.
pub const DELETE_FILE: u64 = LIST + DELETE;
/// An exclusive create with `create.performance` asked on the call (the checkpoint manager): the
/// conditional PUT alone; the loser's 412 is followed by the read of the winner's write token.
pub const CREATE_PER_CALL_PERFORMANCE: u64 = PUT;
pub const CREATE_PER_CALL_PERFORMANCE_LOST: u64 = PUT + HEAD;
/// Creates of a small file: the open-time LIST, then the PUT at close.
pub const CREATE_SMALL: u64 = LIST + PUT;
/// A rename's look at its destination once more than a page (100 keys) sorts before it.
pub const RENAME_PROBE_PAST_PAGE: u64 = 2 * LIST;
/// mkdirs: a LIST of the path, a LIST per ancestor level walked (with a HEAD of the level below once
/// one level was found empty), the marker PUT.
pub const MKDIRS_ONE_LEVEL: u64 = LIST + LIST + PUT;
pub const MKDIRS_TWO_LEVELS: u64 = LIST + LIST + (LIST + HEAD) + PUT;
pub const MKDIRS_BELOW_A_FILE: u64 = LIST + LIST + (LIST + HEAD);
/// Deleting the last file of a directory (no key after it) also writes the parent's marker, sent with
/// the DELETE (as S3A keeps the directory).
pub const DELETE_LAST_FILE: u64 = LIST + DELETE + PUT;
