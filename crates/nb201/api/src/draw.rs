//! Randomness is the caller's: the official code draws from Python's global `random` module,
//! and a binding must make the very same calls, in the same order, for a seeded script to give
//! the same answers. The semantics ask for each draw through [`Draw`] at the point where the
//! official code makes it (after the checks that precede it, before the ones that follow).

use tnb_pycall::Exc;

use crate::error::ApiError;

/// The draws the official code makes.
pub trait Draw {
    /// `random.choice(seeds)`: `get_more_info(..., is_random=True)` calls it once, after the
    /// arch and hp lookups, on `ArchResults.get_dataset_seeds(dataset)` (the dataset's seeds,
    /// sorted ascending as the file keeps them). Return the chosen element.
    fn choice(&mut self, seeds: &[i64]) -> Result<i64, ApiError>;
    /// `random.randint(a, b)`: `ArchResults.get_metrics(..., is_random=True)` calls it as
    /// `randint(0, n - 1)` (`n` the dataset's seed count) after every seed's values were read;
    /// `NASBench201API.random()` as `randint(0, len(api) - 1)`. Return the drawn int.
    fn randint(&mut self, a: i64, b: i64) -> Result<i64, ApiError>;
}

/// Draws nothing: every draw is refused with a `ValueError` naming the explicit alternative
/// (what `tnb batch` uses, since it has no Python `random` to share with a script).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoDraw;

/// The message of [`NoDraw`]'s refusal of `random.choice` / `random.randint` inside a query.
pub const NO_DRAW: &str =
    "tnb batch draws no random numbers: pass is_random=<seed> (an int) or is_random=False";

impl Draw for NoDraw {
    fn choice(&mut self, _seeds: &[i64]) -> Result<i64, ApiError> {
        Err(ApiError::new(Exc::ValueError, NO_DRAW))
    }
    fn randint(&mut self, _a: i64, _b: i64) -> Result<i64, ApiError> {
        Err(ApiError::new(Exc::ValueError, NO_DRAW))
    }
}

/// Draws from a closure pair, e.g. a binding that calls Python's `random`.
pub struct FnDraw<C, R>
where
    C: FnMut(&[i64]) -> Result<i64, ApiError>,
    R: FnMut(i64, i64) -> Result<i64, ApiError>,
{
    /// `random.choice`.
    pub choice: C,
    /// `random.randint`.
    pub randint: R,
}

impl<C, R> Draw for FnDraw<C, R>
where
    C: FnMut(&[i64]) -> Result<i64, ApiError>,
    R: FnMut(i64, i64) -> Result<i64, ApiError>,
{
    fn choice(&mut self, seeds: &[i64]) -> Result<i64, ApiError> {
        (self.choice)(seeds)
    }
    fn randint(&mut self, a: i64, b: i64) -> Result<i64, ApiError> {
        (self.randint)(a, b)
    }
}
