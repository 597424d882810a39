//! The first attempt of a call, as a future written out by hand: most calls end with it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use opentrain_gen::transport::BoxFuture;

use super::exchange::{Attempted, plain_success};
use super::retry_copy::RetryCopy;
use super::{Call, Pipeline};

/// The first attempt of a call, as a future written out by hand. Most calls end with it, so it
/// holds only what they need and polls the request in flight itself: no layers of
/// combinators, each moving the response on. Anything but a plain documented 2xx goes on in
/// [`Pipeline::after_first`], boxed.
pub(super) struct FirstAttempt<'a, S> {
    pub(super) pipeline: &'a Pipeline,
    pub(super) http: &'a reqwest::Client,
    pub(super) state: First<'a, S>,
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

impl<S> Future for FirstAttempt<'_, S>
where
    S: Future<Output = reqwest::Result<reqwest::Response>> + Unpin,
{
    type Output = Result<reqwest::Response, Attempted>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // Polled in place: moving the in-flight state out and back on every poll would copy
        // it to the stack and back each time.
        let flight = match &mut this.state {
            First::InFlight(flight) => flight,
            First::After(after) => {
                let poll = after.as_mut().poll(cx);
                if poll.is_ready() {
                    this.state = First::Done;
                }
                return poll;
            }
            First::Done => panic!("the first attempt of a call was polled after it finished"),
        };
        // `None`: the deadline ran out first.
        let landed = match Pin::new(&mut flight.sent).poll(cx) {
            Poll::Ready(outcome) => Some(outcome),
            Poll::Pending => {
                let expired = flight
                    .deadline
                    .as_mut()
                    .is_some_and(|timer| timer.as_mut().poll(cx).is_ready());
                if !expired {
                    return Poll::Pending;
                }
                None
            }
        };
        let landed = match landed {
            Some(Ok(response)) if plain_success(flight.call.operation, &response) => {
                let answered = flight.call.answered(1, response);
                this.state = First::Done;
                return Poll::Ready(Ok(answered));
            }
            other => other,
        };
        let First::InFlight(InFlight {
            deadline,
            call,
            again,
            ..
        }) = std::mem::replace(&mut this.state, First::Done)
        else {
            unreachable!("the state was in flight above")
        };
        match landed {
            Some(outcome) => {
                let deadline = deadline.map(|timer| timer.deadline());
                let mut after = Box::pin(
                    this.pipeline
                        .after_first(this.http, call, outcome, again, deadline),
                );
                let poll = after.as_mut().poll(cx);
                if poll.is_pending() {
                    this.state = First::After(after);
                }
                poll
            }
            None => Poll::Ready(Err(this.pipeline.out_of_time(&call, 1, again.as_ref()))),
        }
    }
}
