//! The crate's one atomic file write, [`write_file_atomically`] (credentials and cursor files
//! both go through it), with its private-permission file and directory creation and its
//! best-effort directory flush; and [`off_runtime`], which runs such file work on tokio's
//! blocking pool so that no `fsync` ever stalls an async worker thread.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Runs blocking file work (`f`) on tokio's blocking pool and waits for it. A panic inside `f`
/// is resumed here.
pub(crate) async fn off_runtime<T, F>(f: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Replaces the file at `path` with `bytes` so that a crash at any moment leaves either the
/// old file or the complete new one: write a private temporary file (mode 0600) next to it,
/// fsync it, rename it over the target, fsync the directory. A symlinked target (a dotfiles
/// manager) is written through: the link stays and its target is replaced. Missing parent
/// directories are created (mode 0700). The one atomic write of the crate: credentials and
/// cursor files both go through it.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    let Some(name) = target.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} has no file name", path.display()),
        ));
    };
    let dir = parent_dir(&target);
    create_private_dir(&dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{:016x}",
        name.to_string_lossy(),
        std::process::id(),
        crate::backoff::random_u64()
    ));
    let written = (|| {
        let mut file = create_private_file(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir);
    Ok(())
}

/// The directory holding `path` (`.` for a bare file name).
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn create_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Flushes a directory entry change (a rename, a removal) to disk; best effort.
pub(super) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
