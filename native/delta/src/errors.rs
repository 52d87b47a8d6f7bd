//! Error classification. Every failure that reaches JavaScript carries a stable `code`, the table
//! path and a message; the JS side decodes the reason string (see `packages/delta/src/delta-errors.ts`).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use deltalake::arrow::error::ArrowError;
use deltalake::kernel::transaction::TransactionError;
use deltalake::{DeltaTableError, ObjectStoreError};
use futures::FutureExt;
use serde::Serialize;

/// Prefix that marks a reason string as a JSON-encoded [`PkError`].
pub const REASON_PREFIX: &str = "pipekit-delta:";

/// Stable error codes shared with the TypeScript side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    Conflict,
    SchemaMismatch,
    NotATable,
    Io,
    InvalidArgument,
    Internal,
}

/// An error bound to the table it happened on.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PkError {
    pub code: Code,
    pub table_path: String,
    pub message: String,
}

pub type PkResult<T> = Result<T, PkError>;

impl PkError {
    pub fn new(code: Code, path: &str, message: impl Into<String>) -> Self {
        Self { code, table_path: path.to_string(), message: message.into() }
    }

    pub fn invalid(path: &str, message: impl Into<String>) -> Self {
        Self::new(Code::InvalidArgument, path, message)
    }

    pub fn schema(path: &str, message: impl Into<String>) -> Self {
        Self::new(Code::SchemaMismatch, path, message)
    }

    pub fn not_a_table(path: &str, message: impl Into<String>) -> Self {
        Self::new(Code::NotATable, path, message)
    }

    pub fn from_delta(path: &str, err: DeltaTableError) -> Self {
        let code = classify(&err);
        Self::new(code, path, format!("{path}: {err}"))
    }

    fn from_panic(path: &str, payload: Box<dyn Any + Send>) -> Self {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Self::new(Code::Internal, path, format!("{path}: internal panic in the Delta addon: {detail}"))
    }

    pub fn into_napi(self) -> napi::Error {
        let body = serde_json::to_string(&self).unwrap_or_else(|_| self.message.clone());
        napi::Error::new(napi::Status::GenericFailure, format!("{REASON_PREFIX}{body}"))
    }
}

fn classify(err: &DeltaTableError) -> Code {
    use DeltaTableError as E;
    match err {
        E::NotATable(_) | E::InvalidTableLocation(_) | E::NotInitialized => Code::NotATable,
        E::SchemaMismatch { .. } | E::InvalidData { .. } => Code::SchemaMismatch,
        E::Arrow {
            source: ArrowError::SchemaError(_) | ArrowError::CastError(_) | ArrowError::InvalidArgumentError(_),
        } => Code::SchemaMismatch,
        E::Arrow { .. } => Code::Internal,
        E::VersionAlreadyExists(_) | E::VersionMismatch(..) => Code::Conflict,
        E::Transaction { source } => match source {
            TransactionError::CommitConflict(_)
            | TransactionError::MaxCommitAttempts(_)
            | TransactionError::VersionAlreadyExists(_) => Code::Conflict,
            TransactionError::ObjectStore { .. } => Code::Io,
            _ => Code::Internal,
        },
        E::ObjectStore { source } => match source {
            ObjectStoreError::AlreadyExists { .. } => Code::Conflict,
            _ => Code::Io,
        },
        E::Io { .. } | E::Parquet { .. } => Code::Io,
        E::InvalidVersion(_)
        | E::VersionDowngrade { .. }
        | E::InvalidDateTimeString { .. }
        | E::InvalidPartitionFilter { .. }
        | E::PartitionError { .. }
        | E::ChangeDataNotRecorded { .. }
        | E::ChangeDataNotEnabled { .. }
        | E::ChangeDataInvalidVersionRange { .. }
        | E::ChangeDataTimestampGreaterThanCommit { .. }
        | E::NoStartingVersionOrTimestamp
        | E::MissingFeature { .. }
        | E::UnsupportedColumnMapping { .. } => Code::InvalidArgument,
        _ => Code::Internal,
    }
}

/// Attach the table path to any error delta-rs knows how to convert.
pub trait At<T> {
    fn at(self, path: &str) -> PkResult<T>;
}

impl<T, E: Into<DeltaTableError>> At<T> for Result<T, E> {
    fn at(self, path: &str) -> PkResult<T> {
        self.map_err(|e| PkError::from_delta(path, e.into()))
    }
}

/// Run one exported operation: typed errors become napi errors and a panic becomes an
/// `INTERNAL` error instead of unwinding into Node.
pub async fn guard<T, F>(path: &str, fut: F) -> napi::Result<T>
where
    F: Future<Output = PkResult<T>>,
{
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.into_napi()),
        Err(payload) => Err(PkError::from_panic(path, payload).into_napi()),
    }
}
