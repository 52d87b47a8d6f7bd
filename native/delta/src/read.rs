//! Reading rows without DataFusion: the snapshot's parquet files (or, for version ranges and the
//! change data feed, the files named by individual commits) are read with the parquet crate and
//! completed with partition values from the log.

use std::collections::HashMap;
use std::sync::Arc;

use deltalake::arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
use deltalake::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use deltalake::logstore::object_store::{path::Path, ObjectStoreExt};
use deltalake::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use deltalake::DeltaTable;
use serde_json::Value;

use crate::arrow_conv::{encode_ipc, relaxed_schema, table_rows};
use crate::errors::{At, Code, PkError, PkResult};
use crate::log::{read_commit, Commit};
use crate::table::{arrow_schema, load_at, partition_columns};

/// A data file to read, with the partition values the log records for it.
pub struct FileRef {
    pub path: String,
    pub partition_values: HashMap<String, Option<String>>,
}

/// Read one data file as table rows in `schema`.
pub async fn read_file(
    path: &str,
    table: &DeltaTable,
    file: &FileRef,
    partition_cols: &[String],
    schema: &SchemaRef,
) -> PkResult<Vec<RecordBatch>> {
    let location = Path::parse(&file.path).unwrap_or_else(|_| Path::from(file.path.as_str()));
    let store = table.object_store();
    let bytes = store
        .get(&location)
        .await
        .map_err(|e| PkError::new(Code::Io, path, format!("{path}: cannot read data file {}: {e}", file.path)))?
        .bytes()
        .await
        .at(path)?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes).at(path)?.build().at(path)?;
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.at(path)?;
        out.push(table_rows(path, &batch, &file.partition_values, partition_cols, schema)?);
    }
    Ok(out)
}

/// The active files of a loaded snapshot.
pub fn snapshot_files(path: &str, table: &DeltaTable) -> PkResult<Vec<FileRef>> {
    let snapshot = table.snapshot().at(path)?;
    let mut files = Vec::new();
    for view in snapshot.log_data() {
        if view.deletion_vector_descriptor().is_some() {
            return Err(PkError::invalid(
                path,
                format!("{path}: file {} has a deletion vector, which this reader does not support", view.path()),
            ));
        }
        files.push(FileRef { path: view.path().to_string(), partition_values: view.partition_values_map() });
    }
    Ok(files)
}

/// All rows of the table at a version / timestamp / latest, as an Arrow IPC stream.
pub async fn read_table(path: &str, version: Option<i64>, timestamp_ms: Option<i64>) -> PkResult<Vec<u8>> {
    let table = load_at(path, version, timestamp_ms).await?;
    let schema = relaxed_schema(&arrow_schema(path, &table)?);
    let partition_cols = partition_columns(path, &table)?;
    let mut batches = Vec::new();
    for file in snapshot_files(path, &table)? {
        batches.extend(read_file(path, &table, &file, &partition_cols, &schema).await?);
    }
    encode_ipc(path, &schema, &batches)
}

fn file_ref(action: &Value) -> Option<FileRef> {
    let path = action.get("path")?.as_str()?;
    // Log paths are percent-encoded URIs relative to the table root.
    let decoded = percent_decode(path);
    let partition_values = action
        .get("partitionValues")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string))).collect())
        .unwrap_or_default();
    Some(FileRef { path: decoded, partition_values })
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

fn data_change(action: &Value) -> bool {
    action.get("dataChange").and_then(Value::as_bool).unwrap_or(true)
}

fn check_range(path: &str, latest: i64, from: i64, to: i64) -> PkResult<()> {
    if from < 0 || to < from {
        return Err(PkError::invalid(path, format!("{path}: invalid version range {from}..={to}")));
    }
    if to > latest {
        return Err(PkError::invalid(path, format!("{path}: version {to} is after the latest version {latest}")));
    }
    Ok(())
}

/// Rows added by the commits `from..=to`, in the schema of version `to`. Commits that removed
/// data (overwrite, delete) are rejected: their effect cannot be expressed as appended rows.
pub async fn read_versions(path: &str, from: i64, to: Option<i64>) -> PkResult<Vec<u8>> {
    let table = load_at(path, to, None).await?;
    let latest = table.version().map(|v| v as i64).unwrap_or(0);
    let to = to.unwrap_or(latest);
    check_range(path, latest, from, to)?;
    let schema = relaxed_schema(&arrow_schema(path, &table)?);
    let partition_cols = partition_columns(path, &table)?;
    let mut batches = Vec::new();
    for version in from..=to {
        let (commit, _) = read_commit(path, &table, version).await?;
        if commit.of_kind("remove").any(data_change) {
            return Err(PkError::invalid(
                path,
                format!("{path}: version {version} removed rows (not an append); read it with readChangeFeed"),
            ));
        }
        for add in commit.of_kind("add").filter(|a| data_change(a)) {
            let file = file_ref(add).ok_or_else(|| PkError::invalid(path, format!("{path}: malformed add action in version {version}")))?;
            batches.extend(read_file(path, &table, &file, &partition_cols, &schema).await?);
        }
    }
    encode_ipc(path, &schema, &batches)
}

fn cdf_enabled(table: &DeltaTable) -> bool {
    table
        .snapshot()
        .ok()
        .and_then(|s| s.metadata().configuration().get("delta.enableChangeDataFeed").cloned())
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Change data feed for `from..=to`: `_change_data` files when a commit wrote them, otherwise
/// inserts for added files and deletes for removed files, each row tagged with `_change_type`,
/// `_commit_version` and `_commit_timestamp` (as Delta readers derive it).
pub async fn read_change_feed(path: &str, from: i64, to: Option<i64>) -> PkResult<Vec<u8>> {
    let table = load_at(path, to, None).await?;
    if !cdf_enabled(&table) {
        return Err(PkError::invalid(path, format!("{path}: change data feed is not enabled (delta.enableChangeDataFeed)")));
    }
    let latest = table.version().map(|v| v as i64).unwrap_or(0);
    let to = to.unwrap_or(latest);
    check_range(path, latest, from, to)?;
    let base = arrow_schema(path, &table)?;
    let partition_cols = partition_columns(path, &table)?;
    let data_schema = relaxed_schema(&base);
    let mut with_type: Vec<Field> = data_schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    with_type.push(Field::new("_change_type", DataType::Utf8, true));
    let cdc_schema: SchemaRef = Arc::new(Schema::new(with_type));
    let mut out_fields: Vec<Field> = cdc_schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    out_fields.push(Field::new("_commit_version", DataType::Int64, false));
    out_fields.push(Field::new("_commit_timestamp", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), false));
    let out_schema: SchemaRef = Arc::new(Schema::new(out_fields));

    let mut batches = Vec::new();
    for version in from..=to {
        let (commit, modified_ms) = read_commit(path, &table, version).await?;
        let ts_us = commit.timestamp_ms(modified_ms) * 1000;
        for (batch, change) in commit_changes(path, &table, &commit, &partition_cols, &data_schema, &cdc_schema).await? {
            batches.push(tag(path, &batch, change, version, ts_us, &out_schema)?);
        }
    }
    encode_ipc(path, &out_schema, &batches)
}

/// Batches of one commit with their change type (`None`: the batch carries `_change_type`).
async fn commit_changes(
    path: &str,
    table: &DeltaTable,
    commit: &Commit,
    partition_cols: &[String],
    data_schema: &SchemaRef,
    cdc_schema: &SchemaRef,
) -> PkResult<Vec<(RecordBatch, Option<&'static str>)>> {
    let mut out = Vec::new();
    let cdc: Vec<&Value> = commit.of_kind("cdc").collect();
    if !cdc.is_empty() {
        for action in cdc {
            let file = file_ref(action).ok_or_else(|| PkError::invalid(path, "malformed cdc action"))?;
            for b in read_file(path, table, &file, partition_cols, cdc_schema).await? {
                out.push((b, None));
            }
        }
        return Ok(out);
    }
    for (kind, change) in [("add", "insert"), ("remove", "delete")] {
        for action in commit.of_kind(kind).filter(|a| data_change(a)) {
            let file = file_ref(action).ok_or_else(|| PkError::invalid(path, format!("malformed {kind} action")))?;
            for b in read_file(path, table, &file, partition_cols, data_schema).await? {
                out.push((b, Some(change)));
            }
        }
    }
    Ok(out)
}

fn tag(
    path: &str,
    batch: &RecordBatch,
    change: Option<&str>,
    version: i64,
    ts_us: i64,
    out_schema: &SchemaRef,
) -> PkResult<RecordBatch> {
    let rows = batch.num_rows();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    if let Some(change) = change {
        columns.push(Arc::new(StringArray::from(vec![change; rows])));
    }
    columns.push(Arc::new(Int64Array::from(vec![version; rows])));
    columns.push(Arc::new(TimestampMicrosecondArray::from(vec![ts_us; rows]).with_timezone("UTC")));
    RecordBatch::try_new(out_schema.clone(), columns).at(path)
}
