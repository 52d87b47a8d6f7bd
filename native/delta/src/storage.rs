//! Storage options (endpoint, region, credentials) of tables on object stores, by table URL.
//!
//! JS registers a table's options before using it (`setStorageOptions`); every place that opens a
//! table or writes its files takes them from here, so the exported functions keep their
//! signatures. Options hold credentials: they are never logged or put in an error.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use deltalake::DeltaTableBuilder;
use url::Url;

use crate::errors::{At, PkResult};

static OPTIONS: LazyLock<Mutex<HashMap<String, HashMap<String, String>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// One spelling per table: `s3a://b/t/` and `s3a://b/t` are the same table.
fn key(url: &str) -> String {
    url.trim_end_matches('/').to_string()
}

/// Keys the caller may not set: they would switch off the conditional-put commit that makes
/// concurrent writers safe (see docs/connectors/object-storage.md).
const REFUSED: [&str; 3] = ["aws_s3_allow_unsafe_rename", "aws_s3_locking_provider", "aws_copy_if_not_exists"];

pub fn set(url: &str, options: HashMap<String, String>) -> Result<(), String> {
    if let Some(k) = options.keys().find(|k| REFUSED.contains(&k.to_ascii_lowercase().as_str())) {
        return Err(format!("storage option `{k}` is not supported: commits use conditional puts"));
    }
    // The spelling every later call looks it up by (see `table::locate`).
    let url = Url::parse(url).map(|u| u.to_string()).unwrap_or_else(|_| url.to_string());
    let mut map = OPTIONS.lock().unwrap_or_else(|e| e.into_inner());
    if options.is_empty() {
        map.remove(&key(&url));
    } else {
        map.insert(key(&url), options);
    }
    Ok(())
}

/// The options registered for a table URL (empty: none, e.g. a local table).
pub fn options_for(url: &Url) -> HashMap<String, String> {
    let mut options = OPTIONS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key(url.as_str()))
        .cloned()
        .unwrap_or_default();
    if matches!(url.scheme(), "s3" | "s3a") {
        // Explicit, so an AWS_S3_ALLOW_UNSAFE_RENAME in the environment cannot turn it on: a commit
        // is a PUT with `If-None-Match: *`, atomic on the server.
        options.insert("aws_s3_allow_unsafe_rename".into(), "false".into());
        options.insert("aws_conditional_put".into(), "etag".into());
    }
    options
}

/// A table builder for `url` with its storage options.
pub fn builder(path: &str, url: &Url) -> PkResult<DeltaTableBuilder> {
    let options = options_for(url);
    let b = DeltaTableBuilder::from_url(url.clone()).at(path)?;
    Ok(if options.is_empty() { b } else { b.with_storage_options(options) })
}
