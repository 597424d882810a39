//! Where a follower keeps its place in the feed: [`Checkpoint`] (a position to save), the
//! [`CursorStore`] trait, the ready-made [`MemoryCursorStore`] and [`FileCursorStore`] (an
//! atomically written JSON file), and [`CursorStoreError`].

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

#[cfg(doc)]
use super::FeedEvent;

/// A position in the feed: the `/updates` cursor that resumes right after an event.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    pub(super) cursor: String,
}

impl Checkpoint {
    /// The cursor to save (the event's ID).
    pub fn cursor(&self) -> &str {
        &self.cursor
    }

    /// Saves this position in `store` (what [`FeedEvent::commit`] does with the follower's
    /// store).
    pub async fn commit_to<S: CursorStore + ?Sized>(&self, store: &S) -> Result<(), crate::Error> {
        store
            .save(&self.cursor)
            .await
            .map_err(crate::Error::CursorStore)
    }
}

/// Where a follower keeps its feed position between runs.
///
/// `load` is called once when a [`Follow`](super::Follow) stream starts; `save` each time an event is
/// committed. Implement it for a database row, a key-value store, ...; wrap a failure of your
/// own in [`CursorStoreError::Other`].
///
/// ```
/// use opentrain::updates::{CursorStore, CursorStoreError};
/// use std::sync::Mutex;
///
/// struct Logged(Mutex<Vec<String>>);
///
/// impl CursorStore for Logged {
///     async fn load(&self) -> Result<Option<String>, CursorStoreError> {
///         Ok(self.0.lock().unwrap().last().cloned())
///     }
///     async fn save(&self, cursor: &str) -> Result<(), CursorStoreError> {
///         self.0.lock().unwrap().push(cursor.to_owned());
///         Ok(())
///     }
/// }
/// ```
pub trait CursorStore: Send + Sync + 'static {
    /// The saved cursor, or `None` when nothing was saved yet (start at the beginning of the
    /// account's history, or at the follower's [`start_at`](super::Follow::start_at)).
    fn load(&self) -> impl Future<Output = Result<Option<String>, CursorStoreError>> + Send;

    /// Saves `cursor` durably; once this returns `Ok`, a restart resumes after it.
    fn save(&self, cursor: &str) -> impl Future<Output = Result<(), CursorStoreError>> + Send;
}

impl<S: CursorStore + ?Sized> CursorStore for Arc<S> {
    fn load(&self) -> impl Future<Output = Result<Option<String>, CursorStoreError>> + Send {
        (**self).load()
    }

    fn save(&self, cursor: &str) -> impl Future<Output = Result<(), CursorStoreError>> + Send {
        (**self).save(cursor)
    }
}

/// Why a [`CursorStore`] could not load or save. Never contains anything but the cursor
/// file's path and the kind of failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CursorStoreError {
    /// The cursor file exists but cannot be read.
    #[error("cannot read the cursor file {} ({})", path.display(), source.kind())]
    Read {
        /// The file's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },

    /// The cursor file (or its directory) cannot be written; the previous file is unchanged.
    #[error(
        "cannot write the cursor file {} ({}); check that its directory exists or can be \
         created, is writable, and that the disk is not full",
        path.display(),
        source.kind()
    )]
    Write {
        /// The file's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },

    /// The cursor file is not what [`FileCursorStore`] writes (`{"cursor": "<id>"}`).
    #[error(
        "the cursor file {} {problem}; fix it or delete it (the feed then starts from the \
         beginning of the account's history)",
        path.display()
    )]
    Malformed {
        /// The file's path.
        path: PathBuf,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// A failure of a custom store.
    #[error("cursor store failed: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A cursor kept in memory: for tests, and for followers that may start over from the
/// beginning (or from [`start_at`](super::Follow::start_at)) on every run.
///
/// Clones share one cursor, so a clone kept aside sees what the follower commits.
#[derive(Clone, Debug, Default)]
pub struct MemoryCursorStore {
    cursor: Arc<Mutex<Option<String>>>,
}

impl MemoryCursorStore {
    /// An empty store (the feed starts at the beginning).
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that already holds `cursor`.
    pub fn with_cursor(cursor: impl Into<String>) -> Self {
        Self {
            cursor: Arc::new(Mutex::new(Some(cursor.into()))),
        }
    }

    /// The cursor saved last, if any.
    pub fn cursor(&self) -> Option<String> {
        self.cursor
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl CursorStore for MemoryCursorStore {
    async fn load(&self) -> Result<Option<String>, CursorStoreError> {
        Ok(self.cursor())
    }

    async fn save(&self, cursor: &str) -> Result<(), CursorStoreError> {
        *self.cursor.lock().unwrap_or_else(PoisonError::into_inner) = Some(cursor.to_owned());
        Ok(())
    }
}

/// A cursor kept in a small JSON file (`{"cursor": "1043"}`), written atomically: a temporary
/// file in the same directory is written and flushed to disk, then renamed over the file, then
/// the directory is flushed (best effort). A crash mid-save leaves the previous cursor intact,
/// never a torn file. A missing file means "no cursor yet"; a missing directory is created on
/// the first save. File work runs on tokio's blocking pool.
///
/// ```no_run
/// use opentrain::updates::{CursorStore, FileCursorStore};
/// # async fn demo() -> Result<(), opentrain::updates::CursorStoreError> {
/// let store = FileCursorStore::new("state/opentrain.cursor");
/// store.save("1043").await?;
/// assert_eq!(store.load().await?.as_deref(), Some("1043"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCursorStore {
    path: PathBuf,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CursorFile {
    cursor: String,
}

impl FileCursorStore {
    /// A store in the file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load_blocking(path: &Path) -> Result<Option<String>, CursorStoreError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CursorStoreError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let file: CursorFile =
            serde_json::from_slice(&bytes).map_err(|e| CursorStoreError::Malformed {
                path: path.to_path_buf(),
                problem: match e.classify() {
                    serde_json::error::Category::Data => {
                        "is JSON but not an object with a string `cursor`"
                    }
                    _ => "is not valid JSON (empty, truncated or not JSON)",
                },
            })?;
        if file.cursor.is_empty() {
            return Err(CursorStoreError::Malformed {
                path: path.to_path_buf(),
                problem: "holds an empty cursor",
            });
        }
        Ok(Some(file.cursor))
    }

    fn save_blocking(path: &Path, cursor: &str) -> io::Result<()> {
        let mut json = serde_json::to_vec(&CursorFile {
            cursor: cursor.to_owned(),
        })
        .map_err(io::Error::other)?;
        json.push(b'\n');
        crate::config::write_file_atomically(path, &json)
    }
}

impl CursorStore for FileCursorStore {
    async fn load(&self) -> Result<Option<String>, CursorStoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || Self::load_blocking(&path))
            .await
            .map_err(|e| CursorStoreError::Read {
                path: self.path.clone(),
                source: io::Error::other(e.to_string()),
            })?
    }

    async fn save(&self, cursor: &str) -> Result<(), CursorStoreError> {
        let path = self.path.clone();
        let cursor = cursor.to_owned();
        let result = tokio::task::spawn_blocking(move || Self::save_blocking(&path, &cursor))
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e.to_string())));
        result.map_err(|source| CursorStoreError::Write {
            path: self.path.clone(),
            source,
        })
    }
}
