//! Committing to tables whose protocol names writer features delta-rs only claims with its
//! `datafusion` feature (which roughly doubles our cold build).
//!
//! A `delta.enableChangeDataFeed=true` table gets writer version 4, which implies
//! `changeDataFeed`, `invariants`, `checkConstraints` and `generatedColumns`. Without
//! DataFusion delta-rs refuses every commit to such a table. The protocol only obliges a writer
//! to honour a feature that the table *uses*, and our writes (whole-file adds and removes, plus
//! `dataChange=false` compactions) are exactly the changes a change-data reader derives from
//! add/remove actions. So, after checking that the table has no invariants, no CHECK
//! constraints and no generated columns, the commit is validated against the remaining features.

use std::collections::BTreeSet;

use deltalake::kernel::transaction::TableReference;
use deltalake::kernel::{EagerSnapshot, Metadata, Protocol};
use deltalake::table::state::DeltaTableState;
use delta_kernel::table_properties::TableProperties;
use serde_json::{json, Value};

use crate::errors::{PkError, PkResult};

/// Writer features implied by a legacy writer version (Delta protocol, "Table Features").
fn legacy_writer_features(version: i32) -> Vec<&'static str> {
    let all = [
        (2, "appendOnly"),
        (2, "invariants"),
        (3, "checkConstraints"),
        (4, "changeDataFeed"),
        (4, "generatedColumns"),
        (5, "columnMapping"),
        (6, "identityColumns"),
    ];
    all.iter().filter(|(v, _)| *v <= version).map(|(_, f)| *f).collect()
}

/// Whether any field metadata in the schema JSON carries `key`.
fn schema_uses(schema: &Value, key: &str) -> bool {
    match schema {
        Value::Object(map) => {
            map.get("metadata").and_then(Value::as_object).is_some_and(|m| m.contains_key(key))
                || map.values().any(|v| schema_uses(v, key))
        }
        Value::Array(items) => items.iter().any(|v| schema_uses(v, key)),
        _ => false,
    }
}

/// The table reference to validate a commit against: the snapshot itself, or the snapshot with
/// the features we verified as unused dropped from its writer protocol.
pub enum CommitTarget<'a> {
    Plain(&'a DeltaTableState),
    Scoped { inner: &'a DeltaTableState, protocol: Protocol },
}

impl<'a> CommitTarget<'a> {
    pub fn new(path: &str, state: &'a DeltaTableState) -> PkResult<Self> {
        let protocol = state.protocol();
        let writer_version = protocol.min_writer_version();
        let mut features: BTreeSet<String> = if writer_version >= 7 {
            protocol.writer_features().map(|fs| fs.iter().map(|f| f.to_string()).collect()).unwrap_or_default()
        } else {
            legacy_writer_features(writer_version).into_iter().map(str::to_string).collect()
        };
        let scoped = ["changeDataFeed", "checkConstraints", "generatedColumns", "invariants"];
        // delta-rs itself accepts legacy writer v2 (it ignores the implied `invariants`); from
        // v3 on, or when a v7 table lists one of the features, it needs DataFusion.
        let needs_scope = if writer_version < 7 {
            writer_version >= 3
        } else {
            scoped.iter().any(|f| features.contains(*f))
        };
        if !needs_scope {
            return Ok(Self::Plain(state));
        }
        let schema: Value = serde_json::to_value(state.schema().as_ref())
            .map_err(|e| PkError::invalid(path, format!("{path}: cannot inspect schema: {e}")))?;
        if schema_uses(&schema, "delta.invariants") {
            return Err(PkError::invalid(path, format!("{path}: the table has column invariants, which this writer cannot enforce")));
        }
        if schema_uses(&schema, "delta.generationExpression") {
            return Err(PkError::invalid(path, format!("{path}: the table has generated columns, which this writer cannot compute")));
        }
        if state.metadata().configuration().keys().any(|k| k.starts_with("delta.constraints.")) {
            return Err(PkError::invalid(path, format!("{path}: the table has CHECK constraints, which this writer cannot enforce")));
        }
        for f in scoped {
            features.remove(f);
        }
        let mut raw = json!({
            "minReaderVersion": protocol.min_reader_version(),
            "minWriterVersion": 7,
            "writerFeatures": features.into_iter().collect::<Vec<_>>(),
        });
        if protocol.min_reader_version() >= 3 {
            let readers: Vec<String> =
                protocol.reader_features().map(|fs| fs.iter().map(|f| f.to_string()).collect()).unwrap_or_default();
            raw["readerFeatures"] = json!(readers);
        }
        let protocol: Protocol = serde_json::from_value(raw)
            .map_err(|e| PkError::invalid(path, format!("{path}: unsupported table protocol: {e}")))?;
        Ok(Self::Scoped { inner: state, protocol })
    }

    fn inner(&self) -> &DeltaTableState {
        match self {
            Self::Plain(s) | Self::Scoped { inner: s, .. } => s,
        }
    }
}

impl TableReference for CommitTarget<'_> {
    fn config(&self) -> &TableProperties {
        TableReference::config(self.inner())
    }

    fn protocol(&self) -> &Protocol {
        match self {
            Self::Plain(s) => TableReference::protocol(*s),
            Self::Scoped { protocol, .. } => protocol,
        }
    }

    fn metadata(&self) -> &Metadata {
        TableReference::metadata(self.inner())
    }

    fn eager_snapshot(&self) -> &EagerSnapshot {
        TableReference::eager_snapshot(self.inner())
    }
}
