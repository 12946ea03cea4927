"""`tf.train` names the official lib/evaluate.py and lib/training_time.py touch at import time."""


class NanLossDuringTrainingError(RuntimeError):
    """Named in lib/evaluate.py's VALID_EXCEPTIONS; never raised here."""


class SessionRunHook(object):
    """Base class of training_time._TimingRunHook; never instantiated by the API."""


class CheckpointSaverListener(object):
    """Base class of training_time._TimingSaverListener; never instantiated by the API."""
