//! Direct reads of `_delta_log/NNN.json` commits. History, version-range reads and the change
//! data feed need per-commit actions, which the snapshot API folds away.

use deltalake::logstore::object_store::{path::Path, ObjectStoreExt};
use deltalake::{DeltaTable, ObjectStoreError};
use futures::TryStreamExt;
use serde_json::Value;

use crate::errors::{At, PkError, PkResult};

/// The actions of one commit, in log order.
pub struct Commit {
    pub actions: Vec<Value>,
}

impl Commit {
    pub fn commit_info(&self) -> Option<&Value> {
        self.actions.iter().find_map(|a| a.get("commitInfo"))
    }

    /// Commit time in ms: in-commit timestamp, else commitInfo.timestamp, else `fallback_ms`.
    pub fn timestamp_ms(&self, fallback_ms: i64) -> i64 {
        self.commit_info()
            .and_then(|ci| ci.get("inCommitTimestamp").or_else(|| ci.get("timestamp")))
            .and_then(Value::as_i64)
            .unwrap_or(fallback_ms)
    }

    /// Actions of the given kind (`add`, `remove`, `cdc`, `txn`, ...).
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.actions.iter().filter_map(move |a| a.get(kind))
    }
}

fn commit_path(version: i64) -> Path {
    Path::from(format!("_delta_log/{version:020}.json"))
}

/// Read one commit. A missing file is reported as an invalid version.
pub async fn read_commit(path: &str, table: &DeltaTable, version: i64) -> PkResult<(Commit, i64)> {
    let store = table.object_store();
    let result = match store.get(&commit_path(version)).await {
        Ok(r) => r,
        Err(ObjectStoreError::NotFound { .. }) => {
            return Err(PkError::invalid(
                path,
                format!("{path}: commit {version} is not in the log (never written, or cleaned up after a checkpoint)"),
            ))
        }
        Err(e) => return Err(PkError::from_delta(path, e.into())),
    };
    let modified_ms = result.meta.last_modified.timestamp_millis();
    let bytes = result.bytes().await.at(path)?;
    let mut actions = Vec::new();
    for line in bytes.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: Value = serde_json::from_slice(line)
            .map_err(|e| PkError::new(crate::errors::Code::Internal, path, format!("{path}: invalid JSON in commit {version}: {e}")))?;
        actions.push(value);
    }
    Ok((Commit { actions }, modified_ms))
}

/// Versions of the commit files present in the log, ascending.
pub async fn commit_versions(path: &str, table: &DeltaTable) -> PkResult<Vec<i64>> {
    let store = table.object_store();
    let prefix = Path::from("_delta_log");
    let metas: Vec<_> = store.list(Some(&prefix)).try_collect().await.at(path)?;
    let mut versions: Vec<i64> = metas
        .iter()
        .filter_map(|m| {
            let name = m.location.filename()?;
            let stem = name.strip_suffix(".json")?;
            (stem.len() == 20 && stem.bytes().all(|b| b.is_ascii_digit())).then(|| stem.parse().ok())?
        })
        .collect();
    versions.sort_unstable();
    Ok(versions)
}
