//! Provisioning files: CSV (one subscriber per line, the common case) and YAML (the full
//! model). Parsing is all-or-nothing: the first bad line fails the whole file, so that an
//! import writes nothing unless every line is good. Formats: `docs/subscribers.md`.

mod csv;
mod yaml;

use std::path::Path;

pub use self::csv::{CSV_COLUMNS, parse_csv, write_csv};
pub use self::yaml::{parse_yaml, write_yaml};
use crate::model::Subscriber;

/// Why a provisioning file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("CSV header: {0}")]
    Header(String),
    #[error("line {line}: {message}")]
    Line { line: u64, message: String },
    #[error("YAML: {0}")]
    Yaml(String),
    #[error("cannot tell the format of {0}: name it .csv, .yaml or .yml, or give --format")]
    UnknownFormat(String),
}

/// A provisioning file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Yaml,
}

impl Format {
    /// The format a file name's extension names.
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "yaml" | "yml" => Some(Self::Yaml),
            _ => None,
        }
    }
}

/// Reads and parses a provisioning file (format from `format`, else from the extension).
pub fn read_file(path: &Path, format: Option<Format>) -> Result<Vec<Subscriber>, ProvisionError> {
    let format = format
        .or_else(|| Format::from_path(path))
        .ok_or_else(|| ProvisionError::UnknownFormat(path.display().to_string()))?;
    let text = std::fs::read_to_string(path).map_err(|source| ProvisionError::Io {
        path: path.display().to_string(),
        source,
    })?;
    match format {
        Format::Csv => parse_csv(&text),
        Format::Yaml => parse_yaml(&text),
    }
}
