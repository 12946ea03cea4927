"""``nasbench.lib.config`` without absl: every flag the official module defines, in its
definition order, with its default value. ``build_config()`` returns a new dict each call whose
values are the module's own objects (as the official dict holds the flags' value objects: two
configs share their lists)."""

# (name, default) in the official definition order. The lists are the module's objects, shared
# by every config built (absl hands out each flag's one value object).
_FLAGS = (
    # Data flags (only required for generating the dataset).
    ("train_data_files", []),
    ("valid_data_file", ""),
    ("test_data_file", ""),
    ("sample_data_file", ""),
    ("data_format", "channels_last"),
    ("num_labels", 10),
    # Search space parameters.
    ("module_vertices", 7),
    ("max_edges", 9),
    ("available_ops", ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]),
    # Model hyperparameters (the values used for the exhaustive evaluation).
    ("stem_filter_size", 128),
    ("num_stacks", 3),
    ("num_modules_per_stack", 3),
    ("batch_size", 256),
    ("train_epochs", 108),
    ("train_seconds", 4.0 * 60 * 60),
    ("learning_rate", 0.1),
    ("lr_decay_method", "COSINE_BY_STEP"),
    ("momentum", 0.9),
    ("weight_decay", 1e-4),
    ("max_attempts", 5),
    ("intermediate_evaluations", ["0.5"]),
    ("num_repeats", 3),
    # TPU flags.
    ("use_tpu", True),
    ("tpu_iterations_per_loop", 100),
    ("tpu_num_shards", 2),
)


def build_config():
    """The configuration dict: flag name -> default value, in definition order."""
    return {name: value for name, value in _FLAGS}
