//! Table description and history for `openTable` / `history`.

use std::collections::HashMap;

use napi_derive::napi;
use serde_json::Value;

use crate::errors::{At, PkResult};
use crate::log::{commit_versions, read_commit};
use crate::read::snapshot_files;
use crate::table::{load_at, partition_columns};

/// An active data file.
#[napi(object)]
pub struct FileInfo {
    /// Path relative to the table root.
    pub path: String,
    pub size: i64,
    /// Partition values as serialized in the log (null for a null partition value).
    pub partition_values: HashMap<String, Option<String>>,
    pub modification_time: i64,
    pub num_records: Option<i64>,
}

/// A loaded snapshot's description.
#[napi(object)]
pub struct TableInfo {
    pub version: i64,
    /// Schema in Delta JSON form (`{"type":"struct","fields":[...]}`).
    pub schema_json: String,
    pub partition_columns: Vec<String>,
    pub properties: HashMap<String, String>,
    pub files: Vec<FileInfo>,
    pub min_reader_version: i32,
    pub min_writer_version: i32,
}

pub async fn describe(path: &str, version: Option<i64>, timestamp_ms: Option<i64>) -> PkResult<TableInfo> {
    let table = load_at(path, version, timestamp_ms).await?;
    let snapshot = table.snapshot().at(path)?;
    // Reject tables we could not read rows from (deletion vectors) early and uniformly.
    snapshot_files(path, &table)?;
    let files = snapshot
        .log_data()
        .into_iter()
        .map(|view| FileInfo {
            path: view.path().to_string(),
            size: view.size(),
            partition_values: view.partition_values_map(),
            modification_time: view.modification_time(),
            num_records: view.num_records().map(|n| n as i64),
        })
        .collect();
    let schema_json = serde_json::to_string(snapshot.schema().as_ref())
        .map_err(|e| crate::errors::PkError::new(crate::errors::Code::Internal, path, e.to_string()))?;
    Ok(TableInfo {
        version: snapshot.version() as i64,
        schema_json,
        partition_columns: partition_columns(path, &table)?,
        properties: snapshot.metadata().configuration().clone(),
        files,
        min_reader_version: snapshot.protocol().min_reader_version(),
        min_writer_version: snapshot.protocol().min_writer_version(),
    })
}

/// One commit of the history.
#[napi(object)]
pub struct HistoryEntry {
    pub version: i64,
    /// Commit time, ms since epoch.
    pub timestamp: i64,
    /// Operation name, e.g. `WRITE`, `CREATE TABLE`, `OPTIMIZE`.
    pub operation: Option<String>,
    /// `operationParameters` of the commit info, as JSON.
    pub operation_parameters_json: Option<String>,
    /// Application transactions recorded by the commit.
    pub app_transactions: HashMap<String, i64>,
    pub is_blind_append: Option<bool>,
}

pub async fn history(path: &str, limit: Option<usize>) -> PkResult<Vec<HistoryEntry>> {
    let table = load_at(path, None, None).await?;
    let latest = table.version().map(|v| v as i64).unwrap_or(0);
    let mut versions: Vec<i64> = commit_versions(path, &table).await?.into_iter().filter(|v| *v <= latest).collect();
    versions.reverse();
    if let Some(limit) = limit {
        versions.truncate(limit);
    }
    let mut out = Vec::with_capacity(versions.len());
    for version in versions {
        let (commit, modified_ms) = read_commit(path, &table, version).await?;
        let info = commit.commit_info();
        let txns = commit
            .of_kind("txn")
            .filter_map(|t| Some((t.get("appId")?.as_str()?.to_string(), t.get("version")?.as_i64()?)))
            .collect();
        out.push(HistoryEntry {
            version,
            timestamp: commit.timestamp_ms(modified_ms),
            operation: info.and_then(|i| i.get("operation")).and_then(Value::as_str).map(str::to_string),
            operation_parameters_json: info.and_then(|i| i.get("operationParameters")).map(Value::to_string),
            app_transactions: txns,
            is_blind_append: info.and_then(|i| i.get("isBlindAppend")).and_then(Value::as_bool),
        });
    }
    Ok(out)
}
