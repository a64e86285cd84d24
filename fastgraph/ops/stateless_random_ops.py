"""Stateless random ops: the same Philox streams as the stateful ops, keyed
by a seed tensor instead of a session's counter, so one seed gives the same
numbers in every run and every session (`tf.random.stateless_uniform`, ...).

TF 2.21 builds them in two steps: StatelessRandomGetKeyCounter scrambles the
seed pair into a Philox key and counter (one Philox block of the two seeds,
as a 128-bit counter, under a fixed key), and the V2 ops (StatelessRandom-
UniformV2, ...) draw from that key and counter as the stateful ops draw from
(seed, seed2). The V1 ops (StatelessRandomUniform, ...) take the seed
themselves and draw the same numbers; fastgraph reads them from GraphDefs
and writes them back. The key and counter are TF's uint64 words, held here
as int64 tensors of the same bits (fastgraph has no uint64 type), which is
what a GraphDef carries anyway: the edges, not their type.

They are host ops (`OpDef.host`, see staged_run.py): rare in graphs, and
each is one vectorised NumPy draw of the generator in random_ops.
StatelessMultinomial draws TF's multinomial (SimplePhilox doubles against
the cumulative exp(logits - max)) as TF's kernel does when it runs the
batch in one shard (small batches: TF splits big ones across threads, and
each thread restarts the stream at its first row).
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import FLOATS
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .array_ops import stack
from .elementwise import add, multiply, subtract
from .random_ops import _random_shape, _shape_tensor, philox_blocks, sample, unit_doubles

__all__ = []
RANDOM = ["stateless_uniform", "stateless_normal", "stateless_truncated_normal",
          "stateless_categorical", "stateless_multinomial", "fold_in", "split"]
# `tf.random.experimental`'s names.
RANDOM_EXPERIMENTAL = ["stateless_fold_in", "stateless_split"]

_SEED_TYPES = (dtypes.int32, dtypes.int64)
_SHAPE_TYPES = (dtypes.int32, dtypes.int64)
_INTS = (dtypes.int32, dtypes.int64)
_UNIFORM_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
# The key of the one Philox block that scrambles a seed (TF's GenerateKey).
_SCRAMBLE_KEY = (0x02461E29 << 32) | 0x3EC8F720
PHILOX, THREEFRY, AUTO_SELECT = 1, 2, 3


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def key_counter(seed):
    """TF's GenerateKey: the Philox key (a 64-bit int) and counter (low,
    high 64-bit halves) that a seed pair (int32 or int64 values) draws from."""
    seed = np.asarray(seed).reshape(-1)
    if seed.shape != (2,):
        raise _invalid(f"seed must have shape [2], not {_fmt(np.shape(seed))}")
    s0, s1 = (int(v) % 2**64 for v in seed)
    mix = [int(w) for w in philox_blocks(_SCRAMBLE_KEY, (s0, s1), [0])[0]]
    return mix[0] | (mix[1] << 32), (0, mix[2] | (mix[3] << 32))


def _as_int64(words):
    return np.array([w % 2**64 for w in words], dtype=np.uint64).view(np.int64)


def _read_key_counter(key, counter, alg):
    alg = int(np.asarray(alg))
    if alg not in (PHILOX, AUTO_SELECT):
        raise _invalid(f"Unsupported algorithm id: {alg}")
    key = np.asarray(key).reshape(-1)
    counter = np.asarray(counter).reshape(-1)
    if key.size != 1:
        raise _invalid(f"key must have shape [1], not {_fmt(np.shape(key))}. (Note that "
                       "batched keys are not supported yet.)")
    if counter.size < 2:
        raise _invalid(f"The size of the counter {counter.size} is too small for the Philox "
                       "algorithm, which needs 2")
    words = counter.astype(np.int64).view(np.uint64)
    return int(key.astype(np.int64).view(np.uint64)[0]), (int(words[0]), int(words[1]))


def _shape_of(value):
    dims = [int(d) for d in np.asarray(value).reshape(-1)]
    if any(d < 0 for d in dims):
        raise _invalid(f"Dimension {min(dims)} must be >= 0")
    return dims


# ---- the registry -------------------------------------------------------------


def _key_counter_reference(inputs, attrs):
    key, counter = key_counter(inputs[0])
    return [_as_int64([key]), _as_int64(counter)]


def _seed_shape(ctx, i):
    spec = ctx.shapes[i]
    if spec is not None:
        if len(spec) != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {len(spec)}")
        if spec[0] is not None and spec[0] != 2:
            raise ValueError(f"Dimension must be 2 but is {spec[0]}")


def _key_counter_shape(ctx):
    _seed_shape(ctx, 0)
    return [(1,), (2,)]


def _seed_samples(dtype):
    for seed in ([1, 2], [-7, 2**31 - 1], [0, 0]):
        yield [np.array(seed, dtype.np_dtype)], {}
    if dtype is dtypes.int64:
        yield [np.array([2**40 + 3, -2**62], np.int64)], {}


def _host(reference):
    return lambda ctx, op, values: reference(values, op.attrs)


register(OpDef("StatelessRandomGetKeyCounter", shape=_key_counter_shape,
               dtype=lambda ctx: [dtypes.int64, dtypes.int64],
               reference=_key_counter_reference, host=_host(_key_counter_reference),
               dtypes=[Accepts("seed", _SEED_TYPES)], samples=_seed_samples,
               graphdef=NodeMapping(("seed",), [TypeAttr("Tseed", input=0)])))


def _v2_shape(ctx):
    return _random_shape(ctx)


def _dtype_attr(ctx):
    return [ctx.attrs["dtype"]]


def _float_v2(kind):
    def reference(inputs, attrs):
        key, counter = _read_key_counter(inputs[1], inputs[2], inputs[3])
        return [sample(kind, _shape_of(inputs[0]), attrs["dtype"], key, counter[1],
                       start=counter[0])]
    return reference


def _float_v1(kind):
    def reference(inputs, attrs):
        key, counter = key_counter(inputs[1])
        return [sample(kind, _shape_of(inputs[0]), attrs["dtype"], key, counter[1],
                       start=counter[0])]
    return reference


def _int_v2_reference(inputs, attrs):
    key, counter = _read_key_counter(inputs[1], inputs[2], inputs[3])
    return [_draw_int(inputs[0], inputs[4], inputs[5], key, counter)]


def _int_v1_reference(inputs, attrs):
    key, counter = key_counter(inputs[1])
    return [_draw_int(inputs[0], inputs[2], inputs[3], key, counter)]


def _draw_int(shape, minval, maxval, key, counter):
    for arg, v in (("minval", minval), ("maxval", maxval)):
        if np.ndim(v):
            raise _invalid(f"{arg} must be 0-D, got shape {_fmt(np.shape(v))}")
    dims = _shape_of(shape)
    lo, hi = int(minval), int(maxval)
    if int(np.prod(dims, dtype=np.int64)) and lo >= hi:
        raise _invalid(f"Need minval < maxval, got {lo} >= {hi}")
    return sample("uniform_int", dims, np.asarray(minval).dtype, key, counter[1],
                  minval=lo, maxval=max(hi, lo + 1), start=counter[0])


def _full_int_v2_reference(inputs, attrs):
    key, counter = _read_key_counter(inputs[1], inputs[2], inputs[3])
    return [sample("uniform_full_int", _shape_of(inputs[0]), attrs["dtype"], key, counter[1],
                   start=counter[0])]


def _full_int_v1_reference(inputs, attrs):
    key, counter = key_counter(inputs[1])
    return [sample("uniform_full_int", _shape_of(inputs[0]), attrs["dtype"], key, counter[1],
                   start=counter[0])]


_SHAPES = [(3, 4), (7,), (0,), (2, 3, 129)]


def _key_counter_of(seed):
    key, counter = key_counter(seed)
    return [samples.known(_as_int64([key])), samples.known(_as_int64(counter))]


def _v2_samples(dtype):
    for i, shape in enumerate(_SHAPES):
        yield [samples.known(shape, np.int32 if i % 2 else np.int64)] + _key_counter_of(
            [3 + i, 11]) + [samples.known(AUTO_SELECT if i % 2 else PHILOX, np.int32)], \
            {"dtype": dtype}


def _v1_samples(dtype):
    for i, shape in enumerate(_SHAPES):
        yield [samples.known(shape, np.int32), np.array([3 + i, -11], np.int64 if i % 2 else
                                                        np.int32)], {"dtype": dtype}


def _int_v2_samples(dtype):
    for i, (shape, lo, hi) in enumerate([((3, 4), 0, 10), ((130,), -5, 3), ((0,), 1, 2)]):
        yield [samples.known(shape, np.int32)] + _key_counter_of([5 + i, 2]) + [
            samples.known(AUTO_SELECT, np.int32), np.array(lo, dtype.np_dtype),
            np.array(hi, dtype.np_dtype)], {}


def _int_v1_samples(dtype):
    for i, (shape, lo, hi) in enumerate([((3, 4), 0, 10), ((130,), -5, 3), ((0,), 1, 2)]):
        yield [samples.known(shape, np.int32), np.array([5 + i, 2], np.int32),
               np.array(lo, dtype.np_dtype), np.array(hi, dtype.np_dtype)], {}


def _key_counter_unwritable(op):
    """TF's key and counter are uint64: fastgraph's int64 ones can be written
    only as the outputs of StatelessRandomGetKeyCounter, which TF types so."""
    for t in op.inputs[1:3]:
        if t.op.type != "StatelessRandomGetKeyCounter":
            return (f"its {'key' if t is op.inputs[1] else 'counter'} is not an output of "
                    "StatelessRandomGetKeyCounter: TF's are uint64, fastgraph's the same "
                    "bits as int64")
    return None


def _v2_mapping(extra=()):
    return NodeMapping(("shape", "key", "counter", "alg") + tuple(extra),
                       [Attr("dtype"), TypeAttr("Tshape", input=0)],
                       unwritable=_key_counter_unwritable)


def _v1_mapping(extra=()):
    return NodeMapping(("shape", "seed") + tuple(extra),
                       [Attr("dtype"), TypeAttr("T", input=0), TypeAttr("Tseed", input=1)])


def _v2_checked_shape(ctx):
    for i, (arg, rank) in enumerate((("key", 1), ("counter", 1), ("alg", 0)), start=1):
        spec = ctx.shapes[i]
        if spec is not None and len(spec) != rank:
            raise ValueError(f"Shape must be rank {rank} but is rank {len(spec)}")
    return _random_shape(ctx)


def _v1_checked_shape(ctx):
    _seed_shape(ctx, 1)
    return _random_shape(ctx)


def _int_scalar_shapes(ctx, first):
    for i, arg in ((first, "minval"), (first + 1, "maxval")):
        if ctx.shapes[i] is not None and len(ctx.shapes[i]) != 0:
            raise ValueError(f"Shape must be rank 0 but is rank {len(ctx.shapes[i])}")


def _int_v2_shape(ctx):
    _int_scalar_shapes(ctx, 4)
    return _v2_checked_shape(ctx)


def _int_v1_shape(ctx):
    _int_scalar_shapes(ctx, 2)
    return _v1_checked_shape(ctx)


def _int_dtype(first):
    def dtype(ctx):
        lo, hi = ctx.dtypes[first], ctx.dtypes[first + 1]
        if lo != hi:
            raise TypeError(f"Input 'maxval' has type {hi.name} that does not match type "
                            f"{lo.name} of argument 'minval'.")
        return [lo]
    return dtype


for _v2, _v1, _kind in (("StatelessRandomUniformV2", "StatelessRandomUniform", "uniform"),
                        ("StatelessRandomNormalV2", "StatelessRandomNormal", "normal"),
                        ("StatelessTruncatedNormalV2", "StatelessTruncatedNormal",
                         "truncated_normal")):
    register(OpDef(_v2, shape=_v2_checked_shape, dtype=_dtype_attr, reference=_float_v2(_kind),
                   host=_host(_float_v2(_kind)),
                   dtypes=[Accepts("dtype", FLOATS, attr="dtype"),
                           Accepts("shape", _SHAPE_TYPES)],
                   samples=_v2_samples, graphdef=_v2_mapping()))
    register(OpDef(_v1, shape=_v1_checked_shape, dtype=_dtype_attr, reference=_float_v1(_kind),
                   host=_host(_float_v1(_kind)),
                   dtypes=[Accepts("dtype", FLOATS, attr="dtype"),
                           Accepts("shape", _SHAPE_TYPES), Accepts("seed", _SEED_TYPES, 1)],
                   samples=_v1_samples, graphdef=_v1_mapping()))
    NotDifferentiable(_v2)
    NotDifferentiable(_v1)

register(OpDef("StatelessRandomUniformIntV2", shape=_int_v2_shape, dtype=_int_dtype(4),
               reference=_int_v2_reference, host=_host(_int_v2_reference),
               dtypes=[Accepts("minval", _INTS, input=4), Accepts("shape", _SHAPE_TYPES)],
               samples=_int_v2_samples,
               graphdef=NodeMapping(("shape", "key", "counter", "alg", "minval", "maxval"),
                                    [TypeAttr("dtype", input=4), TypeAttr("Tshape", input=0)],
                                    unwritable=_key_counter_unwritable)))
register(OpDef("StatelessRandomUniformInt", shape=_int_v1_shape, dtype=_int_dtype(2),
               reference=_int_v1_reference, host=_host(_int_v1_reference),
               dtypes=[Accepts("minval", _INTS, input=2), Accepts("shape", _SHAPE_TYPES),
                       Accepts("seed", _SEED_TYPES, 1)],
               samples=_int_v1_samples,
               graphdef=NodeMapping(("shape", "seed", "minval", "maxval"),
                                    [TypeAttr("dtype", input=2), TypeAttr("T", input=0),
                                     TypeAttr("Tseed", input=1)])))
register(OpDef("StatelessRandomUniformFullIntV2", shape=_v2_checked_shape, dtype=_dtype_attr,
               reference=_full_int_v2_reference, host=_host(_full_int_v2_reference),
               dtypes=[Accepts("dtype", _INTS, attr="dtype"), Accepts("shape", _SHAPE_TYPES)],
               samples=_v2_samples, graphdef=_v2_mapping()))
register(OpDef("StatelessRandomUniformFullInt", shape=_v1_checked_shape, dtype=_dtype_attr,
               reference=_full_int_v1_reference, host=_host(_full_int_v1_reference),
               dtypes=[Accepts("dtype", _INTS, attr="dtype"), Accepts("shape", _SHAPE_TYPES),
                       Accepts("seed", _SEED_TYPES, 1)],
               samples=_v1_samples, graphdef=_v1_mapping()))
for _t in ("StatelessRandomGetKeyCounter", "StatelessRandomUniformIntV2",
           "StatelessRandomUniformInt", "StatelessRandomUniformFullIntV2",
           "StatelessRandomUniformFullInt"):
    NotDifferentiable(_t)


# ---- multinomial --------------------------------------------------------------


def multinomial_draw(logits, num_samples, key, counter, start=0):
    """TF's CPU multinomial of `logits` [batch, classes] (one shard): row b's
    sample j is where SimplePhilox's double b * num_samples + j, scaled by
    the row's total, falls in the running sum of exp(logit - max) over the
    finite logits. The generator is `key` from counter (`start`, `counter`)
    on (low, high 64-bit halves, as random_ops.sample)."""
    logits = np.asarray(logits)
    batch, classes = logits.shape
    n = batch * num_samples
    words = philox_blocks(key, (start, counter), np.arange((2 * n + 3) // 4)).reshape(-1)
    u = unit_doubles(words[:2 * n]).reshape(batch, num_samples)
    finite = np.isfinite(logits)
    out = np.zeros((batch, num_samples), np.int64)
    for b in range(batch):
        row = logits[b]
        top = row[finite[b]].max() if finite[b].any() else np.finfo(row.dtype).min
        with np.errstate(over="ignore", invalid="ignore"):
            weights = np.exp(row.astype(np.float64) - float(top))
        cdf = np.cumsum(np.where(finite[b], weights, 0.0))
        out[b] = np.searchsorted(cdf, u[b] * cdf[-1], side="right")
    return out


def check_multinomial(logits, num_samples):
    """TF's run-time checks of a multinomial's inputs; the sample count."""
    logits = np.asarray(logits)
    if logits.ndim != 2:
        raise _invalid(f"logits should be a matrix, got shape {_fmt(logits.shape)}")
    if np.ndim(num_samples):
        raise _invalid(f"num_samples should be a scalar, got shape {_fmt(np.shape(num_samples))}")
    num_samples = int(num_samples)
    if num_samples < 0:
        raise _invalid(f"num_samples should be nonnegative, got {num_samples}")
    if logits.shape[1] <= 0 and logits.shape[0] > 0:
        raise _invalid(f"num_classes should be positive, got {logits.shape[1]}")
    return num_samples


def _stateless_multinomial_reference(inputs, attrs):
    logits, num_samples = inputs[0], check_multinomial(inputs[0], inputs[1])
    key, counter = key_counter(inputs[2])
    if logits.shape[0] == 0 or num_samples == 0:
        out = np.zeros((logits.shape[0], num_samples), np.int64)
    else:
        out = multinomial_draw(logits, num_samples, key, counter[1], counter[0])
    return [out.astype(attrs["output_dtype"].np_dtype)]


def multinomial_shape(ctx):
    """[batch, num_samples] of a (Stateless)Multinomial."""
    logits = ctx.shapes[0]
    if logits is not None and len(logits) != 2:
        raise ValueError(f"Shape must be rank 2 but is rank {len(logits)}")
    if ctx.shapes[1] is not None and len(ctx.shapes[1]) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {len(ctx.shapes[1])}")
    n = ctx.values[1]
    if n is not None and int(n) < 0:
        raise ValueError(f"num_samples should be nonnegative, got {int(n)}")
    return [(None if logits is None else logits[0], None if n is None else int(n))]


def _multinomial_samples(dtype):
    logits = [np.array([[0.0, 1.0, -2.0]], dtype.np_dtype),
              samples.values(dtype, (3, 5), 1),
              np.array([[0.0, -np.inf, 2.0, 1.0]], dtype.np_dtype)]
    for i, x in enumerate(logits):
        yield [x, samples.known(4 + i, np.int32), np.array([i, 7], np.int32)], \
            {"output_dtype": dtypes.int64 if i % 2 == 0 else dtypes.int32}


register(OpDef("StatelessMultinomial", shape=multinomial_shape,
               dtype=lambda ctx: [ctx.attrs["output_dtype"]],
               reference=_stateless_multinomial_reference,
               host=_host(_stateless_multinomial_reference),
               dtypes=[Accepts("logits", FLOATS), Accepts("seed", _SEED_TYPES, 2),
                       Accepts("output_dtype", _INTS, attr="output_dtype")],
               samples=_multinomial_samples,
               graphdef=NodeMapping(("logits", "num_samples", "seed"), [
                   TypeAttr("T", input=0), TypeAttr("Tseed", input=2),
                   Attr("output_dtype", default=dtypes.int64)])))
NotDifferentiable("StatelessMultinomial")


# ---- op functions -------------------------------------------------------------


def _key_counter_ops(graph, seed):
    with graph.name_scope("StatelessRandomGetKeyCounter") as scope:
        seed = to_tensor(graph, seed, name="seed")
        return make_op(graph, "StatelessRandomGetKeyCounter", [seed], {}, name=scope).outputs


def _alg_id(alg):
    if alg is None:
        return AUTO_SELECT
    if isinstance(alg, int):
        return alg
    if hasattr(alg, "value"):
        return int(alg.value)
    canon = str(alg).strip().lower().replace("-", "").replace("_", "")
    ids = {"philox": PHILOX, "threefry": THREEFRY, "autoselect": AUTO_SELECT}
    if canon not in ids:
        raise ValueError(f"Argument `alg` got unsupported value {alg}. Supported values are "
                         f"{PHILOX} for the Philox algorithm, {THREEFRY} for the ThreeFry "
                         f"algorithm, and {AUTO_SELECT} for auto-selection.")
    return ids[canon]


def _key_counter_alg(graph, seed, alg):
    alg = _alg_id(alg)
    # TF scrambles a Philox seed with graph ops of its own; the key and
    # counter are StatelessRandomGetKeyCounter's, which fastgraph uses.
    if alg == THREEFRY:
        raise ValueError("Argument `alg` got unsupported value threefry: fastgraph draws "
                         "Philox streams only")
    key, counter = _key_counter_ops(graph, seed)
    return key, counter, alg


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32,
                             name=None, alg="auto_select"):
    """Outputs deterministic pseudorandom values from a uniform distribution.

    This is a stateless version of `tf.random.uniform`: if run twice with the
    same seeds and shapes, it will produce the same pseudorandom numbers. The
    output is consistent across multiple runs on the same hardware (and between
    CPU and GPU), but may change between versions of TensorFlow or on non-CPU/GPU
    hardware.

    The generated values follow a uniform distribution in the range
    `[minval, maxval)`. The lower bound `minval` is included in the range, while
    the upper bound `maxval` is excluded.

    For floats, the default range is `[0, 1)`.  For ints, at least `maxval` must
    be specified explicitly.

    For full-range random integers, pass `minval=None` and `maxval=None` with an
    integer `dtype`.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      seed: A shape [2] Tensor, the seed to the random number generator. Must have
        dtype `int32` or `int64`.
      minval: A Tensor or Python value of type `dtype`, broadcastable with
        `shape` (for integer types, broadcasting is not supported, so it needs to
        be a scalar). The lower bound on the range of random values to
        generate. Pass `None` for full-range integers.  Defaults to 0.
      maxval: A Tensor or Python value of type `dtype`, broadcastable with
        `shape` (for integer types, broadcasting is not supported, so it needs to
        be a scalar). The upper bound on the range of random values to generate.
        Defaults to 1 if `dtype` is floating point. Pass `None` for full-range
        integers.
      dtype: The type of the output: `float32`, `float64`, `int32` or `int64`.
        For unbounded uniform ints use `minval=None` and `maxval=None`.
        Defaults to `float32`.
      name: A name for the operation (optional).
      alg: The RNG algorithm used to generate the random numbers: "philox" or
        "auto_select" (Philox on CPU).

    Returns:
      A tensor of the specified shape filled with random uniform values.

    Raises:
      ValueError: If `dtype` is integral and only one of `minval` or `maxval` is
        specified.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _UNIFORM_TYPES:
        accepted = ", ".join(repr(d) for d in _UNIFORM_TYPES)
        raise ValueError(f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
                         f"({accepted}).")
    if dtype.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(f"For integer `dtype` argument {dtype}, argument `minval` and "
                             f"`maxval` must be both None or not None. Got `minval`={minval} "
                             f"and `maxval`={maxval}.")
    elif maxval is None:
        maxval = 1
    graph = graph_of([shape, seed, minval, maxval])
    with graph.as_default(), graph.name_scope(name or "stateless_random_uniform") as scope:
        shape = _shape_tensor(graph, shape)
        if dtype.is_integer and minval is None:
            key, counter, alg = _key_counter_alg(graph, seed, alg)
            alg = to_tensor(graph, alg, dtype=dtypes.int32, name="alg")
            return make_op(graph, "StatelessRandomUniformFullIntV2", [shape, key, counter, alg],
                           {"dtype": dtype}, name=scope).outputs[0]
        minval = to_tensor(graph, minval, dtype=dtype, name="min")
        maxval = to_tensor(graph, maxval, dtype=dtype, name="max")
        key, counter, alg = _key_counter_alg(graph, seed, alg)
        if dtype.is_integer:
            alg = to_tensor(graph, alg, dtype=dtypes.int32, name="alg")
            return make_op(graph, "StatelessRandomUniformIntV2",
                           [shape, key, counter, alg, minval, maxval], {}, name=scope).outputs[0]
        with graph.name_scope("StatelessRandomUniformV2") as op_scope:
            alg = to_tensor(graph, alg, dtype=dtypes.int32, name="alg")
            rnd = make_op(graph, "StatelessRandomUniformV2", [shape, key, counter, alg],
                          {"dtype": dtype}, name=op_scope).outputs[0]
        return add(multiply(rnd, subtract(maxval, minval, name="sub"), name="mul"), minval,
                   name=scope)


def _stateless_scaled(op_type, default_name, shape, seed, mean, stddev, dtype, name, alg):
    dtype = dtypes.as_dtype(dtype)
    graph = graph_of([shape, seed, mean, stddev])
    with graph.as_default(), graph.name_scope(name or default_name) as scope:
        shape = _shape_tensor(graph, shape)
        mean = to_tensor(graph, mean, dtype=dtype, name="mean")
        stddev = to_tensor(graph, stddev, dtype=dtype, name="stddev")
        key, counter, alg = _key_counter_alg(graph, seed, alg)
        with graph.name_scope(op_type) as op_scope:
            alg = to_tensor(graph, alg, dtype=dtypes.int32, name="alg")
            rnd = make_op(graph, op_type, [shape, key, counter, alg], {"dtype": dtype},
                          name=op_scope).outputs[0]
        return add(multiply(rnd, stddev, name="mul"), mean, name=scope)


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None,
                            alg="auto_select"):
    """Outputs deterministic pseudorandom values from a normal distribution.

    This is a stateless version of `tf.random.normal`: if run twice with the
    same seeds and shapes, it will produce the same pseudorandom numbers.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      seed: A shape [2] Tensor, the seed to the random number generator. Must have
        dtype `int32` or `int64`.
      mean: A 0-D Tensor or Python value of type `dtype`. The mean of the normal
        distribution.
      stddev: A 0-D Tensor or Python value of type `dtype`. The standard deviation
        of the normal distribution.
      dtype: The float type of the output: `float32`, `float64`. Defaults to
        `float32`.
      name: A name for the operation (optional).
      alg: The RNG algorithm used to generate the random numbers.

    Returns:
      A tensor of the specified shape filled with random normal values.
    """
    return _stateless_scaled("StatelessRandomNormalV2", "stateless_random_normal", shape, seed,
                             mean, stddev, dtype, name, alg)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None, alg="auto_select"):
    """Outputs deterministic pseudorandom values, truncated normally distributed.

    This is a stateless version of `tf.random.truncated_normal`: if run twice
    with the same seeds and shapes, it will produce the same pseudorandom
    numbers.

    The generated values follow a normal distribution with specified mean and
    standard deviation, except that values whose magnitude is more than 2
    standard deviations from the mean are dropped and re-picked.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      seed: A shape [2] Tensor, the seed to the random number generator. Must have
        dtype `int32` or `int64`.
      mean: A 0-D Tensor or Python value of type `dtype`. The mean of the
        truncated normal distribution.
      stddev: A 0-D Tensor or Python value of type `dtype`. The standard deviation
        of the normal distribution, before truncation.
      dtype: The type of the output.
      name: A name for the operation (optional).
      alg: The RNG algorithm used to generate the random numbers.

    Returns:
      A tensor of the specified shape filled with random truncated normal values.
    """
    return _stateless_scaled("StatelessTruncatedNormalV2", "stateless_truncated_normal", shape,
                             seed, mean, stddev, dtype, name, alg)


def _stateless_multinomial(default_name, logits, num_samples, seed, dtype, name):
    dtype = dtypes.as_dtype(dtype) if dtype else dtypes.int64
    if dtype not in _INTS:
        raise ValueError(f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
                         f"({dtypes.int32!r}, {dtypes.int64!r}).")
    graph = graph_of([logits, num_samples, seed])
    with graph.as_default(), graph.name_scope(name or default_name):
        logits = to_tensor(graph, logits, name="logits")
        with graph.name_scope("StatelessMultinomial") as op_scope:
            num_samples = to_tensor(graph, num_samples, dtype=dtypes.int32, name="num_samples")
            seed = to_tensor(graph, seed, name="seed")
            return make_op(graph, "StatelessMultinomial", [logits, num_samples, seed],
                           {"output_dtype": dtype}, name=op_scope).outputs[0]


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None):
    """Draws deterministic pseudorandom samples from a categorical distribution.

    This is a stateless version of `tf.categorical`: if run twice with the
    same seeds and shapes, it will produce the same pseudorandom numbers.

    Args:
      logits: 2-D Tensor with shape `[batch_size, num_classes]`.  Each slice
        `[i, :]` represents the unnormalized log-probabilities for all classes.
      num_samples: 0-D.  Number of independent samples to draw for each row slice.
      seed: A shape [2] Tensor, the seed to the random number generator. Must have
        dtype `int32` or `int64`.
      dtype: The integer type of the output: `int32` or `int64`. Defaults to
        `int64`.
      name: Optional name for the operation.

    Returns:
      The drawn samples of shape `[batch_size, num_samples]`.
    """
    return _stateless_multinomial("stateless_categorical", logits, num_samples, seed, dtype,
                                  name)


def stateless_multinomial(logits, num_samples, seed, output_dtype=dtypes.int64, name=None):
    """Draws deterministic pseudorandom samples from a multinomial distribution.

    This is a stateless version of `tf.random.categorical`: if run twice with the
    same seeds and shapes, it will produce the same pseudorandom numbers.

    Args:
      logits: 2-D Tensor with shape `[batch_size, num_classes]`.  Each slice
        `[i, :]` represents the unnormalized log-probabilities for all classes.
      num_samples: 0-D.  Number of independent samples to draw for each row slice.
      seed: A shape [2] Tensor, the seed to the random number generator. Must have
        dtype `int32` or `int64`.
      output_dtype: The integer type of the output: `int32` or `int64`. Defaults
        to `int64`.
      name: Optional name for the operation.

    Returns:
      The drawn samples of shape `[batch_size, num_samples]`.
    """
    return _stateless_multinomial("stateless_multinomial", logits, num_samples, seed,
                                  output_dtype, name)


def stateless_split(seed, num=2, alg="auto_select"):
    """Splits an RNG seed into `num` new seeds by adding a leading axis.

    Args:
      seed: an RNG seed (a tensor with shape [2] and dtype `int32` or `int64`).
      num: optional, a positive integer or scalar tensor indicating the number of
        seeds to produce (default 2).
      alg: The RNG algorithm used to generate the random numbers.

    Returns:
      A tensor with shape [num, 2] representing `num` new seeds. It will have the
      same dtype as `seed` (if `seed` doesn't have an explicit dtype, the dtype
      will be determined by `tf.convert_to_tensor`).
    """
    graph = graph_of([seed, num])
    with graph.as_default():
        seed = to_tensor(graph, seed)
        return stateless_random_uniform([num, 2], seed, dtype=seed.dtype, minval=None,
                                        maxval=None, alg=alg)


def stateless_fold_in(seed, data, alg="auto_select"):
    """Folds in data to an RNG seed to form a new RNG seed.

    Args:
      seed: an RNG seed (a tensor with shape [2] and dtype `int32` or `int64`).
      data: an `int32` or `int64` scalar representing data to be folded in to the
        seed.
      alg: The RNG algorithm used to generate the random numbers.

    Returns:
      A new RNG seed that is a deterministic function of the inputs and is
      statistically safe for producing a stream of new pseudo-random values. It
      will have the same dtype as `data` (if `data` doesn't have an explicit
      dtype, the dtype will be determined by `tf.convert_to_tensor`).
    """
    graph = graph_of([seed, data])
    with graph.as_default():
        data = to_tensor(graph, data)
        seed1 = stateless_random_uniform([], seed, dtype=data.dtype, minval=None, maxval=None,
                                         alg=alg)
        return stack([seed1, data])


stateless_uniform = stateless_random_uniform
stateless_normal = stateless_random_normal
fold_in = stateless_fold_in
split = stateless_split
