//! pipekit's Delta Lake addon: async functions over delta-rs for Node (napi-rs).
//!
//! Every export runs inside [`errors::guard`], so failures reach JS as errors whose reason
//! encodes `{code, tablePath, message}` and panics never unwind into Node. Data crosses the
//! boundary as Arrow IPC stream bytes, one call per micro-batch.
#![deny(clippy::all)]

mod arrow_conv;
mod errors;
mod info;
mod log;
mod protocol;
mod read;
mod session;
mod storage;
mod table;
mod write;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::errors::{guard, PkError};

/// See Cargo.toml: glibc's arenas fragmented under the per-commit snapshot churn of long runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Storage options of the table at `path` (an `s3://` / `s3a://` URL): `aws_endpoint`,
/// `aws_region`, `aws_access_key_id`, ... (delta-rs / object_store keys). Every later call on that
/// path uses them; an empty map removes them. The values are secrets: never logged.
#[napi]
pub fn set_storage_options(path: String, options: HashMap<String, String>) -> napi::Result<()> {
    storage::set(&path, options).map_err(|m| PkError::invalid(&path, m).into_napi())
}

/// Options of `createTable`.
#[napi(object)]
pub struct CreateOptions {
    /// Partition column names (must be in the schema).
    pub partition_columns: Option<Vec<String>>,
    /// Table properties, e.g. `delta.enableChangeDataFeed: "true"`.
    pub properties: Option<HashMap<String, String>>,
    /// `"error"` (default) fails when a table exists; `"ignore"` keeps it.
    pub if_exists: Option<String>,
}

/// Create a Delta table from a schema in Delta JSON form. Returns the table version.
#[napi]
pub async fn create_table(path: String, schema_json: String, options: Option<CreateOptions>) -> napi::Result<i64> {
    let p = path.clone();
    guard(&p, async move {
        let o = options.unwrap_or(CreateOptions { partition_columns: None, properties: None, if_exists: None });
        table::create(
            &path,
            &schema_json,
            o.partition_columns.unwrap_or_default(),
            o.properties.unwrap_or_default(),
            o.if_exists,
        )
        .await
    })
    .await
}

/// Options of `write` and `beginWrite`.
#[napi(object)]
pub struct WriteOptions {
    /// `"append"` (default) or `"overwrite"`.
    pub mode: Option<String>,
    /// Add columns that the table does not have yet (as nullable columns).
    pub merge_schema: Option<bool>,
    /// Application id of an idempotent streaming writer; needs `appVersion`.
    pub app_id: Option<String>,
    /// Monotonic batch version; the write is skipped when the table already holds this
    /// version (or a later one) for `appId`.
    pub app_version: Option<i64>,
    /// Start a new data file once one reaches this many bytes (default: the table's
    /// `delta.targetFileSize`, else one file per write and partition).
    pub target_file_size: Option<i64>,
    /// Write a log checkpoint when the new version is a multiple of this (default: the table's
    /// `delta.checkpointInterval`, else 100).
    pub checkpoint_interval: Option<i64>,
}

/// Outcome of `write`.
#[napi(object)]
pub struct WriteResult {
    /// Table version after the call (the new commit, or the current version when skipped).
    pub version: i64,
    /// True when the app transaction was already committed and nothing was written.
    pub skipped: bool,
    pub files_added: u32,
    pub rows: i64,
    /// Columns added by schema merging.
    pub added_columns: Vec<String>,
    /// Milliseconds the addon spent on this write (decoding, parquet, commit), not counting
    /// time waiting for the next chunk.
    pub native_ms: f64,
}

fn write_request(path: &str, options: Option<WriteOptions>) -> Result<session::WriteRequest, PkError> {
    let o = options.unwrap_or(WriteOptions {
        mode: None,
        merge_schema: None,
        app_id: None,
        app_version: None,
        target_file_size: None,
        checkpoint_interval: None,
    });
    let mode = match o.mode.as_deref() {
        None | Some("append") => session::Mode::Append,
        Some("overwrite") => session::Mode::Overwrite,
        Some(other) => return Err(PkError::invalid(path, format!("unknown write mode `{other}`"))),
    };
    let app = match (o.app_id, o.app_version) {
        (Some(id), Some(v)) if !id.is_empty() => Some((id, v)),
        (None, None) => None,
        _ => return Err(PkError::invalid(path, "appId and appVersion must be given together")),
    };
    let positive = |name: &str, v: Option<i64>| match v {
        None => Ok(None),
        Some(n) if n > 0 => Ok(Some(n as u64)),
        Some(n) => Err(PkError::invalid(path, format!("{path}: {name} must be a positive integer, got {n}"))),
    };
    Ok(session::WriteRequest {
        mode,
        merge_schema: o.merge_schema.unwrap_or(false),
        app,
        target_file_size: positive("targetFileSize", o.target_file_size)?,
        checkpoint_interval: positive("checkpointInterval", o.checkpoint_interval)?,
    })
}

fn write_result(out: session::WriteOutcome) -> WriteResult {
    WriteResult {
        version: out.version,
        skipped: out.skipped,
        files_added: out.files_added as u32,
        rows: out.rows as i64,
        added_columns: out.added_columns,
        native_ms: out.busy.as_secs_f64() * 1000.0,
    }
}

/// The bytes of a JS buffer as an Arrow buffer, without copying: the Arrow buffer holds the napi
/// reference, so the JS memory stays alive until the last array decoded from it is dropped (napi
/// releases references dropped on other threads on the JS thread). JS must not change the bytes
/// during the call; pipekit hands over fresh buffers it never touches again.
pub(crate) fn js_bytes(bytes: Buffer) -> deltalake::arrow::buffer::Buffer {
    let len = bytes.len();
    match NonNull::new(bytes.as_ptr() as *mut u8) {
        Some(ptr) if len > 0 => {
            let owner = Arc::new(AssertUnwindSafe(bytes));
            // SAFETY: `ptr..ptr+len` is the buffer's memory, kept alive by `owner`.
            unsafe { deltalake::arrow::buffer::Buffer::from_custom_allocation(ptr, len, owner) }
        }
        _ => deltalake::arrow::buffer::Buffer::from_vec(Vec::<u8>::new()),
    }
}

/// Write one micro-batch (Arrow IPC stream bytes) as one commit.
#[napi]
pub async fn write(path: String, ipc: Buffer, options: Option<WriteOptions>) -> napi::Result<WriteResult> {
    let p = path.clone();
    guard(&p, async move {
        let req = write_request(&path, options)?;
        session::write(&path, js_bytes(ipc), req).await.map(write_result)
    })
    .await
}

type SessionSlot = Arc<tokio::sync::Mutex<Option<Box<session::Session>>>>;

/// Writes begun with `beginWrite` and not yet finished or aborted, by id.
static SESSIONS: LazyLock<Mutex<HashMap<u32, SessionSlot>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static NEXT_SESSION: AtomicU32 = AtomicU32::new(1);

fn session_slot(id: u32, remove: bool) -> Result<SessionSlot, PkError> {
    let mut map = SESSIONS.lock().unwrap_or_else(|e| e.into_inner());
    let slot = if remove { map.remove(&id) } else { map.get(&id).cloned() };
    slot.ok_or_else(|| PkError::invalid("", format!("no write in progress with id {id}")))
}

/// Outcome of `beginWrite`.
#[napi(object)]
pub struct BeginResult {
    /// The write to pass chunks to, or null when the batch is already committed (skipped).
    pub id: Option<u32>,
    /// When skipped: the table's current version.
    pub version: i64,
}

/// Begin one commit fed in chunks (`writeChunk`, then `finishWrite` or `abortWrite`). Holds the
/// table's in-process lock until it ends; checks the application transaction first.
#[napi]
pub async fn begin_write(path: String, options: Option<WriteOptions>) -> napi::Result<BeginResult> {
    let p = path.clone();
    guard(&p, async move {
        let req = write_request(&path, options)?;
        match session::begin(&path, req).await? {
            session::Begun::Skipped(version) => Ok(BeginResult { id: None, version }),
            session::Begun::Session(s) => {
                let id = NEXT_SESSION.fetch_add(1, Ordering::Relaxed);
                let slot = Arc::new(tokio::sync::Mutex::new(Some(s)));
                SESSIONS.lock().unwrap_or_else(|e| e.into_inner()).insert(id, slot);
                Ok(BeginResult { id: Some(id), version: -1 })
            }
        }
    })
    .await
}

/// Stream one chunk (Arrow IPC stream bytes) of a begun write into its data files.
#[napi]
pub async fn write_chunk(id: u32, ipc: Buffer) -> napi::Result<()> {
    guard("", async move {
        let slot = session_slot(id, false)?;
        let mut s = slot.lock().await;
        let s = s.as_mut().ok_or_else(|| PkError::invalid("", format!("write {id} has ended")))?;
        s.push(js_bytes(ipc)).await
    })
    .await
}

/// Commit a begun write.
#[napi]
pub async fn finish_write(id: u32) -> napi::Result<WriteResult> {
    guard("", async move {
        let slot = session_slot(id, true)?;
        let s = slot.lock().await.take().ok_or_else(|| PkError::invalid("", format!("write {id} has ended")))?;
        s.finish().await.map(write_result)
    })
    .await
}

/// Abandon a begun write: nothing is committed and the table is released.
#[napi]
pub async fn abort_write(id: u32) -> napi::Result<()> {
    guard("", async move {
        if let Ok(slot) = session_slot(id, true) {
            if let Some(s) = slot.lock().await.take() {
                s.abort();
            }
        }
        Ok(())
    })
    .await
}

/// Last application transaction version committed for `appId`, or null.
#[napi]
pub async fn app_transaction_version(path: String, app_id: String) -> napi::Result<Option<i64>> {
    let p = path.clone();
    guard(&p, async move { table::app_transaction_version(&path, &app_id).await }).await
}

/// Version selector for reads: at most one of the two.
#[napi(object)]
pub struct VersionSpec {
    pub version: Option<i64>,
    /// Newest version committed at or before this time (ms since epoch).
    pub timestamp_ms: Option<i64>,
}

pub use info::{FileInfo, HistoryEntry, TableInfo};

/// Describe a table (latest, or a version / timestamp).
#[napi]
pub async fn open_table(path: String, at: Option<VersionSpec>) -> napi::Result<TableInfo> {
    let p = path.clone();
    guard(&p, async move {
        let (v, ts) = at.map(|a| (a.version, a.timestamp_ms)).unwrap_or((None, None));
        info::describe(&path, v, ts).await
    })
    .await
}

/// Commit history, newest first (`limit` newest commits when given).
#[napi]
pub async fn history(path: String, limit: Option<u32>) -> napi::Result<Vec<HistoryEntry>> {
    let p = path.clone();
    guard(&p, async move { info::history(&path, limit.map(|l| l as usize)).await }).await
}

/// All rows of the table as an Arrow IPC stream.
#[napi]
pub async fn read(path: String, at: Option<VersionSpec>) -> napi::Result<Buffer> {
    let p = path.clone();
    guard(&p, async move {
        let (v, ts) = at.map(|a| (a.version, a.timestamp_ms)).unwrap_or((None, None));
        read::read_table(&path, v, ts).await.map(Buffer::from)
    })
    .await
}

/// Rows appended by versions `from..=to` (to defaults to latest) as an Arrow IPC stream.
#[napi]
pub async fn read_versions(path: String, from: i64, to: Option<i64>) -> napi::Result<Buffer> {
    let p = path.clone();
    guard(&p, async move { read::read_versions(&path, from, to).await.map(Buffer::from) }).await
}

/// Change data feed rows of versions `from..=to` as an Arrow IPC stream.
#[napi]
pub async fn read_change_feed(path: String, from: i64, to: Option<i64>) -> napi::Result<Buffer> {
    let p = path.clone();
    guard(&p, async move { read::read_change_feed(&path, from, to).await.map(Buffer::from) }).await
}

/// Write a checkpoint for the latest version; returns that version.
#[napi]
pub async fn checkpoint(path: String) -> napi::Result<i64> {
    let p = path.clone();
    guard(&p, async move { table::checkpoint(&path).await }).await
}

/// Options of `vacuum`.
#[napi(object)]
pub struct VacuumOptions {
    /// Keep files removed less than this many hours ago (table default: 7 days).
    pub retention_hours: Option<f64>,
    pub dry_run: Option<bool>,
    /// Refuse retention shorter than the table's (default true).
    pub enforce_retention: Option<bool>,
    /// Also delete files the log never referenced (orphans of failed commits).
    pub full: Option<bool>,
}

/// Delete data files no longer referenced; returns the deleted (or, dry run, deletable) files.
#[napi]
pub async fn vacuum(path: String, options: Option<VacuumOptions>) -> napi::Result<Vec<String>> {
    let p = path.clone();
    guard(&p, async move {
        let o = options.unwrap_or(VacuumOptions { retention_hours: None, dry_run: None, enforce_retention: None, full: None });
        let req = table::VacuumRequest {
            retention_hours: o.retention_hours,
            dry_run: o.dry_run.unwrap_or(false),
            enforce_retention: o.enforce_retention.unwrap_or(true),
            full: o.full.unwrap_or(false),
        };
        table::vacuum(&path, req).await
    })
    .await
}

/// Outcome of `compact`.
#[napi(object)]
pub struct CompactResult {
    /// The new version, or null when nothing needed compacting.
    pub version: Option<i64>,
    pub files_added: u32,
    pub files_removed: u32,
}

/// Rewrite small files (below the target size: `targetSize` bytes, else the table's
/// `delta.targetFileSize`, else 128 MiB) of each partition into files of about that size.
#[napi]
pub async fn compact(path: String, target_size: Option<i64>) -> napi::Result<CompactResult> {
    let p = path.clone();
    guard(&p, async move {
        let size = match target_size {
            None => None,
            Some(n) => Some(u64::try_from(n).map_err(|_| PkError::invalid(&path, "targetSize must be positive"))?),
        };
        let out = write::compact(&path, size).await?;
        Ok(CompactResult {
            version: out.version,
            files_added: out.files_added as u32,
            files_removed: out.files_removed as u32,
        })
    })
    .await
}
