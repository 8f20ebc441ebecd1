//! The files a cleanup writes (plan, journal, reports): checked before anything is sent, and written so that
//! a crash never leaves half a file and nothing but a regular file in the named folder is ever replaced.

use crate::error::{Error, ErrorKind, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// One file a run will write, and what the caller called it (`journalPath`, `reportPath`, ...).
#[derive(Debug, Clone, Copy)]
pub struct OutputFile<'a> {
    pub what: &'a str,
    pub path: &'a Path,
}

/// Check, before any request, every file a run will write: each folder exists and takes a new file, each
/// target is absent or a regular file (a symbolic link only to a regular file in the same folder), and no
/// two of them, nor any of `inputs` (the plan file read), name the same file. The `what` of each names it in
/// the error (`invalid_request`: nothing has been sent).
pub fn check_outputs(outputs: &[OutputFile<'_>], inputs: &[OutputFile<'_>]) -> Result<()> {
    let mut resolved: Vec<(&str, PathBuf)> = Vec::new();
    for out in outputs {
        let full = check_output(out.what, out.path)?;
        for (other, path) in &resolved {
            if *path == full {
                return Err(Error::invalid(format!(
                    "{} and {other} name the same file {}: each needs its own",
                    out.what,
                    out.path.display()
                )));
            }
        }
        for input in inputs {
            if let Some(input_full) = canonical_target(input.path) {
                if input_full == full {
                    return Err(Error::invalid(format!(
                        "{} {} is the {} being read: it would be overwritten",
                        out.what,
                        out.path.display(),
                        input.what
                    )));
                }
            }
        }
        resolved.push((out.what, full));
    }
    Ok(())
}

/// The file a path names: its folder resolved, and, when it is a symbolic link, the link's target.
fn canonical_target(path: &Path) -> Option<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(p) => Some(p),
        Err(_) => {
            let folder = std::fs::canonicalize(folder_of(path)).ok()?;
            Some(folder.join(path.file_name()?))
        }
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// One output's checks; returns the file it resolves to.
pub fn check_output(what: &str, path: &Path) -> Result<PathBuf> {
    let shown = path.display();
    let refuse = |why: String| Err(Error::invalid(format!("{what} {shown}: {why}")));
    let Some(name) = path.file_name() else {
        return refuse("names a folder, not a file".into());
    };
    let folder = folder_of(path);
    let folder_full = match std::fs::canonicalize(folder) {
        Ok(f) if f.is_dir() => f,
        Ok(_) => return refuse(format!("{} is not a folder", folder.display())),
        Err(e) => {
            return refuse(format!(
                "its folder {} cannot be used: {e}",
                folder.display()
            ))
        }
    };
    let full = folder_full.join(name);
    match std::fs::symlink_metadata(&full) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return refuse(format!("cannot be examined: {e}")),
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::canonicalize(&full);
            let inside = target
                .as_ref()
                .ok()
                .filter(|t| t.parent() == Some(folder_full.as_path()) && t.is_file());
            if inside.is_none() {
                return refuse(
                    "is a symbolic link that does not lead to a regular file in the same folder; refusing to write through it"
                        .into(),
                );
            }
        }
        Ok(meta) if !meta.is_file() => {
            return refuse(format!(
                "exists and is {}, not a regular file; refusing to replace it",
                kind_of(&meta)
            ))
        }
        Ok(_) => {}
    }
    // The folder must take a new file (the temporary file a report is written to, or the journal).
    let probe = folder_full.join(format!(".da-probe-{}", Uuid::new_v4().simple()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => {
            return refuse(format!(
                "its folder {} does not take new files: {e}",
                folder.display()
            ))
        }
    }
    Ok(full)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Write a file atomically: `write` fills a temporary file beside `path` (buffered), which is then synced
/// and renamed over `path`. A crash never leaves a half-written report or plan, and a symbolic link at
/// `path` is replaced, never written through. Failures are [`ErrorKind::Io`]: by the time a report is
/// written, work has been done.
pub fn write_file_atomically(
    what: &str,
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    let err = |e: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format!("cannot write {what} {}: {e}", path.display()),
        )
    };
    let tmp = path.with_extension(format!("tmp-{}", Uuid::new_v4().simple()));
    let result = (|| {
        let mut out = std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?,
        );
        write(&mut out)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Write `value` as pretty JSON to `path`, atomically and without building the text in memory first.
pub fn write_json_file(what: &str, path: &Path, value: &impl serde::Serialize) -> Result<()> {
    write_file_atomically(what, path, |out| {
        serde_json::to_writer_pretty(out, value).map_err(std::io::Error::other)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("da-files-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn refuses_what_is_not_a_regular_file_in_a_usable_folder() {
        let d = dir();
        let ok = |p: &Path| check_output("reportPath", p);
        assert!(ok(&d.join("new.json")).is_ok(), "absent is fine");
        std::fs::write(d.join("old.json"), b"{}").unwrap();
        assert!(
            ok(&d.join("old.json")).is_ok(),
            "a regular file is replaced"
        );
        assert!(ok(&d).unwrap_err().message.contains("not a regular file"));
        assert!(ok(&d.join("missing/x.json"))
            .unwrap_err()
            .message
            .contains("cannot be used"));
        assert!(ok(Path::new("/dev/null"))
            .unwrap_err()
            .message
            .contains("a device"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", d.join("out.json")).unwrap();
            assert!(ok(&d.join("out.json"))
                .unwrap_err()
                .message
                .contains("symbolic link"));
            std::os::unix::fs::symlink(d.join("old.json"), d.join("in.json")).unwrap();
            assert!(ok(&d.join("in.json")).is_ok(), "a link to a file beside it");
        }
        let same = check_outputs(
            &[
                OutputFile {
                    what: "reportPath",
                    path: &d.join("r.json"),
                },
                OutputFile {
                    what: "reportCsvPath",
                    path: &d.join("./r.json"),
                },
            ],
            &[],
        );
        assert!(same.unwrap_err().message.contains("same file"));
        let over_plan = check_outputs(
            &[OutputFile {
                what: "reportPath",
                path: &d.join("old.json"),
            }],
            &[OutputFile {
                what: "planPath",
                path: &d.join("old.json"),
            }],
        );
        assert!(over_plan.unwrap_err().message.contains("being read"));
        std::fs::remove_dir_all(d).unwrap();
    }
}
