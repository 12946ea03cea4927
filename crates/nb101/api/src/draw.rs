//! Randomness: `query` makes exactly one `random.randint(0, num_repeats - 1)` on Python's
//! module-level generator, after the spec checks and before the budget lookup. The semantics ask
//! for it through [`Draw`]; [`crate::PyRandom`] answers as Python's generator does.

use tnb_pycall::Exc;

use crate::error::ApiError;
use crate::random::PyRandom;

/// The draw `query` makes.
pub trait Draw {
    /// `random.randint(a, b)` (the API calls `randint(0, 2)`). Return the drawn int.
    fn randint(&mut self, a: i64, b: i64) -> Result<i64, ApiError>;
}

impl Draw for PyRandom {
    fn randint(&mut self, a: i64, b: i64) -> Result<i64, ApiError> {
        Ok(PyRandom::randint(self, a, b))
    }
}

/// Draws nothing: a `query` is refused with a `ValueError` naming the alternatives (what
/// `tnb batch` does without `--seed`: it has no Python generator to share with a script).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoDraw;

/// The message of [`NoDraw`]'s refusal.
pub const NO_DRAW: &str = "tnb batch draws no random numbers unless started with --seed S (then it \
     draws as NASBench(f, seed=S) does): pass --seed, or the repeat index as \"repeat\": 0, 1 or 2 \
     in query's kwargs";

impl Draw for NoDraw {
    fn randint(&mut self, _a: i64, _b: i64) -> Result<i64, ApiError> {
        Err(ApiError::py(Exc::ValueError, NO_DRAW))
    }
}

/// Always "draws" the given repeat index (an explicit choice instead of a draw; the module
/// generator is not touched).
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub i64);

impl Draw for Fixed {
    fn randint(&mut self, _a: i64, _b: i64) -> Result<i64, ApiError> {
        Ok(self.0)
    }
}
