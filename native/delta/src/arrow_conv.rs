//! Arrow plumbing: IPC in and out, fitting incoming batches to the table schema (with clear
//! mismatch messages), and turning stored files plus partition values back into table rows.

use std::collections::HashMap;
use std::sync::Arc;

use deltalake::arrow::array::{new_null_array, Array, ArrayRef, RecordBatch, RecordBatchOptions, StringArray};
use deltalake::arrow::compute::{cast_with_options, CastOptions};
use deltalake::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use deltalake::arrow::buffer::Buffer;
use deltalake::arrow::error::ArrowError;
use deltalake::arrow::ipc::reader::StreamDecoder;
use deltalake::arrow::ipc::writer::StreamWriter;

use crate::errors::{At, PkError, PkResult};

/// Decode an Arrow IPC stream into its schema and batches. Arrays borrow `bytes` (no copy) unless
/// a buffer is misaligned for its type (then only that buffer is copied).
pub fn decode_ipc(path: &str, bytes: Buffer) -> PkResult<(SchemaRef, Vec<RecordBatch>)> {
    let invalid = |e: ArrowError| PkError::invalid(path, format!("{path}: batch is not a valid Arrow IPC stream: {e}"));
    let mut decoder = StreamDecoder::new();
    let mut rest = bytes;
    let mut batches = Vec::new();
    while !rest.is_empty() {
        if let Some(batch) = decoder.decode(&mut rest).map_err(invalid)? {
            batches.push(batch);
        }
    }
    decoder.finish().map_err(invalid)?;
    let schema = decoder
        .schema()
        .ok_or_else(|| PkError::invalid(path, format!("{path}: batch is not an Arrow IPC stream: no schema message")))?;
    Ok((schema, batches))
}

/// Encode batches as one Arrow IPC stream (schema message even when there are no rows).
pub fn encode_ipc(path: &str, schema: &SchemaRef, batches: &[RecordBatch]) -> PkResult<Vec<u8>> {
    let mut writer = StreamWriter::try_new(Vec::new(), schema).at(path)?;
    for batch in batches {
        writer.write(batch).at(path)?;
    }
    writer.finish().at(path)?;
    writer.into_inner().at(path)
}

/// The Delta-storable form of a type that arrives from JS or other writers.
fn normalize(dt: &DataType) -> DataType {
    match dt {
        DataType::Dictionary(_, value) => normalize(value),
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::LargeBinary | DataType::BinaryView => DataType::Binary,
        DataType::Timestamp(_, _) => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        DataType::Date64 => DataType::Date32,
        DataType::Int8 | DataType::Int16 => DataType::Int32,
        DataType::Float16 => DataType::Float32,
        DataType::Struct(fields) => DataType::Struct(
            fields
                .iter()
                .map(|f| Arc::new(Field::new(f.name(), normalize(f.data_type()), true)))
                .collect::<Vec<FieldRef>>()
                .into(),
        ),
        DataType::List(item) | DataType::LargeList(item) => {
            DataType::List(Arc::new(Field::new("element", normalize(item.data_type()), true)))
        }
        other => other.clone(),
    }
}

/// Whether a column of type `from` may be written to a table column of type `to` without loss.
fn compatible(from: &DataType, to: &DataType) -> bool {
    use DataType::*;
    match (from, to) {
        (Null, _) => true,
        (Dictionary(_, v), _) => compatible(v, to),
        (Utf8 | LargeUtf8 | Utf8View, Utf8) => true,
        (Binary | LargeBinary | BinaryView, Binary) => true,
        (Int8 | Int16 | Int32, Int32) | (Int8 | Int16 | Int32 | Int64, Int64) => true,
        (Int8, Int8) | (Int8 | Int16, Int16) => true,
        (Float16 | Float32, Float32) | (Float16 | Float32 | Float64, Float64) => true,
        (Timestamp(unit, _), Timestamp(TimeUnit::Microsecond, _)) => {
            !matches!(unit, TimeUnit::Nanosecond)
        }
        (Timestamp(a, _), Timestamp(b, _)) => a == b,
        (Decimal128(p1, s1), Decimal128(p2, s2)) => s1 == s2 && p1 <= p2,
        (Struct(a), Struct(b)) => a.iter().all(|fa| {
            b.iter().any(|fb| fb.name() == fa.name() && compatible(fa.data_type(), fb.data_type()))
        }),
        (List(a) | LargeList(a), List(b) | LargeList(b)) => compatible(a.data_type(), b.data_type()),
        (Map(a, _), Map(b, _)) => compatible(a.data_type(), b.data_type()),
        (a, b) => a == b,
    }
}

fn cast_column(path: &str, name: &str, column: &ArrayRef, to: &DataType) -> PkResult<ArrayRef> {
    if column.data_type() == to {
        return Ok(column.clone());
    }
    let options = CastOptions { safe: false, ..Default::default() };
    cast_with_options(column, to, &options).map_err(|e| {
        PkError::schema(path, format!("{path}: column `{name}`: cannot convert {} to {to}: {e}", column.data_type()))
    })
}

/// Result of fitting a micro-batch's schema to a table.
pub struct Fitted {
    pub schema: SchemaRef,
    /// Columns added by schema merging (empty when the table schema is unchanged).
    pub added: Vec<String>,
}

/// The schema incoming batches are written in: the table's, with (`merge_schema`) new nullable
/// columns appended. Batch columns are reordered, widened losslessly and missing nullable columns
/// filled with nulls by [`fit_batches`]; anything else is a `SCHEMA_MISMATCH` naming the column.
pub fn fit_to_table(
    path: &str,
    input: &SchemaRef,
    table: &SchemaRef,
    merge_schema: bool,
) -> PkResult<Fitted> {
    let mut fields: Vec<FieldRef> = table.fields().iter().cloned().collect();
    let mut added = Vec::new();
    for field in input.fields() {
        match table.field_with_name(field.name()) {
            Ok(target) => {
                if !compatible(field.data_type(), target.data_type()) {
                    return Err(PkError::schema(
                        path,
                        format!(
                            "{path}: column `{}` has type {} in the batch but {} in the table",
                            field.name(),
                            field.data_type(),
                            target.data_type()
                        ),
                    ));
                }
            }
            Err(_) if merge_schema => {
                let ty = normalize(field.data_type());
                if matches!(ty, DataType::Null) {
                    return Err(PkError::schema(path, format!("{path}: new column `{}` has no type (all nulls)", field.name())));
                }
                fields.push(Arc::new(Field::new(field.name(), ty, true)));
                added.push(field.name().clone());
            }
            Err(_) => {
                return Err(PkError::schema(
                    path,
                    format!("{path}: column `{}` is not in the table schema (write with mergeSchema to add it)", field.name()),
                ))
            }
        }
    }
    for field in table.fields() {
        if !field.is_nullable() && input.field_with_name(field.name()).is_err() {
            return Err(PkError::schema(path, format!("{path}: batch is missing non-nullable column `{}`", field.name())));
        }
    }
    let schema: SchemaRef = Arc::new(Schema::new_with_metadata(fields, table.metadata().clone()));
    Ok(Fitted { schema, added })
}

/// Fit batches to a schema [`fit_to_table`] produced for their (shared) input schema.
pub fn fit_batches(path: &str, batches: &[RecordBatch], schema: &SchemaRef) -> PkResult<Vec<RecordBatch>> {
    batches.iter().map(|batch| fit_batch(path, batch, schema)).collect()
}

fn fit_batch(path: &str, batch: &RecordBatch, schema: &SchemaRef) -> PkResult<RecordBatch> {
    let rows = batch.num_rows();
    let mut columns = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let column = match batch.column_by_name(field.name()) {
            Some(c) => cast_column(path, field.name(), c, field.data_type())?,
            None => new_null_array(field.data_type(), rows),
        };
        if !field.is_nullable() && column.null_count() > 0 {
            return Err(PkError::schema(
                path,
                format!("{path}: column `{}` is not nullable but the batch has {} null value(s)", field.name(), column.null_count()),
            ));
        }
        columns.push(column);
    }
    RecordBatch::try_new_with_options(schema.clone(), columns, &RecordBatchOptions::new().with_row_count(Some(rows)))
        .map_err(|e| PkError::schema(path, format!("{path}: {e}")))
}

/// Rebuild table rows (in `schema`, normally [`relaxed_schema`] of the table) from a batch read
/// from a data file: partition columns come from the log's
/// partition values, columns the file predates are null, and types are cast to the table's.
pub fn table_rows(
    path: &str,
    file_batch: &RecordBatch,
    partition_values: &HashMap<String, Option<String>>,
    partition_columns: &[String],
    schema: &SchemaRef,
) -> PkResult<RecordBatch> {
    let rows = file_batch.num_rows();
    let mut columns = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let column = if partition_columns.iter().any(|c| c == field.name()) {
            partition_column(path, field, partition_values.get(field.name()).cloned().flatten(), rows)?
        } else {
            match file_batch.column_by_name(field.name()) {
                Some(c) => cast_column(path, field.name(), c, field.data_type())?,
                None => new_null_array(field.data_type(), rows),
            }
        };
        columns.push(column);
    }
    RecordBatch::try_new_with_options(schema.clone(), columns, &RecordBatchOptions::new().with_row_count(Some(rows))).at(path)
}

/// A constant column built from a Delta partition value string (see the protocol's
/// "Partition Value Serialization").
fn partition_column(path: &str, field: &Field, value: Option<String>, rows: usize) -> PkResult<ArrayRef> {
    let value = value.filter(|v| !v.is_empty() || matches!(field.data_type(), DataType::Utf8));
    let Some(value) = value else {
        return Ok(new_null_array(field.data_type(), rows));
    };
    let text = match field.data_type() {
        // Timestamps are stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC (or ISO with a Z).
        DataType::Timestamp(_, _) if !value.ends_with('Z') && !value.contains('+') => format!("{}Z", value.replace(' ', "T")),
        _ => value,
    };
    let strings: ArrayRef = Arc::new(StringArray::from(vec![text.as_str(); rows]));
    cast_column(path, field.name(), &strings, field.data_type())
}

/// Schema with every field nullable: the read side's output, since files written before a
/// schema change lack later columns.
pub fn relaxed_schema(schema: &SchemaRef) -> SchemaRef {
    Arc::new(Schema::new(schema.fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect::<Vec<_>>()))
}
