//! Commits without DataFusion: parquet files come from delta-rs' `RecordBatchWriter`, and the
//! commit (appends and overwrites are assembled in `session.rs`; compaction here, as
//! `dataChange=false` rewrites) is handed to `CommitBuilder`.

use std::collections::BTreeMap;

use deltalake::arrow::array::RecordBatch;
use deltalake::kernel::transaction::{CommitBuilder, CommitProperties};
use deltalake::kernel::{Action, Add};
use deltalake::protocol::DeltaOperation;
use deltalake::writer::{DeltaWriter, RecordBatchWriter};
use deltalake::DeltaTable;
use url::Url;

use crate::errors::{At, PkError, PkResult};
use crate::protocol::CommitTarget;
use crate::read::{read_file, FileRef};
use crate::session::table_target_file_size;
use crate::table::{arrow_schema, existing_table_url, lock_table, partition_columns, refresh};

/// Write parquet files for `batches` (in the table's schema), rolling files at `target_size`
/// bytes, and return their Add actions.
async fn write_files(path: &str, table: &DeltaTable, batches: Vec<RecordBatch>, target_size: u64) -> PkResult<Vec<Add>> {
    let mut writer = RecordBatchWriter::for_table(table).at(path)?.with_target_file_size(target_size);
    for batch in batches {
        if batch.num_rows() > 0 {
            writer.write(batch).await.at(path)?;
        }
    }
    writer.flush().await.at(path)
}

/// Commit `actions` as the next version and bring `table` to it. A log checkpoint follows when
/// the version is a multiple of the checkpoint interval: `checkpoint_interval`, else the table's
/// `delta.checkpointInterval`, else 100. (Spark's rule; delta-rs' own hook, which checkpoints one
/// version earlier, is switched off so every commit here follows one rule.)
pub(crate) async fn commit(
    path: &str,
    table: &mut DeltaTable,
    actions: Vec<Action>,
    operation: DeltaOperation,
    properties: CommitProperties,
    checkpoint_interval: Option<u64>,
) -> PkResult<i64> {
    let target = CommitTarget::new(path, table.snapshot().at(path)?)?;
    let finalized = CommitBuilder::from(properties.with_create_checkpoint(false))
        .with_actions(actions)
        .build(Some(&target), table.log_store(), operation)
        .await
        .at(path)?;
    let version = finalized.version();
    // The commit's post-commit step already brought a snapshot to this version.
    table.state = Some(finalized.snapshot);
    let interval = checkpoint_interval.unwrap_or_else(|| {
        table.snapshot().ok().and_then(|s| s.table_config().checkpoint_interval).map_or(100, |n| n.get())
    });
    if version > 0 && interval > 0 && version % interval == 0 {
        deltalake::checkpoints::create_checkpoint(table, None).await.at(path)?;
    }
    Ok(version as i64)
}

pub struct CompactOutcome {
    pub version: Option<i64>,
    pub files_added: usize,
    pub files_removed: usize,
}

/// Target size of `compact` when neither the call nor the table (`delta.targetFileSize`) sets one.
pub const DEFAULT_COMPACT_TARGET: u64 = 128 * 1024 * 1024;

/// Rewrite, per partition, the files smaller than the target size (`target_size`, else the
/// table's `delta.targetFileSize`, else 128 MiB) into files of about that size.
/// The commit marks every action `dataChange=false`, so streaming readers skip it.
pub async fn compact(path: &str, target_size: Option<u64>) -> PkResult<CompactOutcome> {
    if target_size == Some(0) {
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
    target_size: Option<u64>,
) -> PkResult<CompactOutcome> {
    let table = refresh(slot, path, url).await?;
    let target_size = target_size.or_else(|| table_target_file_size(table)).unwrap_or(DEFAULT_COMPACT_TARGET);
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
        let adds = write_files(path, table, batches, target_size).await?;
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
    let version = commit(path, table, actions, operation, CommitProperties::default(), None).await?;
    Ok(CompactOutcome { version: Some(version), files_added, files_removed })
}
