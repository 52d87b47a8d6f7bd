//! Writes without DataFusion: parquet files come from delta-rs' `RecordBatchWriter`, and the
//! commit (appends, overwrites as Add + Remove, schema evolution as a new Metadata action,
//! compaction as `dataChange=false` rewrites) is assembled here and handed to `CommitBuilder`.

use std::collections::BTreeMap;

use deltalake::arrow::array::RecordBatch;
use deltalake::arrow::datatypes::SchemaRef;
use deltalake::kernel::engine::arrow_conversion::TryIntoKernel;
use deltalake::kernel::transaction::{CommitBuilder, CommitProperties};
use deltalake::kernel::{Action, Add, MetadataExt, StructType, Transaction};
use deltalake::protocol::{DeltaOperation, SaveMode};
use deltalake::writer::{DeltaWriter, RecordBatchWriter};
use deltalake::DeltaTable;
use url::Url;

use crate::arrow_conv::{decode_ipc, fit_to_table};
use crate::errors::{At, PkError, PkResult};
use crate::protocol::CommitTarget;
use crate::read::{read_file, FileRef};
use crate::table::{arrow_schema, existing_table_url, lock_table, partition_columns, refresh};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Append,
    Overwrite,
}

pub struct WriteRequest {
    pub mode: Mode,
    pub merge_schema: bool,
    pub app: Option<(String, i64)>,
}

pub struct WriteOutcome {
    pub version: i64,
    pub skipped: bool,
    pub files_added: usize,
    pub rows: usize,
    pub added_columns: Vec<String>,
}

fn current_version(table: &DeltaTable) -> i64 {
    table.version().map(|v| v as i64).unwrap_or(0)
}

/// Write parquet files for `batches` (in `schema`) and return their Add actions.
async fn write_files(
    path: &str,
    url: &Url,
    table: &DeltaTable,
    schema: &SchemaRef,
    evolved: bool,
    batches: Vec<RecordBatch>,
    target_file_size: Option<u64>,
) -> PkResult<Vec<Add>> {
    let mut writer = if evolved {
        // The table's writer would reject the new columns; a writer for the merged schema
        // over the same storage produces files in the new layout.
        RecordBatchWriter::try_new(url.as_str(), schema.clone(), Some(partition_columns(path, table)?), None).at(path)?
    } else {
        RecordBatchWriter::for_table(table).at(path)?
    };
    if let Some(size) = target_file_size {
        writer = writer.with_target_file_size(size);
    }
    for batch in batches {
        if batch.num_rows() > 0 {
            writer.write(batch).await.at(path)?;
        }
    }
    writer.flush().await.at(path)
}

pub(crate) async fn commit(
    path: &str,
    table: &mut DeltaTable,
    actions: Vec<Action>,
    operation: DeltaOperation,
    properties: CommitProperties,
) -> PkResult<i64> {
    let target = CommitTarget::new(path, table.snapshot().at(path)?)?;
    let finalized = CommitBuilder::from(properties)
        .with_actions(actions)
        .build(Some(&target), table.log_store(), operation)
        .await
        .at(path)?;
    let version = finalized.version() as i64;
    table.update_state().await.at(path)?;
    Ok(version)
}

/// Append or overwrite one micro-batch given as Arrow IPC stream bytes.
pub async fn write(path: &str, ipc: &[u8], req: WriteRequest) -> PkResult<WriteOutcome> {
    let (input_schema, batches) = decode_ipc(path, ipc)?;
    let url = existing_table_url(path)?;
    let mut guard = lock_table(&url).await;
    let result = write_locked(path, &url, &mut guard, &input_schema, batches, req).await;
    if result.is_err() {
        // Drop the cached handle: the next writer reloads from the log.
        *guard = None;
    }
    result
}

async fn write_locked(
    path: &str,
    url: &Url,
    slot: &mut Option<DeltaTable>,
    input_schema: &SchemaRef,
    batches: Vec<RecordBatch>,
    req: WriteRequest,
) -> PkResult<WriteOutcome> {
    let table = refresh(slot, path, url).await?;
    if let Some((app_id, app_version)) = &req.app {
        let log_store = table.log_store();
        let committed = table.snapshot().at(path)?.transaction_version(log_store.as_ref(), app_id).await.at(path)?;
        if committed.is_some_and(|v| v >= *app_version) {
            return Ok(WriteOutcome {
                version: current_version(table),
                skipped: true,
                files_added: 0,
                rows: 0,
                added_columns: Vec::new(),
            });
        }
    }
    let table_schema = arrow_schema(path, table)?;
    let fitted = fit_to_table(path, input_schema, &batches, &table_schema, req.merge_schema)?;
    let evolved = !fitted.added.is_empty();
    let rows = fitted.batches.iter().map(RecordBatch::num_rows).sum();
    let partition_by = partition_columns(path, table)?;
    let adds = write_files(path, url, table, &fitted.schema, evolved, fitted.batches, None).await?;
    let files_added = adds.len();

    let mut actions: Vec<Action> = adds.into_iter().map(Action::Add).collect();
    if req.mode == Mode::Overwrite {
        for view in table.snapshot().at(path)?.log_data() {
            actions.push(Action::Remove(view.remove_action(true)));
        }
    }
    if evolved {
        let schema: StructType = fitted.schema.as_ref().try_into_kernel().at(path)?;
        let metadata = table.snapshot().at(path)?.metadata().clone().with_schema(&schema).at(path)?;
        actions.push(Action::Metadata(metadata));
    }
    let mut properties = CommitProperties::default();
    if let Some((app_id, app_version)) = &req.app {
        properties = properties.with_application_transaction(Transaction::new(app_id, *app_version));
    }
    let operation = DeltaOperation::Write {
        mode: if req.mode == Mode::Overwrite { SaveMode::Overwrite } else { SaveMode::Append },
        partition_by: (!partition_by.is_empty()).then_some(partition_by),
        predicate: None,
    };
    let version = commit(path, table, actions, operation, properties).await?;
    Ok(WriteOutcome { version, skipped: false, files_added, rows, added_columns: fitted.added })
}

pub struct CompactOutcome {
    pub version: Option<i64>,
    pub files_added: usize,
    pub files_removed: usize,
}

/// Rewrite, per partition, the files smaller than `target_size` into files of about that size.
/// The commit marks every action `dataChange=false`, so streaming readers skip it.
pub async fn compact(path: &str, target_size: u64) -> PkResult<CompactOutcome> {
    if target_size == 0 {
        return Err(PkError::invalid(path, "targetSize must be positive"));
    }
    let url = existing_table_url(path)?;
    let mut guard = lock_table(&url).await;
    let result = compact_locked(path, &url, &mut guard, target_size).await;
    if result.is_err() {
        *guard = None;
    }
    result
}

async fn compact_locked(
    path: &str,
    url: &Url,
    slot: &mut Option<DeltaTable>,
    target_size: u64,
) -> PkResult<CompactOutcome> {
    let table = refresh(slot, path, url).await?;
    let partition_cols = partition_columns(path, table)?;
    let schema = arrow_schema(path, table)?;
    // Group small files by partition; BTreeMap keeps the order deterministic.
    let mut groups: BTreeMap<String, Vec<(FileRef, deltalake::kernel::Remove)>> = BTreeMap::new();
    for view in table.snapshot().at(path)?.log_data() {
        if view.size() as u64 >= target_size || view.deletion_vector_descriptor().is_some() {
            continue;
        }
        let values = view.partition_values_map();
        let key = partition_cols
            .iter()
            .map(|c| format!("{c}={:?}", values.get(c).cloned().flatten()))
            .collect::<Vec<_>>()
            .join("/");
        let file = FileRef { path: view.path().to_string(), partition_values: values };
        groups.entry(key).or_default().push((file, view.remove_action(false)));
    }
    let mut actions = Vec::new();
    let (mut files_added, mut files_removed) = (0, 0);
    for (_, files) in groups.into_iter().filter(|(_, files)| files.len() > 1) {
        let mut batches = Vec::new();
        for (file, _) in &files {
            batches.extend(read_file(path, table, file, &partition_cols, &schema).await?);
        }
        let adds = write_files(path, url, table, &schema, false, batches, Some(target_size)).await?;
        files_added += adds.len();
        files_removed += files.len();
        actions.extend(adds.into_iter().map(|mut add| {
            add.data_change = false;
            Action::Add(add)
        }));
        actions.extend(files.into_iter().map(|(_, remove)| Action::Remove(remove)));
    }
    if actions.is_empty() {
        return Ok(CompactOutcome { version: None, files_added: 0, files_removed: 0 });
    }
    let operation = DeltaOperation::Optimize { predicate: None, target_size: target_size as i64 };
    let version = commit(path, table, actions, operation, CommitProperties::default()).await?;
    Ok(CompactOutcome { version: Some(version), files_added, files_removed })
}
