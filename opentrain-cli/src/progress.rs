//! The live indicator of the waits (`auth claim-status --wait`, `approvals wait`,
//! `updates follow`): one redrawn line on stderr with the elapsed time and the next poll,
//! shown only when stdout and stderr are terminals; otherwise nothing extra is printed.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use opentrain_tools::clock;

/// A wait's one-line live status.
#[derive(Debug)]
pub struct Indicator {
    label: String,
    started: Instant,
    live: bool,
}

impl Indicator {
    /// An indicator for a wait described by `label`; live only on a terminal and not with
    /// `--json` output.
    pub fn new(label: impl Into<String>, json: bool) -> Self {
        Self {
            label: label.into(),
            started: Instant::now(),
            live: !json && std::io::stdout().is_terminal() && std::io::stderr().is_terminal(),
        }
    }

    /// How long the wait has lasted.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Redraws the line with `status` (e.g. `next poll in 4s`).
    pub fn show(&self, status: &str) {
        if !self.live {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{} · {} elapsed · {status}",
            self.label,
            clock(self.elapsed())
        );
        let _ = err.flush();
    }

    /// Awaits `wait` (one of the facade's waits, whose progress hook feeds `next`), redrawing
    /// the line once a second with the elapsed time and the countdown to the next poll. The
    /// facade does the polling and the pausing; this only draws.
    pub async fn drive<F: std::future::Future>(&self, next: &NextPoll, wait: F) -> F::Output {
        if !self.live {
            return wait.await;
        }
        tokio::pin!(wait);
        let mut redraw = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                outcome = &mut wait => {
                    self.clear();
                    return outcome;
                }
                _ = redraw.tick() => self.show(&next.status()),
            }
        }
    }

    /// Clears the line (call before printing the result).
    pub fn clear(&self) {
        if self.live {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// When a facade wait will poll next, as its progress hook last said.
#[derive(Clone, Debug, Default)]
pub struct NextPoll(Arc<Mutex<Option<Instant>>>);

impl NextPoll {
    /// The progress hook to hand the facade's wait (`on_poll`, `wait_with_progress`).
    pub fn hook(&self) -> impl FnMut(opentrain::PollProgress) + Send + 'static {
        let next = Arc::clone(&self.0);
        move |progress| {
            *next.lock().unwrap_or_else(PoisonError::into_inner) =
                Some(Instant::now() + progress.next_poll_in);
        }
    }

    /// `next poll in 4s`, or `polling…` while a poll is under way.
    fn status(&self) -> String {
        let at = *self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match at.map(|at| at.saturating_duration_since(Instant::now())) {
            Some(left) if !left.is_zero() => {
                format!("next poll in {}s", left.as_secs_f64().ceil() as u64)
            }
            _ => "polling…".to_owned(),
        }
    }
}
