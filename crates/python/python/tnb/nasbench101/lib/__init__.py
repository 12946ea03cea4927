"""The official ``nasbench.lib`` modules that need no TensorFlow: ``config`` (the flags'
defaults), ``graph_util`` (``hash_module`` and the graph helpers) and ``model_spec``
(``ModelSpec``)."""
