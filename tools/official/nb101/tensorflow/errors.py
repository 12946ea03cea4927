"""`tf.errors` names the official lib/evaluate.py lists at import time."""


class OpError(Exception):
    """Base of the stand-in's TensorFlow errors."""


class DataLossError(OpError):
    """A TFRecord whose framing or CRC is wrong (TensorFlow raises this class too)."""


class ResourceExhaustedError(OpError):
    """Named by lib/evaluate.py; never raised here."""


class InvalidArgumentError(OpError):
    """Named by lib/evaluate.py; never raised here."""


class DeadlineExceededError(OpError):
    """Named by lib/evaluate.py; never raised here."""


class NotFoundError(OpError):
    """Named by lib/evaluate.py (inside a function); never raised here."""
