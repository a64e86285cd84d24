"""Gradients of the array, indexing and image families (TF's array_grad.py,
image_grad.py) against central finite differences; the same gradients built
over placeholders with None dims (the training case) against the static
ones; the new ops' kernels against NumPy with repeated and bad indices; and
the ops whose gradient is None or an error."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry
from fastgraph.ops import image_ops

from .gradient_check import check_gradient, numeric_gradient

RNG = np.random.default_rng(7)
MASKS = {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
         "shrink_axis_mask": 0}
LINEAR = {"delta": 1.0, "rtol": 1e-4, "atol": 1e-4}  # float32 ops that are linear


def _n(*shape):
    return RNG.normal(size=shape)


def _ids(*values, dtype=np.int32):
    return np.array(values, dtype)


ARRAY_CASES = [
    ("Identity", [_n(2, 3)], {}),
    ("PlaceholderWithDefault", [_n(2, 3)], {"shape": tf.TensorShape([2, 3])}),
    ("Reshape", [_n(2, 3), _ids(3, 2)], {}),
    ("Squeeze", [_n(2, 1, 3)], {"squeeze_dims": ()}),
    ("Transpose", [_n(2, 3, 4)], {"perm": (2, 0, 1)}),
    ("Transpose", [_n(2, 3)], {"perm": None}),
    ("Tile", [_n(2, 3)], {"multiples": (2, 3)}),
    ("Tile", [_n(2, 1, 3)], {"multiples": (1, 4, 1)}),
    ("ConcatV2", [_n(2, 3), _n(2, 1), _n(2, 2)], {"axis": -1}),
    ("Pack", [_n(2, 3), _n(2, 3)], {"axis": 1}),
    ("Unpack", [_n(2, 3)], {"num": 3, "axis": 1}),
    ("Split", [_n(4, 3)], {"num_split": 2, "axis": 0}),
    ("SplitV", [_n(4, 3)], {"size_splits": (1, -1), "axis": 1}),
    ("Slice", [_n(4, 3)], {"begin": (1, 0), "size": (2, -1)}),
    ("StridedSlice", [_n(6, 5)], dict(MASKS, begin=(1, 0), end=(5, 5), strides=(2, 1))),
    ("StridedSlice", [_n(6, 5)], dict(MASKS, begin=(-1, 4), end=(0, 0), strides=(-1, -2),
                                      end_mask=1)),
    ("StridedSlice", [_n(2, 3, 4)], dict(MASKS, begin=(0, 1), end=(0, 0), strides=(1, 2),
                                         ellipsis_mask=1, end_mask=2)),
    ("StridedSlice", [_n(3, 4, 2)], dict(MASKS, begin=(1, 0), end=(2, 3), strides=(1, 1),
                                         shrink_axis_mask=1)),
    ("StridedSlice", [_n(3, 4)], dict(MASKS, begin=(0, 1), end=(0, 3), strides=(1, 1),
                                      new_axis_mask=1)),
    ("StridedSlice", [_n(5, 4)], dict(MASKS, begin=(-2, -1), end=(-6, 0), strides=(-2, -1),
                                      begin_mask=0, end_mask=2)),
    ("StridedSliceGrad", [_n(2, 5)], dict(MASKS, shape=(6, 5), begin=(1, 0), end=(5, 5),
                                          strides=(2, 1))),
    ("ReverseV2", [_n(3, 4)], {"axis": (1,)}),
    ("ReverseV2", [_n(2, 3, 4)], {"axis": (0, -1)}),
    ("MirrorPad", [_n(3, 4)], {"paddings": ((1, 2), (2, 3)), "mode": "REFLECT"}),
    ("MirrorPad", [_n(3, 4)], {"paddings": ((3, 0), (1, 4)), "mode": "SYMMETRIC"}),
    ("MirrorPadGrad", [_n(6, 9)], {"paddings": ((1, 2), (2, 3)), "mode": "REFLECT"}),
    ("BroadcastTo", [_n(3, 1)], {"shape": (2, 3, 4)}),
    ("BroadcastTo", [_n()], {"shape": (5,)}),
]

INDEXING_CASES = [
    ("GatherV2", [_n(5, 3), _ids(4, 0, 2, 2, 4)], {"axis": 0, "batch_dims": 0}),
    ("GatherV2", [_n(2, 4, 3), _ids(3, 1, 0, 3, dtype=np.int64).reshape(2, 2)],
     {"axis": 1, "batch_dims": 0}),
    ("GatherV2", [_n(2, 4), _ids(1, 0, 1, dtype=np.int16)], {"axis": -1, "batch_dims": 0}),
    ("GatherNd", [_n(4, 3, 2), _ids(3, 1, 0, 2, 3, 1).reshape(3, 2)], {}),
    ("GatherNd", [_n(4, 3), _ids(2, 2, 0).reshape(3, 1)], {}),
    ("UnsortedSegmentSum", [_n(5, 3), _ids(2, 0, -1, 2, 3)], {"num_segments": 4}),
    ("UnsortedSegmentSum", [_n(2, 3, 2), _ids(1, 1, 0, 2, 1, 0).reshape(2, 3)],
     {"num_segments": 3}),
    ("ScatterNd", [_ids(1, 3, 1).reshape(3, 1), _n(3, 2)], {"shape": (4, 2)}),
    ("Fill", [_ids(2, 3), _n()], {}),
]

SORT_CASES = [
    ("TopKV2", [_n(3, 5), np.array(2, np.int32)], {"sorted": True, "index_type": tf.int32}),
    ("TopKV2", [_n(2, 3, 4), np.array(4, np.int32)], {"sorted": True, "index_type": tf.int64}),
    ("Sort", [_n(3, 4, 2)], {"axis": 0, "descending": False, "index_type": tf.int32}),
    ("Sort", [_n(3, 4, 2)], {"axis": 1, "descending": True, "index_type": tf.int32}),
    ("Sort", [_n(3, 4)], {"axis": -1, "descending": False, "index_type": tf.int32}),
]

IMAGE_CASES = [
    ("FlipLeftRight", [_n(2, 3, 4, 2)], {}, {}),
    ("FlipUpDown", [_n(3, 4, 2)], {}, {}),
    ("CropToBoundingBox", [_n(2, 5, 6, 2)], {"offset_height": 1, "offset_width": 2,
                                            "target_height": 3, "target_width": 3}, {}),
    ("PadToBoundingBox", [_n(2, 3, 3, 2)], {"offset_height": 1, "offset_width": 2,
                                           "target_height": 5, "target_width": 6}, {}),
    ("CentralCrop", [_n(6, 6, 2)], {"central_fraction": 0.5}, {}),
    ("RGBToGrayscale", [_n(2, 3, 3)], {}, LINEAR),
    ("ConvertImageDtype", [_n(2, 3, 3)], {"dtype": tf.float32, "saturate": False}, LINEAR),
    # Computed in float32: differences over steps float32 resolves.
    ("PerImageStandardization", [_n(2, 3, 3, 2)], {}, {"delta": 1e-2, "rtol": 2e-3,
                                                      "atol": 2e-3}),
    # A near-uniform image: the stddev is capped at 1/sqrt(N), which stops moving.
    ("PerImageStandardization", [1e-3 * _n(1, 2, 2, 1)], {}, {"delta": 1e-5, "rtol": 2e-3,
                                                             "atol": 2e-3}),
]


@pytest.mark.parametrize("op_type,inputs,attrs", ARRAY_CASES + INDEXING_CASES + SORT_CASES,
                         ids=lambda v: v if isinstance(v, str) else "")
def test_gradient_matches_finite_differences(op_type, inputs, attrs):
    check_gradient(op_type, inputs, attrs)


@pytest.mark.parametrize("op_type,inputs,attrs,tolerance", IMAGE_CASES,
                         ids=lambda v: v if isinstance(v, str) else "")
def test_image_gradient_matches_finite_differences(op_type, inputs, attrs, tolerance):
    check_gradient(op_type, inputs, attrs, **tolerance)


def _check_with_constant(build, x, delta=1e-6, rtol=1e-6, atol=1e-8):
    """check_gradient for an op whose other arguments must be constants:
    `build(x)` makes it from a placeholder."""
    g = tf.Graph()
    with g.as_default():
        ph = tf.placeholder(tf.float64, x.shape)
        y = build(ph)
        w = tf.placeholder(y.dtype, y.shape)
        dx = op_registry.gradient_function(y.op)(y.op, w)[0]
        with tf.Session(graph=g) as sess:
            weights = RNG.normal(size=y.shape.as_list()).astype(y.dtype.np_dtype)
            analytic = sess.run(dx, {ph: x, w: weights})

            def f(v):
                return float(np.sum(sess.run(y, {ph: v}) * weights))

            np.testing.assert_allclose(analytic, numeric_gradient(f, x, delta), rtol=rtol,
                                       atol=atol)
    return analytic


@pytest.mark.parametrize("align,half", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("size", [(5, 7), (2, 3), (1, 1)])
def test_resize_gradients_match_finite_differences(align, half, size):
    """The resizes take their size as a constant, so they are built here."""
    x = _n(2, 3, 4, 2)
    _check_with_constant(lambda t: image_ops.resize_bilinear(
        t, size, align_corners=align, half_pixel_centers=half), x, **LINEAR)
    _check_with_constant(lambda t: image_ops.resize_nearest_neighbor(
        t, size, align_corners=align, half_pixel_centers=half), x)


def test_expand_dims_gradient_matches_finite_differences():
    _check_with_constant(lambda t: tf.expand_dims(t, -1), _n(2, 3))


# ---- partially unknown static shapes ------------------------------------------------

def _dynamic_vs_static(build, arrays, dynamic_shapes):
    """The gradients of sum(w * build(*xs)) for placeholders of
    `dynamic_shapes` (None dims) equal those for fully static placeholders."""
    results = []
    for shapes in (dynamic_shapes, [a.shape for a in arrays]):
        g = tf.Graph()
        with g.as_default():
            phs = [tf.placeholder(tf.as_dtype(a.dtype), s) for a, s in zip(arrays, shapes)]
            y = build(*phs)
            w = tf.placeholder(y.dtype, None)
            op = y.op
            grads = op_registry.gradient_function(op)(op, *([w] if len(op.outputs) == 1 else
                                                            [w] + op.outputs[1:]))
            feeds = dict(zip(phs, arrays))
            with tf.Session(graph=g) as sess:
                out = sess.run(y, feeds)
                feeds[w] = np.linspace(-1, 1, out.size).reshape(out.shape).astype(out.dtype)
                wanted = [t for t in grads if t is not None]
                results.append(sess.run(wanted, feeds))
    for dyn, static in zip(*results):
        np.testing.assert_allclose(dyn, static, rtol=1e-12)
    return results[1]


DYNAMIC = [
    ("reshape", lambda x: tf.reshape(x, [-1]), [_n(3, 4)], [(None, 4)]),
    ("expand_dims", lambda x: tf.expand_dims(x, 1), [_n(3, 4)], [(None, None)]),
    ("concat", lambda x, y: tf.concat([x, y], 0), [_n(3, 2), _n(2, 2)], [(None, 2), (None, 2)]),
    ("concat_inner", lambda x, y: tf.concat([x, y], 1), [_n(3, 2), _n(3, 1)],
     [(None, None), (None, 1)]),
    ("stack", lambda x, y: tf.stack([x, y], 1), [_n(3, 2), _n(3, 2)], [(None, 2), (None, 2)]),
    ("slice", lambda x: tf.slice(x, [1, 0], [-1, 1]), [_n(4, 3)], [(None, 3)]),
    ("slice_from_shape", lambda x: tf.slice(x, [0, 1], tf.shape(x) - [1, 1]), [_n(4, 3)],
     [(None, 3)]),
    ("strided_slice", lambda x: x[1::2, ::-1], [_n(5, 3)], [(None, 3)]),
    ("strided_slice_shrink", lambda x: x[:, 1], [_n(5, 3)], [(None, 3)]),
    ("strided_slice_ellipsis", lambda x: x[..., 1:, tf.newaxis], [_n(2, 5, 3)],
     [(None, None, 3)]),
    ("tile", lambda x: tf.tile(x, [2, 3]), [_n(3, 2)], [(None, 2)]),
    ("tile_from_shape", lambda x, y: tf.tile(x, [tf.shape(y)[0], 1]), [_n(1, 2), _n(3, 2)],
     [(1, 2), (None, 2)]),
    ("pad", lambda x: tf.pad(x, [[1, 2], [0, 1]]), [_n(3, 2)], [(None, 2)]),
    ("mirror_pad", lambda x: tf.pad(x, [[1, 2], [0, 1]], mode="SYMMETRIC"), [_n(3, 2)],
     [(None, 2)]),
    ("gather", lambda x, i: tf.gather(x, i), [_n(5, 3), _ids(4, 0, 4, 1)], [(None, 3), (None,)]),
    ("gather_axis1", lambda x, i: tf.gather(x, i, axis=1), [_n(2, 4, 3), _ids(3, 3, 0)],
     [(None, 4, None), (None,)]),
    ("gather_nd", lambda x, i: tf.gather_nd(x, i), [_n(4, 3), _ids(1, 2, 1, 2, 3, 0)
                                                   .reshape(3, 2)], [(None, 3), (None, 2)]),
    ("segment_sum", lambda x, i: tf.math.unsorted_segment_sum(x, i, 4),
     [_n(5, 2), _ids(3, -1, 0, 3, 1)], [(None, 2), (None,)]),
    ("transpose", lambda x: tf.transpose(x, [1, 0]), [_n(3, 2)], [(None, 2)]),
    ("reverse", lambda x: tf.reverse(x, [0]), [_n(3, 2)], [(None, 2)]),
    ("squeeze", lambda x: tf.squeeze(x, [1]), [_n(3, 1, 2)], [(None, 1, 2)]),
    ("broadcast_to_unknown_input", lambda x: tf.broadcast_to(x, [2, 3, 4]), [_n(3, 1)],
     [(None, None)]),
    ("crop_unknown_image", lambda x: tf.image.crop_to_bounding_box(x, 1, 2, 3, 3),
     [_n(2, 5, 6, 2)], [(None, None, None, 2)]),
    ("pad_to_box_unknown_image", lambda x: tf.image.pad_to_bounding_box(x, 1, 2, 5, 6),
     [_n(3, 3, 2)], [(None, None, 2)]),
    ("standardize_unknown_image", lambda x: tf.image.per_image_standardization(x),
     [_n(2, 3, 4, 2)], [(None, None, None, 2)]),
    ("broadcast_to_fed_shape", lambda x, y: tf.broadcast_to(x, tf.shape(y)),
     [_n(3, 1), _n(2, 3, 4)], [(3, 1), (None, 3, None)]),
    ("top_k", lambda x: tf.math.top_k(x, 2).values, [_n(4, 5)], [(None, 5)]),
    ("top_k_unknown_row", lambda x: tf.math.top_k(x, 2).values, [_n(4, 5)], [(None, None)]),
    ("sort", lambda x: tf.sort(x, axis=0), [_n(4, 3)], [(None, 3)]),
]


@pytest.mark.parametrize("name,build,arrays,shapes", DYNAMIC, ids=[d[0] for d in DYNAMIC])
def test_gradients_with_unknown_dims_match_static_ones(name, build, arrays, shapes):
    _dynamic_vs_static(build, arrays, shapes)


def test_resize_nearest_gradient_with_an_unknown_batch():
    x = _n(2, 3, 4, 1)
    _dynamic_vs_static(lambda t: image_ops.resize_nearest_neighbor(t, (5, 2)), [x],
                       [(None, 3, 4, 1)])


# ---- the new kernels against NumPy -----------------------------------------------------

def _run(fetch, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetch, feeds)


def test_embedding_gradient_sums_repeated_indices():
    table = _n(50, 4)
    ids = RNG.integers(0, 50, size=(7, 30)).astype(np.int64)
    ids[0, :5] = 3  # many repeats of one row
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float64, [None, 4])
        i = tf.placeholder(tf.int64, [None, None])
        y = tf.gather(p, i)
        w = tf.placeholder(tf.float64, None)
        dp = op_registry.gradient_function(y.op)(y.op, w)[0]
        weights = _n(7, 30, 4)
        got = _run(dp, {p: table, i: ids, w: weights})
    want = np.zeros_like(table)
    np.add.at(want, ids.reshape(-1), weights.reshape(-1, 4))
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8])
def test_unsorted_segment_sum_against_numpy(dtype):
    data = (RNG.normal(size=(6, 3)) * 5).astype(dtype)
    ids = np.array([4, 0, -1, 4, 2, 0], np.int32)
    with tf.Graph().as_default():
        d = tf.placeholder(dtype, [None, 3])
        got = _run(tf.unsorted_segment_sum(d, ids, 5), {d: data})
    want = np.zeros((5, 3), dtype)
    keep = ids >= 0
    np.add.at(want, ids[keep], data[keep])
    np.testing.assert_array_equal(got, want)


def test_unsorted_segment_sum_of_a_large_input_is_right():
    data = _n(20000, 3)
    ids = RNG.integers(-1, 100, size=20000)
    with tf.Graph().as_default():
        d = tf.placeholder(tf.float64, [None, 3])
        i = tf.placeholder(tf.int64, [None])
        got = _run(tf.math.unsorted_segment_sum(d, i, 100), {d: data, i: ids})
    want = np.zeros((100, 3))
    np.add.at(want, ids[ids >= 0], data[ids >= 0])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_scatter_nd_against_numpy(dtype):
    indices = np.array([[0, 1], [2, 0], [0, 1], [1, 1]], np.int32)
    updates = (RNG.normal(size=(4, 3)) * 5).astype(dtype)
    with tf.Graph().as_default():
        u = tf.placeholder(dtype, [None, 3])
        got = _run(tf.scatter_nd(indices, u, [3, 2, 3]), {u: updates})
    want = np.zeros((3, 2, 3), dtype)
    np.add.at(want, tuple(indices.T), updates)
    np.testing.assert_array_equal(got, want)


def test_bad_segment_ids_and_scatter_indices_raise_tf_errors():
    with tf.Graph().as_default():
        i = tf.placeholder(tf.int32, [None])
        y = tf.math.unsorted_segment_sum(tf.constant([[1.0, 2.0], [3.0, 4.0]]), i, 3)
        j = tf.placeholder(tf.int32, [None, 2])
        z = tf.scatter_nd(j, tf.constant([1.0, 2.0]), [4, 2])
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"segment_ids\[1\] = 5 is out of range \[0, 3\)"):
                sess.run(y, {i: [0, 5]})
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"indices\[1\] = \[-1, 0\] does not index into shape "
                                     r"\[4,2\]"):
                sess.run(z, {j: [[1, 0], [-1, 0]]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="does not index into"):
                sess.run(z, {j: [[1, 0], [1, 2]]})
            # The session stays usable.
            np.testing.assert_array_equal(sess.run(y, {i: [2, 2]}), [[0, 0], [0, 0], [4, 6]])


def test_mirror_pad_grad_folds_onto_the_mirrored_elements():
    from fastgraph.ops.array_ops import mirror_pad_grad
    # [a, b, c] reflect-padded by (2, 1) is [c, b, a, b, c, b].
    with tf.Graph().as_default():
        g = tf.constant(np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0]))
        got = _run(mirror_pad_grad(g, [[2, 1]], "REFLECT"))
    np.testing.assert_array_equal(got, [30.0, 20.0 + 40.0 + 60.0, 10.0 + 50.0])


# ---- no gradient ----------------------------------------------------------------------

def test_stop_gradient_is_its_own_op_with_no_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        y = tf.stop_gradient(x)
        assert y.op.type == "StopGradient"
        assert op_registry.gradient_function(y.op) is None
        np.testing.assert_array_equal(_run(y, {x: [1.0, 2.0]}), [1.0, 2.0])


def test_stop_gradient_is_written_and_read_as_tf_stop_gradient():
    from fastgraph import importer
    with tf.Graph().as_default():
        y = tf.stop_gradient(tf.placeholder(tf.float32, [2]))
        assert y.op.opdef.graphdef.write(y.op).op == "StopGradient"
    gd = tf.GraphDef()
    gd.node.append(importer.NodeDef("x", "Placeholder", [], {"dtype": tf.float32,
                                                            "shape": [2]}))
    gd.node.append(importer.NodeDef("stopped", "StopGradient", ["x"], {"T": tf.float32}))
    with tf.Graph().as_default() as g:
        tf.import_graph_def(gd, name="")
        stopped = g.get_tensor_by_name("stopped:0")
        assert stopped.op.type == "StopGradient"
        assert op_registry.gradient_function(stopped.op) is None
        np.testing.assert_array_equal(
            _run(stopped, {g.get_tensor_by_name("x:0"): [1.0, 3.0]}), [1.0, 3.0])


def test_prevent_gradient_raises_lookup_error():
    from fastgraph.ops.array_ops import prevent_gradient
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        y = prevent_gradient(x, message="no second derivative")
        np.testing.assert_array_equal(_run(y, {x: [1.0, 2.0]}), [1.0, 2.0])
        with pytest.raises(LookupError, match="Gradient explicitly disabled. Reason: no second"):
            op_registry.gradient_function(y.op)(y.op, x)


@pytest.mark.parametrize("op_type", [
    "StopGradient", "Shape", "Size", "Rank", "ZerosLike", "OnesLike", "OneHot", "Range", "Where",
    "VariableV2", "Assign", "AssignAdd", "AssignSub", "RandomUniform", "RandomStandardNormal",
    "TruncatedNormal", "RandomUniformInt", "Placeholder", "NoOp"])
def test_not_differentiable(op_type):
    assert op_registry.get(op_type).gradient is op_registry.NOT_DIFFERENTIABLE


def test_pad_v2_gives_no_gradient_to_its_constant_as_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [2])
        c = tf.placeholder(tf.float64, [])
        y = tf.pad(x, [[1, 1]], constant_values=c)
        dx, dc = op_registry.gradient_function(y.op)(y.op, tf.constant([1.0, 2.0, 3.0, 4.0],
                                                                        tf.float64))
        assert dc is None
        np.testing.assert_array_equal(_run(dx, {x: [0.0, 0.0], c: 1.0}), [2.0, 3.0])


# ---- end to end, through tf.gradients ------------------------------------------------

def test_embedding_training_steps_match_numpy():
    """Steps of SGD on a gathered table with a fed batch of repeated ids:
    tf.gradients' dense gather gradient, applied with assign_sub."""
    table0 = _n(20, 3)
    batches = [RNG.integers(0, 20, size=(4, 6)) for _ in range(3)]
    targets = [_n(4, 6, 3) for _ in range(3)]
    with tf.Graph().as_default():
        table = tf.Variable(table0)
        ids = tf.placeholder(tf.int32, [None, None])
        target = tf.placeholder(tf.float64, [None, None, 3])
        rows = tf.gather(table, ids)
        (grad,) = tf.gradients(rows, [table], grad_ys=target)
        step = tf.assign_sub(table, 0.1 * grad)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for b, t in zip(batches, targets):
                sess.run(step, {ids: b, target: t})
            got = sess.run(table)
    want = table0.copy()
    for b, t in zip(batches, targets):
        g = np.zeros_like(want)
        np.add.at(g, b.reshape(-1), t.reshape(-1, 3))
        want -= 0.1 * g
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_gradients_of_the_gradient_ops_are_the_forward_ops():
    """StridedSliceGrad, MirrorPadGrad, UnsortedSegmentSum and ScatterNd are
    linear: tf.gradients through a gradient gives back the forward slice."""
    x = _n(5, 4)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float64, [None, 4])
        for forward in (lambda t: t[::-2, 1:], lambda t: tf.pad(t, [[1, 2], [0, 3]],
                                                               mode="SYMMETRIC"),
                        lambda t: tf.gather(t, [3, 3, 0])):
            y = forward(p)
            w = tf.placeholder(tf.float64, None)
            (dx,) = tf.gradients(y, [p], grad_ys=w)
            v = tf.placeholder(tf.float64, [None, 4])
            (ddw,) = tf.gradients(dx, [w], grad_ys=v)
            with tf.Session() as sess:
                out = sess.run(y, {p: x})
                weights = _n(*out.shape)
                got = sess.run(ddw, {p: x, w: weights, v: x})
            np.testing.assert_allclose(got, out, rtol=1e-12)
