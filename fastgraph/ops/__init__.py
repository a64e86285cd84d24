"""The op library: one module per family, each registering its ops.

Each family module lists its public functions in `__all__` (exported as
`fastgraph.<name>`) and, where TF has them there too, in `MATH`, `NN`,
`IMAGE` and `RANDOM` (exported as `fastgraph.math.<name>`, ...).
`tensor_operators` gives Tensor and Variable their operators.
"""

from . import (  # noqa: F401 - registration
    array_ops, batch_norm_ops, bitwise_ops, control_flow_ops, conv_grad_ops, conv_ops, dynamic_shape_ops,
    elementwise, image_ops, indexing_ops, linalg_ops, logging_ops, nn_ops, random_ops,
    reduction_ops, scatter_ops, segment_ops, decomposition_ops, sort_ops, state_ops, tensor_array_ops, tensor_operators, training_ops,
)
from . import summary_ops  # noqa: F401 - registration (host ops: tf.summary's)
from . import io_ops, parsing_ops, sequence_example_ops, sparse_ops  # noqa: F401 - host ops
from . import sparse_structure_ops  # noqa: F401 - host ops: tf.sparse's reorder, slice, ...
from . import sparse_math_ops  # noqa: F401 - host ops: tf.sparse's add, matmul, reduce_sum, ...
from . import sparse_segment_ops  # noqa: F401 - host ops: tf.sparse.segment_sum, ...
from . import image_codecs  # noqa: F401 - host ops: PNG, JPEG, GIF, BMP
from . import lookup_ops, ragged_ops, string_ops  # noqa: F401 - registration (host ops)
from . import data_ops  # noqa: F401 - registration (host ops: tf.data's iterators)
from . import queue_ops  # noqa: F401 - registration (host ops: tf.queue's)
from . import reader_ops  # noqa: F401 - registration (host ops: TF1's readers)
from . import input_ops  # host ops of TF1 input pipelines: RandomShuffle
from . import script_ops  # host ops: tf.py_func, tf.numpy_function, tf.py_function
from . import special_ops  # host ops: tf.math's special functions through SciPy
from . import space_ops  # space to depth/batch and back, image patches
from . import bucket_ops  # host ops: bincount, histograms, searchsorted
from . import reorder_ops  # host ops: roll, reverse_sequence
from . import shape_ops  # ShapeN, BroadcastArgs, EnsureShape
from . import base64_ops  # string ops: web-safe base64
from . import stack_ops  # ParallelConcat (tf.parallel_stack)
from . import stateless_random_ops  # host ops: tf.random's stateless_* draws
from . import color_ops  # host ops: tf.image's colour adjustments
from . import conv3d_ops  # host ops: 3-D convolutions and pooling

__all__ = ["FAMILIES", "namespace"]

FAMILIES = (array_ops, control_flow_ops, elementwise, state_ops, image_ops, reduction_ops,
            linalg_ops, conv_ops, conv_grad_ops, nn_ops, batch_norm_ops, random_ops, indexing_ops,
            sort_ops, training_ops, io_ops, parsing_ops, sequence_example_ops, sparse_ops,
            sparse_structure_ops, sparse_math_ops, sparse_segment_ops,
            image_codecs, input_ops, dynamic_shape_ops, logging_ops, scatter_ops,
            segment_ops, decomposition_ops, script_ops, bitwise_ops, special_ops, space_ops,
            bucket_ops, reorder_ops, shape_ops, base64_ops, stack_ops, stateless_random_ops,
            color_ops, conv3d_ops)


def namespace(attr, modules=FAMILIES):
    """{name: function} of the list `attr` (e.g. "NN") of every module in
    `modules` (later modules win a name)."""
    out = {}
    for module in modules:
        for name in getattr(module, attr, ()):
            out[name] = getattr(module, name)
    return out
