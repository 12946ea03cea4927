"""A minimal stand-in for the `tensorflow` package, just enough to import and run the
official `nasbench.api.NASBench` loader without TensorFlow (tnb's own code, not TensorFlow's).

What the official modules touch when they are imported (read in nasbench @ b942470):
- api.py: `tf.python_io.tf_record_iterator` (called by the constructor).
- lib/evaluate.py: `tf.train.NanLossDuringTrainingError` and `tf.errors.ResourceExhaustedError`,
  `InvalidArgumentError`, `DeadlineExceededError` (a module-level tuple of exception classes).
- lib/training_time.py: `tf.train.SessionRunHook`, `tf.train.CheckpointSaverListener` (base classes).
Everything else the official package names lives inside functions that only training calls
(`NASBench.evaluate`, the model builder); those are not stubbed, so calling them fails loudly
with an AttributeError instead of pretending to work.
"""

from . import errors, python_io, train  # noqa: F401

__version__ = "0.0.0-tnb-standin"
