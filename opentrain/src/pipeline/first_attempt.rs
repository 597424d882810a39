//! The first attempt of a call, as a future written out by hand: most calls end with it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use opentrain_gen::transport::BoxFuture;

use super::exchange::{Attempted, plain_success};
use super::retry_copy::RetryCopy;
use super::{Call, Pipeline};

/// The first attempt of a call, as a future written out by hand. Most calls end with it, so it
/// holds only what they need, polls the request in flight itself and hands the outcome on
/// through `finish` (`F`: into the transport's response, a verdict response for a failure, or
/// into the facade's own result): no layers of combinators, each polled and each moving the
/// response on.
/// Anything but a plain documented 2xx goes on in [`Pipeline::after_first`], boxed, out of the
/// way of the path every call takes.
pub(super) struct FirstAttempt<'a, S, F> {
    pub(super) pipeline: &'a Pipeline,
    pub(super) http: &'a reqwest::Client,
    pub(super) state: First<'a, S>,
    pub(super) finish: F,
}

// The in-flight state is the one every call is in: boxing it would cost an allocation per call
// to save room only while a failure is dealt with.
#[allow(clippy::large_enum_variant)]
pub(super) enum First<'a, S> {
    /// The request is with `reqwest`.
    InFlight(InFlight<S>),
    /// A failure (or a secret body) being dealt with, then the retries.
    After(BoxFuture<'a, Result<reqwest::Response, Attempted>>),
    /// The output was handed out.
    Done,
}

/// The first attempt while its request is with `reqwest`.
pub(super) struct InFlight<S> {
    pub(super) sent: S,
    /// The deadline timer, only when this attempt could outlive the deadline.
    pub(super) deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    pub(super) call: Call,
    pub(super) again: Option<RetryCopy>,
}

impl<S, F, O> Future for FirstAttempt<'_, S, F>
where
    S: Future<Output = reqwest::Result<reqwest::Response>> + Unpin,
    F: Fn(Result<reqwest::Response, Attempted>) -> O + Unpin,
{
    type Output = O;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O> {
        let this = self.get_mut();
        // Polled in place: moving the in-flight state out and back on every poll would copy
        // it to the stack and back each time.
        let First::InFlight(flight) = &mut this.state else {
            return this.poll_after(cx);
        };
        match Pin::new(&mut flight.sent).poll(cx) {
            Poll::Ready(Ok(response)) if plain_success(flight.call.operation, &response) => {
                flight.call.answered(1, &response);
                this.state = First::Done;
                Poll::Ready((this.finish)(Ok(response)))
            }
            Poll::Ready(outcome) => this.start_after(cx, Some(outcome)),
            Poll::Pending => {
                let expired = flight
                    .deadline
                    .as_mut()
                    .is_some_and(|timer| timer.as_mut().poll(cx).is_ready());
                if expired {
                    this.start_after(cx, None)
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

impl<S, F, O> FirstAttempt<'_, S, F>
where
    F: Fn(Result<reqwest::Response, Attempted>) -> O,
{
    /// The first attempt did not end in a plain documented 2xx: `landed` is its outcome, or
    /// `None` when the deadline ran out first. Out of line, as few calls come here.
    #[cold]
    #[inline(never)]
    fn start_after(
        &mut self,
        cx: &mut Context<'_>,
        landed: Option<reqwest::Result<reqwest::Response>>,
    ) -> Poll<O> {
        let First::InFlight(InFlight {
            deadline,
            call,
            again,
            ..
        }) = std::mem::replace(&mut self.state, First::Done)
        else {
            unreachable!("only an attempt in flight lands")
        };
        match landed {
            Some(outcome) => {
                let deadline = deadline.map(|timer| timer.deadline());
                self.state = First::After(Box::pin(
                    self.pipeline
                        .after_first(self.http, call, outcome, again, deadline),
                ));
                self.poll_after(cx)
            }
            None => Poll::Ready((self.finish)(Err(self.pipeline.out_of_time(
                &call,
                1,
                again.as_ref(),
            )))),
        }
    }

    /// Polls what comes after a first attempt that did not end in a plain documented 2xx.
    #[cold]
    #[inline(never)]
    fn poll_after(&mut self, cx: &mut Context<'_>) -> Poll<O> {
        let First::After(after) = &mut self.state else {
            panic!("the first attempt of a call was polled after it finished")
        };
        let outcome = std::task::ready!(after.as_mut().poll(cx));
        self.state = First::Done;
        Poll::Ready((self.finish)(outcome))
    }
}
