//! Locating, opening and caching tables, plus the metadata operations (create, open, checkpoint,
//! vacuum, application transactions).

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use deltalake::kernel::engine::arrow_conversion::TryIntoArrow;
use deltalake::kernel::StructType;
use deltalake::operations::vacuum::VacuumMode;
use deltalake::kernel::transaction::CommitProperties;
use deltalake::logstore::object_store::{path::Path, ObjectStoreExt};
use deltalake::protocol::{DeltaOperation, SaveMode};
use deltalake::table::config::TablePropertiesExt;
use deltalake::ObjectStoreError;
use deltalake::DeltaTable;
use deltalake::arrow::datatypes::{Schema as ArrowSchema, SchemaRef};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use url::Url;

use crate::errors::{At, Code, PkError, PkResult};
use crate::protocol::CommitTarget;

enum Location {
    Local(PathBuf),
    Remote(Url),
}

fn locate(path: &str) -> PkResult<Location> {
    if path.trim().is_empty() {
        return Err(PkError::invalid(path, "table path must not be empty"));
    }
    if !path.contains("://") {
        return Ok(Location::Local(PathBuf::from(path)));
    }
    let url = Url::parse(path).map_err(|e| PkError::invalid(path, format!("{path}: invalid table URL: {e}")))?;
    if url.scheme() == "file" {
        let local = url
            .to_file_path()
            .map_err(|_| PkError::invalid(path, format!("{path}: invalid file URL")))?;
        return Ok(Location::Local(local));
    }
    Ok(Location::Remote(url))
}

/// Resolve a user path or URL to the table URL delta-rs expects, without creating anything.
/// Local paths must exist and contain `_delta_log`, so "not a table" is reported before delta-rs
/// produces a less specific error.
pub fn existing_table_url(path: &str) -> PkResult<Url> {
    match locate(path)? {
        Location::Remote(url) => Ok(url),
        Location::Local(local) => {
            if !local.is_dir() {
                return Err(PkError::not_a_table(path, format!("{path}: not a Delta table (directory does not exist)")));
            }
            if !local.join("_delta_log").is_dir() {
                return Err(PkError::not_a_table(path, format!("{path}: not a Delta table (no _delta_log directory)")));
            }
            local_url(path, &local)
        }
    }
}

/// Resolve a path for table creation; local directories are created as needed.
/// Returns the URL and, for local tables, whether a non-empty `_delta_log` already exists.
pub fn new_table_url(path: &str) -> PkResult<(Url, bool)> {
    match locate(path)? {
        Location::Remote(url) => Ok((url, false)),
        Location::Local(local) => {
            std::fs::create_dir_all(&local)
                .map_err(|e| PkError::new(Code::Io, path, format!("{path}: cannot create directory: {e}")))?;
            let exists = std::fs::read_dir(local.join("_delta_log"))
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            Ok((local_url(path, &local)?, exists))
        }
    }
}

fn local_url(path: &str, local: &FsPath) -> PkResult<Url> {
    let canonical = std::fs::canonicalize(local)
        .map_err(|e| PkError::not_a_table(path, format!("{path}: cannot resolve path: {e}")))?;
    Url::from_directory_path(&canonical)
        .map_err(|_| PkError::invalid(path, format!("{path}: cannot build a URL from the path")))
}

/// Load the latest version of a table.
pub async fn load_latest(path: &str, url: &Url) -> PkResult<DeltaTable> {
    crate::storage::builder(path, url)?.load().await.at(path)
}

/// Load a table at a version, at the newest version committed at or before `timestamp_ms`, or latest.
pub async fn load_at(path: &str, version: Option<i64>, timestamp_ms: Option<i64>) -> PkResult<DeltaTable> {
    let url = existing_table_url(path)?;
    match (version, timestamp_ms) {
        (Some(_), Some(_)) => Err(PkError::invalid(path, "pass either version or timestampMs, not both")),
        (Some(v), None) => {
            let v = u64::try_from(v).map_err(|_| PkError::invalid(path, format!("invalid version {v}")))?;
            match crate::storage::builder(path, &url)?.with_version(v).load().await {
                Ok(table) => Ok(table),
                Err(err) => {
                    // The kernel reports a version past the end as a generic log-segment error.
                    let probe = crate::storage::builder(path, &url)?.build().at(path)?;
                    match probe.get_latest_version().await {
                        Ok(latest) if v > latest => Err(PkError::invalid(
                            path,
                            format!("{path}: version {v} does not exist (latest is {latest})"),
                        )),
                        _ => Err(PkError::from_delta(path, err)),
                    }
                }
            }
        }
        (None, Some(ms)) => {
            let when = chrono::DateTime::from_timestamp_millis(ms)
                .ok_or_else(|| PkError::invalid(path, format!("invalid timestamp {ms}")))?;
            let mut table = crate::storage::builder(path, &url)?.build().at(path)?;
            table.load_with_datetime(when).await.at(path)?;
            Ok(table)
        }
        (None, None) => load_latest(path, &url).await,
    }
}

type Slot = Arc<AsyncMutex<Option<DeltaTable>>>;

/// One slot per table URL: writers to the same table inside this process queue here, so the
/// application-transaction check and the commit happen atomically with respect to each other.
static TABLES: LazyLock<Mutex<HashMap<String, Slot>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Exclusive access to the cached handle of a table.
pub async fn lock_table(url: &Url) -> OwnedMutexGuard<Option<DeltaTable>> {
    let slot = {
        let mut map = TABLES.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(url.as_str().to_string()).or_default().clone()
    };
    slot.lock_owned().await
}

/// Bring the cached handle up to the latest committed version (or open it).
pub async fn refresh<'a>(
    slot: &'a mut Option<DeltaTable>,
    path: &str,
    url: &Url,
) -> PkResult<&'a mut DeltaTable> {
    let fresh = match slot.take() {
        Some(mut table) => match table.update_state().await {
            Ok(()) => table,
            // The table may have been replaced behind our back: start over from the log.
            Err(_) => load_latest(path, url).await?,
        },
        None => load_latest(path, url).await?,
    };
    Ok(slot.insert(fresh))
}

pub fn arrow_schema(path: &str, table: &DeltaTable) -> PkResult<SchemaRef> {
    let schema = table.snapshot().at(path)?.schema();
    let arrow: ArrowSchema = schema.as_ref().try_into_arrow().at(path)?;
    Ok(Arc::new(arrow))
}

pub fn partition_columns(path: &str, table: &DeltaTable) -> PkResult<Vec<String>> {
    Ok(table.snapshot().at(path)?.metadata().partition_columns().to_vec())
}

pub fn parse_schema(path: &str, schema_json: &str) -> PkResult<StructType> {
    serde_json::from_str::<StructType>(schema_json)
        .map_err(|e| PkError::invalid(path, format!("{path}: invalid Delta schema JSON: {e}")))
}

/// Create a table. `if_exists`: "error" (default) or "ignore".
pub async fn create(
    path: &str,
    schema_json: &str,
    partition_columns: Vec<String>,
    properties: HashMap<String, String>,
    if_exists: Option<String>,
) -> PkResult<i64> {
    let schema = parse_schema(path, schema_json)?;
    for col in &partition_columns {
        if schema.field(col).is_none() {
            return Err(PkError::invalid(path, format!("{path}: partition column `{col}` is not in the schema")));
        }
    }
    let mode = match if_exists.as_deref() {
        None | Some("error") => SaveMode::ErrorIfExists,
        Some("ignore") => SaveMode::Ignore,
        Some(other) => return Err(PkError::invalid(path, format!("unknown ifExists mode `{other}`"))),
    };
    let (url, exists) = new_table_url(path)?;
    let mut guard = lock_table(&url).await;
    if mode == SaveMode::ErrorIfExists && exists {
        return Err(PkError::invalid(path, format!("{path}: a Delta table already exists here")));
    }
    let table = crate::storage::builder(path, &url)?.build().at(path)?;
    let table = table
        .create()
        .with_columns(schema.fields().cloned())
        .with_partition_columns(partition_columns)
        .with_configuration(properties.into_iter().map(|(k, v)| (k, Some(v))))
        .with_save_mode(mode)
        .await
        .at(path)?;
    let version = table.version().map(|v| v as i64).unwrap_or(0);
    *guard = None;
    Ok(version)
}

/// Application transaction version recorded for `app_id` in the latest snapshot.
pub async fn app_transaction_version(path: &str, app_id: &str) -> PkResult<Option<i64>> {
    let url = existing_table_url(path)?;
    let mut guard = lock_table(&url).await;
    let table = refresh(&mut guard, path, &url).await?;
    let log_store = table.log_store();
    table.snapshot().at(path)?.transaction_version(log_store.as_ref(), app_id).await.at(path)
}

pub async fn checkpoint(path: &str) -> PkResult<i64> {
    let url = existing_table_url(path)?;
    let mut guard = lock_table(&url).await;
    let table = refresh(&mut guard, path, &url).await?;
    deltalake::checkpoints::create_checkpoint(table, None).await.at(path)?;
    Ok(table.version().map(|v| v as i64).unwrap_or(0))
}

pub struct VacuumRequest {
    pub retention_hours: Option<f64>,
    pub dry_run: bool,
    pub enforce_retention: bool,
    pub full: bool,
}

pub async fn vacuum(path: &str, req: VacuumRequest) -> PkResult<Vec<String>> {
    let url = existing_table_url(path)?;
    let mut guard = lock_table(&url).await;
    let table = refresh(&mut guard, path, &url).await?;
    // delta-rs logs VACUUM START/END commits through its own protocol check, which refuses
    // change-data-feed tables without DataFusion; for those we plan with a dry run and commit
    // through the scoped protocol (see protocol.rs).
    let scoped = matches!(CommitTarget::new(path, table.snapshot().at(path)?)?, CommitTarget::Scoped { .. });
    let mut builder = table
        .clone()
        .vacuum()
        .with_dry_run(req.dry_run || scoped)
        .with_enforce_retention_duration(req.enforce_retention)
        .with_mode(if req.full { VacuumMode::Full } else { VacuumMode::Lite });
    let mut specified_ms = None;
    if let Some(hours) = req.retention_hours {
        if !(hours >= 0.0 && hours.is_finite()) {
            return Err(PkError::invalid(path, format!("invalid retentionHours {hours}")));
        }
        let ms = (hours * 3_600_000.0) as i64;
        specified_ms = Some(ms);
        builder = builder.with_retention_period(chrono::Duration::milliseconds(ms));
    }
    let (_, metrics) = builder.await.at(path)?;
    if req.dry_run || !scoped || metrics.files_deleted.is_empty() {
        *guard = None;
        return Ok(metrics.files_deleted);
    }
    let default_ms = table.snapshot().at(path)?.table_config().deleted_file_retention_duration().as_millis() as i64;
    let start = DeltaOperation::VacuumStart {
        retention_check_enabled: req.enforce_retention,
        specified_retention_millis: specified_ms,
        default_retention_millis: default_ms,
    };
    crate::write::commit(path, table, Vec::new(), start, CommitProperties::default(), None).await?;
    let store = table.object_store();
    let mut deleted = Vec::with_capacity(metrics.files_deleted.len());
    for file in metrics.files_deleted {
        let location = Path::parse(&file).unwrap_or_else(|_| Path::from(file.as_str()));
        match store.delete(&location).await {
            Ok(()) | Err(ObjectStoreError::NotFound { .. }) => deleted.push(file),
            Err(e) => return Err(PkError::from_delta(path, e.into())),
        }
    }
    let end = DeltaOperation::VacuumEnd { status: "COMPLETED".to_string() };
    crate::write::commit(path, table, Vec::new(), end, CommitProperties::default(), None).await?;
    Ok(deleted)
}
