//! One write (one commit) fed in chunks. `begin` takes the table's lock and checks the
//! application transaction, each `push` decodes a chunk of Arrow IPC and streams it into the
//! parquet writer, `finish` closes the files and commits. JS encodes the next chunk while a
//! tokio thread writes the previous one, so the two halves of a micro-batch run in parallel.
//! Nothing is visible in the table until `finish` commits; a failed or aborted write leaves at
//! most unreferenced files (which `vacuum({ full: true })` removes).

use deltalake::arrow::buffer::Buffer;
use deltalake::arrow::datatypes::SchemaRef;
use deltalake::kernel::engine::arrow_conversion::TryIntoKernel;
use deltalake::kernel::transaction::CommitProperties;
use deltalake::kernel::{Action, MetadataExt, StructType, Transaction};
use deltalake::protocol::{DeltaOperation, SaveMode};
use deltalake::writer::{DeltaWriter, RecordBatchWriter};
use deltalake::DeltaTable;
use std::time::{Duration, Instant};

use tokio::sync::OwnedMutexGuard;
use url::Url;

use crate::arrow_conv::{decode_ipc, fit_batches, fit_to_table};
use crate::errors::{At, PkError, PkResult};
use crate::table::{arrow_schema, existing_table_url, lock_table, partition_columns, refresh};
use crate::write::commit;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Append,
    Overwrite,
}

pub struct WriteRequest {
    pub mode: Mode,
    pub merge_schema: bool,
    pub app: Option<(String, i64)>,
    /// Roll to a new data file once one reaches this many bytes; `None`: the table's
    /// `delta.targetFileSize`, else one file per write.
    pub target_file_size: Option<u64>,
    /// Checkpoint the log after commits whose version is a multiple of this; `None`: the
    /// table's `delta.checkpointInterval`, else 100.
    pub checkpoint_interval: Option<u64>,
}

pub struct WriteOutcome {
    pub version: i64,
    pub skipped: bool,
    pub files_added: usize,
    pub rows: usize,
    pub added_columns: Vec<String>,
    /// Time this write spent working in the addon (begin, chunks, commit), not waiting for JS.
    pub busy: Duration,
}

/// The parquet side of a write, set up by its first chunk.
struct Open {
    /// Schema of the chunks as they arrive (every chunk must have it).
    input: SchemaRef,
    /// The table schema the chunks are fitted to (with merged columns).
    fitted: SchemaRef,
    added: Vec<String>,
    writer: RecordBatchWriter,
    rows: usize,
}

/// A write in progress. Holds the table's lock from `begin` to `finish`/`abort`.
pub struct Session {
    path: String,
    url: Url,
    slot: OwnedMutexGuard<Option<DeltaTable>>,
    req: WriteRequest,
    open: Option<Open>,
    busy: Duration,
}

/// What `begin` found: a session, or the version of a table that already holds the batch.
pub enum Begun {
    Session(Box<Session>),
    Skipped(i64),
}

fn current_version(table: &DeltaTable) -> i64 {
    table.version().map(|v| v as i64).unwrap_or(0)
}

/// The outcome of a write the table already holds.
fn skipped(version: i64, busy: Duration) -> WriteOutcome {
    WriteOutcome { version, skipped: true, files_added: 0, rows: 0, added_columns: Vec::new(), busy }
}

/// Lock the table and check the application transaction; `Skipped` when it is already committed.
pub async fn begin(path: &str, req: WriteRequest) -> PkResult<Begun> {
    let started = Instant::now();
    let url = existing_table_url(path)?;
    let mut slot = lock_table(&url).await;
    let result = async {
        let table = refresh(&mut slot, path, &url).await?;
        if let Some((app_id, app_version)) = &req.app {
            let log_store = table.log_store();
            let committed = table.snapshot().at(path)?.transaction_version(log_store.as_ref(), app_id).await.at(path)?;
            if committed.is_some_and(|v| v >= *app_version) {
                return Ok(Some(current_version(table)));
            }
        }
        Ok(None)
    }
    .await;
    match result {
        Ok(Some(version)) => Ok(Begun::Skipped(version)),
        Ok(None) => Ok(Begun::Session(Box::new(Session {
            path: path.to_string(),
            url,
            slot,
            req,
            open: None,
            busy: started.elapsed(),
        }))),
        Err(e) => {
            // Drop the cached handle: the next writer reloads from the log.
            *slot = None;
            Err(e)
        }
    }
}

impl Session {
    /// Decode one chunk (Arrow IPC stream bytes, see [`crate::js_bytes`]) and stream its rows
    /// into the data files.
    pub async fn push(&mut self, ipc: Buffer) -> PkResult<()> {
        let started = Instant::now();
        let result = self.push_inner(ipc).await;
        self.busy += started.elapsed();
        if result.is_err() {
            self.fail();
        }
        result
    }

    async fn push_inner(&mut self, ipc: Buffer) -> PkResult<()> {
        let path = self.path.as_str();
        let (input, batches) = decode_ipc(path, ipc)?;
        let table = self.slot.as_ref().ok_or_else(|| PkError::invalid(path, format!("{path}: write already failed")))?;
        let open = match &mut self.open {
            Some(open) => {
                if open.input != input {
                    return Err(PkError::schema(path, format!("{path}: the chunks of one write must share a schema")));
                }
                open
            }
            None => {
                let table_schema = arrow_schema(path, table)?;
                let fitted = fit_to_table(path, &input, &table_schema, self.req.merge_schema)?;
                let writer = new_writer(path, &self.url, table, &fitted.schema, !fitted.added.is_empty(), self.req.target_file_size)?;
                self.open.insert(Open { input, fitted: fitted.schema, added: fitted.added, writer, rows: 0 })
            }
        };
        for batch in fit_batches(path, &batches, &open.fitted)? {
            if batch.num_rows() > 0 {
                open.rows += batch.num_rows();
                open.writer.write(batch).await.at(path)?;
            }
        }
        Ok(())
    }

    /// Close the data files and commit them (with Removes for an overwrite, a Metadata action for
    /// merged columns and the application transaction) as one version.
    pub async fn finish(mut self) -> PkResult<WriteOutcome> {
        let started = Instant::now();
        let result = self.finish_inner().await.map(|out| WriteOutcome { busy: self.busy + started.elapsed(), ..out });
        if result.is_err() {
            self.fail();
        }
        result
    }

    async fn finish_inner(&mut self) -> PkResult<WriteOutcome> {
        let path = self.path.as_str();
        let table = self.slot.as_mut().ok_or_else(|| PkError::invalid(path, format!("{path}: write already failed")))?;
        let partition_by = partition_columns(path, table)?;
        let (adds, rows, added, fitted) = match self.open.as_mut() {
            Some(open) => (open.writer.flush().await.at(path)?, open.rows, open.added.clone(), Some(open.fitted.clone())),
            None => (Vec::new(), 0, Vec::new(), None),
        };
        let files_added = adds.len();
        let mut actions: Vec<Action> = adds.into_iter().map(Action::Add).collect();
        if self.req.mode == Mode::Overwrite {
            for view in table.snapshot().at(path)?.log_data() {
                actions.push(Action::Remove(view.remove_action(true)));
            }
        }
        if let (false, Some(fitted)) = (added.is_empty(), fitted) {
            let schema: StructType = fitted.as_ref().try_into_kernel().at(path)?;
            let metadata = table.snapshot().at(path)?.metadata().clone().with_schema(&schema).at(path)?;
            actions.push(Action::Metadata(metadata));
        }
        let mut properties = CommitProperties::default();
        if let Some((app_id, app_version)) = &self.req.app {
            properties = properties.with_application_transaction(Transaction::new(app_id, *app_version));
        }
        let operation = DeltaOperation::Write {
            mode: if self.req.mode == Mode::Overwrite { SaveMode::Overwrite } else { SaveMode::Append },
            partition_by: (!partition_by.is_empty()).then_some(partition_by),
            predicate: None,
        };
        let version = commit(path, table, actions, operation, properties, self.req.checkpoint_interval).await?;
        Ok(WriteOutcome { version, skipped: false, files_added, rows, added_columns: added, busy: Duration::ZERO })
    }

    /// Give up: discard what was written (nothing was committed) and release the table.
    pub fn abort(mut self) {
        self.fail();
    }

    fn fail(&mut self) {
        if let Some(mut open) = self.open.take() {
            open.writer.reset();
        }
        // Drop the cached handle: the next writer reloads from the log.
        *self.slot = None;
    }
}

/// The parquet writer of a write: the table's, or (after a schema merge) one for the merged
/// schema over the same storage, rolling files at the requested or the table's target size.
fn new_writer(
    path: &str,
    url: &Url,
    table: &DeltaTable,
    schema: &SchemaRef,
    evolved: bool,
    target_file_size: Option<u64>,
) -> PkResult<RecordBatchWriter> {
    let mut writer = if evolved {
        RecordBatchWriter::try_new(url.as_str(), schema.clone(), Some(partition_columns(path, table)?), Some(crate::storage::options_for(url)))
            .at(path)?
    } else {
        RecordBatchWriter::for_table(table).at(path)?
    };
    let target = target_file_size.or_else(|| table_target_file_size(table));
    if let Some(size) = target {
        writer = writer.with_target_file_size(size);
    }
    Ok(writer)
}

/// The table's `delta.targetFileSize` property, if set.
pub fn table_target_file_size(table: &DeltaTable) -> Option<u64> {
    table.snapshot().ok().and_then(|s| s.table_config().target_file_size).map(|n| n.get())
}

/// A whole write in one call: begin, one chunk, finish.
pub async fn write(path: &str, ipc: Buffer, req: WriteRequest) -> PkResult<WriteOutcome> {
    let started = Instant::now();
    match begin(path, req).await? {
        Begun::Skipped(version) => Ok(skipped(version, started.elapsed())),
        Begun::Session(mut session) => {
            session.push(ipc).await?;
            session.finish().await
        }
    }
}
