//! Places where a long computation may wait and be stopped: between its steps it awaits
//! [`Pause::pause`], which in the page's worker reports progress, lets the worker read its
//! messages and says whether to go on; on the command line nothing waits ([`NoPause`]).

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Called before each step of a computation with what the step is.
pub trait Pause<Step> {
    /// Why a computation stopped.
    type Stop;

    /// Waits as long as the caller wants; `Err` stops the computation before `step`.
    fn pause(&mut self, step: Step) -> impl Future<Output = Result<(), Self::Stop>>;
}

/// Goes on at once, always.
pub struct NoPause;

impl<Step> Pause<Step> for NoPause {
    type Stop = Infallible;

    async fn pause(&mut self, _: Step) -> Result<(), Infallible> {
        Ok(())
    }
}

/// The result of a computation whose every pause is [`NoPause`]: it never waits, so it is
/// done the first time it is polled.
pub fn without_pauses<T>(computation: impl Future<Output = Result<T, Infallible>>) -> T {
    match poll_once(computation) {
        Some(Ok(done)) => done,
        None => unreachable!("a computation without pauses waited"),
    }
}

/// Polls `computation` once: its result, unless it waited.
pub fn poll_once<T>(computation: impl Future<Output = T>) -> Option<T> {
    match pin!(computation)
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(done) => Some(done),
        Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stops before the step given.
    struct StopAt(u32, Vec<u32>);

    impl Pause<u32> for StopAt {
        type Stop = u32;

        async fn pause(&mut self, step: u32) -> Result<(), u32> {
            self.1.push(step);
            if step == self.0 {
                Err(step)
            } else {
                Ok(())
            }
        }
    }

    async fn three_steps<P: Pause<u32>>(pause: &mut P) -> Result<u32, P::Stop> {
        let mut done = 0;
        for step in 1..=3 {
            pause.pause(step).await?;
            done += step;
        }
        Ok(done)
    }

    #[test]
    fn no_pause_runs_to_the_end_and_a_stop_ends_before_its_step() {
        assert_eq!(without_pauses(three_steps(&mut NoPause)), 6);
        let mut stop = StopAt(2, Vec::new());
        assert_eq!(poll_once(three_steps(&mut stop)), Some(Err(2)));
        assert_eq!(stop.1, vec![1, 2]);
        assert_eq!(poll_once(std::future::pending::<()>()), None);
    }
}
