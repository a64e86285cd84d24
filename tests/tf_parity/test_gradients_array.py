"""`tf.gradients` through the array, indexing, image and sort ops against
TensorFlow's, over placeholders with unknown dims (the training case), with
random output weights (grad_ys). TensorFlow's gather gradients are
IndexedSlices; both sides are converted to dense tensors."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, run_both, run_in

RNG = np.random.default_rng(11)


def _n(*shape):
    return RNG.normal(size=shape)


def _grads(fn, arrays, weights):
    """A build: the gradients of fn(api, *placeholders) with respect to its
    float placeholders, weighted by `weights` (grad_ys)."""
    def build(api, phs):
        y = fn(api, *phs)
        xs = [p for p, a in zip(phs, arrays) if a.dtype.kind == "f"]
        return [api.convert_to_tensor(g) for g in
                api.compat.v1.gradients(y, xs, grad_ys=api.constant(weights, y.dtype))]
    return build


CASES = {
    "concat": (lambda api, x, y: api.concat([x, y], 1), [_n(3, 2), _n(3, 4)]),
    "stack": (lambda api, x, y: api.stack([x, y], 2), [_n(3, 2), _n(3, 2)]),
    "unstack": (lambda api, x: api.stack(api.unstack(x, num=3, axis=1)[::-1]), [_n(2, 3)]),
    "split": (lambda api, x: api.concat(api.split(x, [1, 3], axis=1)[::-1], 1), [_n(2, 4)]),
    "transpose": (lambda api, x: api.transpose(x, [2, 0, 1]), [_n(2, 3, 4)]),
    "tile": (lambda api, x: api.tile(x, [2, 3]), [_n(2, 3)]),
    "reverse": (lambda api, x: api.reverse(x, [0, 1]), [_n(2, 3)]),
    "slice": (lambda api, x: api.slice(x, [1, 0], [2, -1]), [_n(4, 3)]),
    "strided": (lambda api, x: x[::-2, 1:], [_n(5, 3)]),
    "strided_masks": (lambda api, x: x[1, ..., None, ::2], [_n(3, 4, 5)]),
    "reshape": (lambda api, x: api.reshape(x, [-1, 2]), [_n(3, 4)]),
    "expand_squeeze": (lambda api, x: api.squeeze(api.expand_dims(x, 0), [0]), [_n(3, 4)]),
    "pad": (lambda api, x: api.pad(x, [[1, 0], [2, 3]]), [_n(3, 4)]),
    "reflect": (lambda api, x: api.pad(x, [[1, 2], [2, 3]], mode="REFLECT"), [_n(3, 4)]),
    "symmetric": (lambda api, x: api.pad(x, [[3, 0], [1, 4]], mode="SYMMETRIC"), [_n(3, 4)]),
    "broadcast_to": (lambda api, x: api.broadcast_to(x, [2, 3, 4]), [_n(3, 1)]),
    "crop": (lambda api, x: api.image.crop_to_bounding_box(x, 1, 2, 3, 3), [_n(2, 5, 6, 2)]),
    "pad_to_box": (lambda api, x: api.image.pad_to_bounding_box(x, 1, 2, 5, 6),
                   [_n(3, 3, 2)]),
    "gather": (lambda api, x, i: api.gather(x, i), [_n(5, 3), np.array([4, 0, 4, 4, 1])]),
    "gather_axis": (lambda api, x, i: api.gather(x, i, axis=1),
                    [_n(2, 4, 3), np.array([[3, 3], [0, 1]])]),
    "gather_nd": (lambda api, x, i: api.gather_nd(x, i),
                  [_n(4, 3, 2), np.array([[3, 1], [0, 2], [3, 1]])]),
    "segment_sum": (lambda api, x, i: api.math.unsorted_segment_sum(x, i, 4),
                    [_n(5, 2), np.array([3, -1, 0, 3, 1])]),
    "scatter_nd": (lambda api, u, i: api.scatter_nd(i, u, [4, 2]),
                   [_n(3, 2), np.array([[1], [3], [1]])]),
    "top_k": (lambda api, x: api.math.top_k(x, 3).values, [_n(4, 6)]),
    "sort": (lambda api, x: api.sort(x, axis=0, direction="DESCENDING"), [_n(4, 3)]),
    "bilinear": (lambda api, x: api.compat.v1.image.resize_bilinear(x, [5, 7]),
                 [_n(2, 3, 4, 2)]),
    "bilinear_half": (lambda api, x: api.compat.v1.image.resize_bilinear(
        x, [2, 3], half_pixel_centers=True), [_n(1, 5, 6, 2)]),
    "bilinear_corners": (lambda api, x: api.compat.v1.image.resize_bilinear(
        x, [5, 7], align_corners=True), [_n(1, 3, 4, 1)]),
    "nearest": (lambda api, x: api.compat.v1.image.resize_nearest_neighbor(x, [5, 7]),
                [_n(2, 3, 4, 2)]),
    "nearest_half": (lambda api, x: api.compat.v1.image.resize_nearest_neighbor(
        x, [2, 3], half_pixel_centers=True), [_n(1, 5, 6, 2)]),
    "flip": (lambda api, x: api.image.flip_left_right(api.image.flip_up_down(x)),
             [_n(2, 3, 4, 2)]),
    "standardize": (lambda api, x: api.image.per_image_standardization(x),
                    [_n(2, 3, 4, 2).astype(np.float32)]),
    "fill": (lambda api, x: api.fill([2, 3], x), [_n()]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_tensorflow(name):
    fn, arrays = CASES[name]
    out = run_in(fg, lambda api, phs: fn(api, *phs), arrays)
    weights = RNG.normal(size=np.shape(out))
    ours, theirs = run_both(_grads(fn, arrays, weights), arrays)
    assert_same(ours, theirs)


def test_stop_gradient_stops_as_in_tensorflow():
    def build(api, phs):
        x, = phs
        y = api.concat([api.stop_gradient(x), x], 0)
        return api.compat.v1.gradients(y, [x], grad_ys=api.constant(np.arange(12.0).reshape(
            6, 2)))

    ours, theirs = run_both(build, [_n(3, 2)])
    assert_same(ours, theirs)
