"""matmul against NumPy: 2-D and batched with broadcast batch dims,
transposes and adjoints, every dtype, empty and k = 0 products, errors."""

import numpy as np
import pytest

import fastgraph as tf

from ..evaluate import evaluate
from ..samples import random_array

DTYPES = [np.float32, np.float64, np.int32, np.int64]


CASES = [  # a shape, b shape, transpose_a, transpose_b
    ((3, 4), (4, 5), False, False),
    ((4, 3), (4, 5), True, False),
    ((3, 4), (5, 4), False, True),
    ((4, 3), (5, 4), True, True),
    ((1, 1), (1, 1), False, False),
    ((2, 3, 4), (2, 4, 6), False, False),
    ((2, 3, 4), (4, 6), False, False),          # batch broadcast against a matrix
    ((3, 1, 5, 2), (4, 2, 3), False, False),    # batch dims broadcast both ways
    ((2, 1, 4, 3), (1, 5, 6, 4), True, True),
    ((0, 3), (3, 4), False, False),             # m = 0
    ((3, 0), (0, 4), False, False),             # k = 0: zeros
    ((2, 0, 3, 4), (4, 2), False, False),       # empty batch
    ((65, 130), (130, 70), False, False),       # bigger than a BLAS block
    # One row or one column of C: the ?gemv path, every transpose.
    ((1, 5), (5, 7), False, False), ((5, 1), (5, 7), True, False),
    ((1, 5), (7, 5), False, True), ((5, 1), (7, 5), True, True),
    ((4, 5), (5, 1), False, False), ((5, 4), (5, 1), True, False),
    ((4, 5), (1, 5), False, True), ((5, 4), (1, 5), True, True),
    ((3, 1, 6), (6, 1), False, False),          # a batch of vector products
]


@pytest.mark.parametrize("a_shape,b_shape,ta,tb", CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_matmul_matches_numpy(a_shape, b_shape, ta, tb, dtype):
    rng = np.random.default_rng(len(a_shape) * 7 + a_shape[-1])
    a, b = random_array(a_shape, dtype, rng, scale=1.0, lo=-20,
                        hi=19), random_array(b_shape, dtype, rng, scale=1.0, lo=-20, hi=19)
    got = evaluate(lambda x, y: tf.matmul(x, y, transpose_a=ta, transpose_b=tb), a, b, unknown=True)
    aa = np.swapaxes(a, -1, -2) if ta else a
    bb = np.swapaxes(b, -1, -2) if tb else b
    want = np.matmul(aa.astype(np.float64), bb.astype(np.float64))
    assert got.dtype == dtype and got.shape == want.shape
    if np.dtype(dtype).kind == "f":
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * max(1, a_shape[-1]))
    else:
        np.testing.assert_array_equal(got, want.astype(dtype))


def test_adjoint_is_transpose_for_real_types():
    rng = np.random.default_rng(1)
    a, b = random_array((4, 3), np.float32, rng, scale=1.0, lo=-20,
                        hi=19), random_array((5, 4), np.float32, rng, scale=1.0, lo=-20, hi=19)
    got = evaluate(lambda x, y: tf.linalg.matmul(x, y, adjoint_a=True, adjoint_b=True), a, b,
                   unknown=True)
    np.testing.assert_allclose(got, a.T @ b.T, rtol=1e-5)


def test_matmul_operator_and_variables():
    rng = np.random.default_rng(2)
    a, w = random_array((2, 3), np.float64, rng, scale=1.0, lo=-20,
                        hi=19), random_array((3, 2), np.float64, rng, scale=1.0, lo=-20, hi=19)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float64, [None, 3])
        v = tf.Variable(w)
        y = x @ v
        z = [[1.0, 2.0], [0.0, 1.0]] @ x  # a list has no @: Tensor.__rmatmul__
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(y, {x: a}), a @ w)
            np.testing.assert_allclose(sess.run(z, {x: a}), np.array([[1, 2], [0, 1]]) @ a)
    assert y.op.type == "MatMul"


def test_matmul_of_constants_folds_to_the_same_numbers():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.arange(8, dtype=np.float32).reshape(4, 2)
    with tf.Graph().as_default(), tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.matmul(a, b)), a @ b)


def test_static_shapes():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [None, 3, 4])
        b = tf.placeholder(tf.float32, [4, None])
        assert tf.matmul(a, b).shape.as_list() == [None, 3, None]
        c = tf.placeholder(tf.float32, [7, 1, 3, 4])
        assert tf.matmul(c, a, transpose_b=True).shape.as_list() == [7, None, 3, 3]
        assert tf.matmul(tf.placeholder(tf.float32), b).shape.rank is None


@pytest.mark.parametrize("a_shape,b_shape", [((2, 3), (4, 5)), ((2, 3, 4), (2, 5, 6)),
                                             ((2, 3, 4), (3, 4, 5))])
def test_incompatible_shapes_raise_value_error(a_shape, b_shape):
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            tf.matmul(tf.placeholder(tf.float32, a_shape), tf.placeholder(tf.float32, b_shape))


def test_rank_one_raises_value_error():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="rank"):
            tf.matmul(tf.placeholder(tf.float32, [3]), tf.placeholder(tf.float32, [3, 2]))


def test_shape_mismatch_at_run_time_is_invalid_argument():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [None, None])
        b = tf.placeholder(tf.float32, [None, None])
        y = tf.matmul(a, b)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {a: np.ones((2, 3)), b: np.ones((4, 2))})
            np.testing.assert_array_equal(sess.run(y, {a: np.ones((2, 3)), b: np.ones((3, 2))}),
                                          np.full((2, 2), 3.0))


def test_wrong_dtypes_raise_type_error():
    with tf.Graph().as_default():
        with pytest.raises(TypeError):
            tf.matmul(tf.placeholder(tf.float32, [2, 2]), tf.placeholder(tf.float64, [2, 2]))
        with pytest.raises(TypeError):
            tf.matmul(tf.placeholder(tf.bool, [2, 2]), tf.placeholder(tf.bool, [2, 2]))
        with pytest.raises(ValueError):
            tf.matmul(tf.placeholder(tf.float32, [2, 2]), tf.placeholder(tf.float32, [2, 2]),
                      transpose_a=True, adjoint_a=True)


def test_large_product_in_a_session_twice():
    rng = np.random.default_rng(5)
    a, b = random_array((128, 784), np.float32, rng, scale=1.0, lo=-20,
                        hi=19), random_array((784, 512), np.float32, rng, scale=1.0, lo=-20, hi=19)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.nn.relu(tf.matmul(x, tf.constant(b)))
        with tf.Session() as sess:
            first = sess.run(y, {x: a})
            second = sess.run(y, {x: a[:3]})
    want = np.maximum(a.astype(np.float64) @ b, 0)
    np.testing.assert_allclose(first, want, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(second, want[:3], rtol=1e-4, atol=1e-3)


# A matmul by a constant runs as fastgraph's packed GEMM (test_gemm_packed.py).
_GEMMS = ("matmul", "conv2d_packed")


def _kernels(fetches, feeds):
    from fastgraph.compiler.plan import compile_plan
    plan = compile_plan(fetches, [], feeds)
    # (kernel, [epilogue flags]): a GEMM step's epilogue is its last iattr.
    return [(st.kernel, [st.iattrs[-1]] if st.kernel in _GEMMS and st.iattrs[-1] else [])
            for st in plan.steps]


def test_bias_and_relu_run_inside_the_gemm_step():
    """The compiler folds `relu(x @ w + b)` into one GEMM step with an
    epilogue (the packed GEMM's, w being a constant); the numbers are those
    of the three separate ops."""
    rng = np.random.default_rng(9)
    x = rng.normal(size=(70, 30)).astype(np.float32)
    w = rng.normal(size=(30, 20)).astype(np.float32)
    b = rng.normal(size=20).astype(np.float32)
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float32, [None, 30])
        h = tf.matmul(px, w)
        fused = tf.nn.relu(h + b)
        biased = tf.nn.bias_add(tf.matmul(px, w * 2), b)
        relu_only = tf.nn.relu(tf.matmul(px, -w))
        assert _kernels([fused], {px: ((70, 30), tf.float32)}) == [("conv2d_packed", [3])]
        assert _kernels([biased], {px: ((70, 30), tf.float32)}) == [("conv2d_packed", [1])]
        assert _kernels([relu_only], {px: ((70, 30), tf.float32)}) == [("conv2d_packed", [2])]
        # Fetching the product itself keeps it: no epilogue.
        assert [k for k, _ in _kernels([h, fused], {px: ((70, 30), tf.float32)})] != \
            ["conv2d_packed"]
        with tf.Session() as sess:
            got = sess.run([fused, biased, relu_only, h], {px: x})
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(got[0], np.maximum(x64 @ w + b, 0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[1], x64 @ (w * 2) + b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[2], np.maximum(x64 @ -w, 0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[3], x64 @ w, rtol=1e-5, atol=1e-5)


def test_bias_not_along_the_last_dim_is_not_folded():
    rng = np.random.default_rng(10)
    x = rng.normal(size=(4, 3)).astype(np.float32)
    w = rng.normal(size=(3, 4)).astype(np.float32)
    col = rng.normal(size=(4, 1)).astype(np.float32)
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float32, [4, 3])
        y = tf.matmul(px, w) + col  # broadcast along rows, not a bias
        assert [f for _, f in _kernels([y], {px: ((4, 3), tf.float32)})][0] in (None, [])
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(y, {px: x}), x @ w + col, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.int32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("m,n", [(64, 1030), (1030, 64)], ids=str)
def test_shares_split_columns_or_rows(m, n, dtype):
    """Big products run in shares: columns of B when n > m, rows of A
    otherwise, with the bias/relu epilogue on each share's block."""
    from fastgraph.compiler.plan import compile_plan
    rng = np.random.default_rng(12)
    a, w = random_array((m, 37), dtype, rng, scale=1.0, lo=-20,
                        hi=19), random_array((37, n), dtype, rng, scale=1.0, lo=-20, hi=19)
    b = random_array((n,), dtype, rng, scale=1.0, lo=-20, hi=19)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.as_dtype(dtype), [None, 37])
        # B fed: a constant one would run as the packed GEMM (test_gemm_packed.py).
        pw = tf.placeholder(tf.as_dtype(dtype), [37, n])
        y = tf.matmul(x, pw) + b
        if dtype == np.float32:
            y = tf.nn.relu(y)
        step = compile_plan([y], [], {x: ((m, 37), tf.as_dtype(dtype)),
                                      pw: ((37, n), tf.as_dtype(dtype))}, threads=4).steps[0]
        assert step.kernel == "matmul" and step.nparts >= 2 and step.iattrs[5] == int(n > m)
        with tf.Session() as sess:
            got = sess.run(y, {x: a, pw: w})
    want = a.astype(np.float64) @ w + b
    if dtype == np.float32:
        np.testing.assert_allclose(got, np.maximum(want, 0), rtol=1e-5, atol=1e-4)
    else:
        np.testing.assert_array_equal(got, want.astype(dtype))


def test_batch_one_product_splits_the_columns():
    """x @ W for one row and a wide W: the work (m n k), not the output size,
    gives it shares, and each share multiplies by its own columns."""
    from fastgraph.compiler.plan import compile_plan
    rng = np.random.default_rng(13)
    x, w = random_array((1, 512), np.float32, rng, scale=1.0, lo=-20,
                        hi=19), random_array((512, 4096), np.float32, rng, scale=1.0, lo=-20, hi=19)
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float32, [None, 512])
        y = tf.matmul(px, w)
        step = compile_plan([y], [], {px: ((1, 512), tf.float32)}, threads=2).steps[0]
        assert step.nparts == 2 and step.iattrs[5] == 1
        with tf.Session() as sess:
            got = sess.run(y, {px: x})
    np.testing.assert_allclose(got, x.astype(np.float64) @ w, rtol=1e-4, atol=1e-3)
