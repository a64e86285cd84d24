"""tf.nn's functions that TensorFlow's nn_ops.py builds from the op
families: crelu, the 1-D poolings (a 2-D pool over a height of 1), the
rank-dispatching avg_pool_v2/max_pool_v2, depthwise_conv2d_native."""

from ..ops.arguments import graph_of, to_tensor
from ..ops.array_ops import concat, expand_dims, squeeze
from ..ops.conv3d_ops import avg_pool3d, max_pool3d
from ..ops.conv_ops import avg_pool2d, depthwise_conv2d, max_pool2d
from ..ops.elementwise import negative
from ..ops.nn_ops import relu

__all__ = []
NN = ["crelu", "avg_pool1d", "max_pool1d", "avg_pool_v2", "max_pool_v2",
      "depthwise_conv2d_native"]


def get_sequence(value, n, channel_index, name):
    """TF's _get_sequence: `value` (None, an int or a list of 1, n or n + 2
    ints) as the n + 2 numbers of a ksize/strides attr."""
    if value is None:
        return [1] * (n + 2)
    value = list(value) if isinstance(value, (list, tuple)) else [value]
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(f"{name} should be of length 1, {n} or {n + 2}. Received: "
                         f"{name}={value} of length {len(value)}")
    return [1, 1] + value if channel_index == 1 else [1] + value + [1]


def crelu(features, name=None, axis=-1):
    """Computes Concatenated ReLU.

    Concatenates a ReLU which selects only the positive part of the activation
    with a ReLU which selects only the *negative* part of the activation.
    Note that as a result this non-linearity doubles the depth of the
    activations.
    """
    graph = graph_of([features])
    with graph.as_default(), graph.name_scope(name or "CRelu") as scope:
        features = to_tensor(graph, features, name="features")
        return relu(concat([features, negative(features)], axis, name=scope))


def _pool1d(pool2d, default_name, input, ksize, strides, padding, data_format,  # noqa: A002
            name):
    if data_format is None:
        data_format = "NWC"
    if data_format != "NWC":
        raise NotImplementedError(f"fastgraph pools NWC inputs only, not {data_format}")
    graph = graph_of([input])
    with graph.as_default(), graph.name_scope(name or default_name) as scope:
        ksize = [1] + get_sequence(ksize, 1, 2, "ksize")
        strides = [1] + get_sequence(strides, 1, 2, "strides")
        x = expand_dims(input, 1)
        return squeeze(pool2d(x, ksize, strides, padding, name=scope), 1)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Performs the average pooling on the input.

    Each entry in `output` is the mean of the corresponding size `ksize`
    window in `value` ([batch, width, channels]), as a 2-D AvgPool over a
    height of 1.
    """
    return _pool1d(avg_pool2d, "AvgPool1D", input, ksize, strides, padding, data_format, name)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Performs the max pooling on the input ([batch, width, channels]), as a
    2-D MaxPool over a height of 1."""
    return _pool1d(max_pool2d, "MaxPool1d", input, ksize, strides, padding, data_format, name)


def _pool_rank(input, data_format):  # noqa: A002
    if input.shape.rank is not None:
        n = input.shape.rank - 2
    elif data_format is not None:
        n = len(data_format) - 2
    else:
        raise ValueError("`input` must have a static shape or `data_format` must be given. "
                         f"Received: input.shape={input.shape} and data_format={data_format}")
    if not 1 <= n <= 3:
        raise ValueError(f"`input.shape.rank` must be 3, 4 or 5. Received: "
                         f"input.shape={input.shape} of rank {n + 2}.")
    channel_index = n + 1 if data_format is None or not data_format.startswith("NC") else 1
    return n, channel_index


def _pool_v2(ops, input, ksize, strides, padding, data_format, name):  # noqa: A002
    graph = graph_of([input])
    input = to_tensor(graph, input)  # noqa: A001
    n, channel_index = _pool_rank(input, data_format)
    ksize = get_sequence(ksize, n, channel_index, "ksize")
    strides = get_sequence(strides, n, channel_index, "strides")
    return ops()[n](input, ksize=ksize, strides=strides, padding=padding,
                    data_format=data_format, name=name)


def _avg_ops():
    return {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}


def _max_ops():
    return {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Performs the avg pooling on the input: 1-D, 2-D or 3-D by the rank of
    `input` (N + 2); ksize and strides are an int or lists of 1, N or N + 2."""
    return _pool_v2(_avg_ops, input, ksize, strides, padding, data_format, name)


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Performs max pooling on the input: 1-D, 2-D or 3-D by the rank of
    `input` (N + 2); ksize and strides are an int or lists of 1, N or N + 2."""
    if isinstance(padding, (list, tuple)) and input.shape.rank == 5:
        raise ValueError("Explicit padding is not supported with an input tensor of rank 5. "
                         f"Received: padding={padding}")
    return _pool_v2(_max_ops, input, ksize, strides, padding, data_format, name)


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=(1, 1, 1, 1), name=None):  # noqa: A002
    """Computes a 2-D depthwise convolution (the DepthwiseConv2dNative op)
    given 4-D `input` [batch, in_height, in_width, in_channels] and `filter`
    [filter_height, filter_width, in_channels, channel_multiplier] tensors."""
    return depthwise_conv2d(input, filter, strides, padding, data_format=data_format,
                            dilations=dilations, name=name)
