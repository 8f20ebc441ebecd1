//! Writing the ledger: JSON, CSV or HTML, to a string or streamed to a file (written beside it and renamed
//! over it, so that a crash never leaves half a ledger).

use super::model::Ledger;
use crate::engine::files::write_file_atomically;
use crate::engine::outcome::UTF8_BOM;
use crate::error::{Error, Result};
use std::io::{self, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Json,
    Csv,
    Html,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "html" => Ok(Format::Html),
            _ => Err(Error::invalid(format!(
                "format `{}` is not one of json, csv, html",
                crate::validate::printable(text)
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

/// Counts what goes through it.
struct Counting<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Write the whole ledger in `format` to `out`. `pretty` indents the JSON (for a file a person reads).
pub fn write(ledger: &Ledger, format: Format, pretty: bool, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json if pretty => {
            serde_json::to_writer_pretty(out, &ledger.full()).map_err(io::Error::other)
        }
        Format::Json => serde_json::to_writer(out, &ledger.full()).map_err(io::Error::other),
        Format::Csv => super::csv::write_csv(ledger, out),
        Format::Html => super::html::write_html(ledger, out),
    }
}

/// The ledger in `format` as text (CSV without a byte order mark).
pub fn render(ledger: &Ledger, format: Format) -> Result<String> {
    let mut out = Vec::new();
    write(ledger, format, false, &mut out)
        .map_err(|e| Error::internal(format!("cannot write the ledger: {e}")))?;
    String::from_utf8(out).map_err(|e| Error::internal(format!("the ledger is not UTF-8: {e}")))
}

/// Write the ledger in `format` to `path` (checked beforehand with
/// [`check_output`](crate::engine::files::check_output)); returns the bytes written. A CSV file starts with
/// a UTF-8 byte order mark, so that Excel reads non-ASCII names right. Failures are `io` errors.
pub fn write_file(ledger: &Ledger, format: Format, path: &Path) -> Result<u64> {
    let mut bytes = 0;
    write_file_atomically("outputPath", path, |out| {
        let mut counting = Counting {
            inner: out,
            bytes: 0,
        };
        if format == Format::Csv {
            counting.write_all(UTF8_BOM)?;
        }
        write(ledger, format, true, &mut counting)?;
        bytes = counting.bytes;
        Ok(())
    })?;
    Ok(bytes)
}
