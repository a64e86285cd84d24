"""Random ops (uniform, normal, truncated normal, integer uniform) and TF1's
graph-level and op-level seeds.

Each op draws what TF's kernel draws: Philox4x32-10 keyed by its seed, its
counter starting at seed2 and kept per session in the op's state words, so
every `Session.run` of the op draws new numbers, two sessions on one graph
with the same seeds draw the same sequence, seeded TF1 programs get TF's
numbers, and an op with neither a graph nor an op seed draws a sequence of
its own in every session. Each group of outputs comes from its own counter
offset (see csrc/kernels/random.c), so a step split across threads draws the
same values as one share. `sample` is the same generator in NumPy: the ops'
reference and the tests' oracle."""

import collections
import math
import secrets

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import FLOATS
from ..framework.graph import get_default_graph
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
from ..framework.tensor_shape import Dimension, TensorShape, debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .elementwise import add, multiply, subtract

__all__ = ["random_uniform", "random_normal", "truncated_normal", "set_random_seed", "get_seed"]
RANDOM = ["uniform", "normal", "truncated_normal", "set_seed", "set_random_seed", "get_seed",
          "uniform_candidate_sampler", "log_uniform_candidate_sampler"]
NN = ["uniform_candidate_sampler", "log_uniform_candidate_sampler"]

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1

_INTS = (dtypes.int32, dtypes.int64)
_SHAPE_TYPES = (dtypes.int32, dtypes.int64)
_UNIFORM_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)

# ---- seeds --------------------------------------------------------------------


def _truncate_seed(seed):
    return seed % _MAXINT32  # Truncate to fit into 32-bit integer


def get_seed(op_seed):
    """Returns the local seeds an operation should use given an op-specific seed.

    Given operation-specific seed, `op_seed`, this helper function returns two
    seeds derived from graph-level and op-level seeds. Many random operations
    internally use the two seeds to allow user to change the seed globally for a
    graph, or for only specific operations.

    Returns a tuple of two integers (or `(None, None)`: no seed at all).
    """
    graph = get_default_graph()
    global_seed = graph.seed
    if global_seed is not None:
        if op_seed is None:
            # TF counts the ops that took their seed from the graph, from 0.
            op_seed = graph._next_op_seed() - 1
        seeds = _truncate_seed(global_seed), _truncate_seed(op_seed)
    elif op_seed is not None:
        seeds = DEFAULT_GRAPH_SEED, _truncate_seed(op_seed)
    else:
        seeds = None, None
    # Avoid (0, 0) as the C++ ops interpret it as nondeterminism, which would
    # be unexpected since Python docs say nondeterminism is (None, None).
    if seeds == (0, 0):
        return (0, _MAXINT32)
    return seeds


def set_random_seed(seed):
    """Sets the graph-level random seed for the default graph.

    Operations that rely on a random seed actually derive it from two seeds:
    the graph-level and operation-level seeds. This sets the graph-level seed.

    1. If neither the graph-level nor the operation seed is set: a random seed
       is used for this op (a new sequence in every session).
    2. If the graph-level seed is set, but the operation seed is not: the
       system deterministically picks an operation seed in conjunction with the
       graph-level seed so that it gets a unique random sequence.
    3. If the graph-level seed is not set, but the operation seed is set: a
       default graph-level seed and the specified operation seed are used to
       determine the random sequence.
    4. If both the graph-level and the operation seed are set: both seeds are
       used in conjunction to determine the random sequence.
    """
    get_default_graph().seed = seed


def set_seed(seed):
    """Sets the global random seed (in graph mode: the default graph's seed,
    as `set_random_seed`)."""
    set_random_seed(seed)


# ---- the generator in NumPy ---------------------------------------------------

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
_LO32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def philox4x32_10(ctr, key):
    """Philox4x32-10 of the counter words `ctr` (4 arrays of uint32 values)
    under `key` (2 arrays or ints): the 4 output words as uint64 arrays."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in ctr)
    k0, k1 = (np.asarray(k, dtype=np.uint64) for k in key)
    for r in range(10):
        if r:
            k0 = (k0 + _W0) & _LO32
            k1 = (k1 + _W1) & _LO32
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = (p1 >> _S32) ^ c1 ^ k0, p1 & _LO32, (p0 >> _S32) ^ c3 ^ k1, p0 & _LO32
    return c0, c1, c2, c3


_RESERVED_PER_OUTPUT = 256  # TF's ReserveRandomOutputs(n, 256)


def philox_blocks(key, counter, offsets):
    """TF's PhiloxRandom under the 64-bit `key` from the 128-bit counter
    `counter` (low, high 64-bit halves) on, at the counter offsets
    `offsets` (the 128-bit sums, as TF's Skip carries): a (len(offsets), 4)
    uint32 array."""
    off = np.asarray(offsets, dtype=np.uint64)
    lo0, hi0 = int(counter[0]) % 2**64, int(counter[1]) % 2**64
    with np.errstate(over="ignore"):
        lo = off + np.uint64(lo0)
        hi = np.full_like(off, np.uint64(hi0)) + (lo < off).astype(np.uint64)
    key = int(key) % 2**64
    ctr = (lo & _LO32, lo >> _S32, hi & _LO32, hi >> _S32)
    return np.stack(philox4x32_10(ctr, (key & 0xFFFFFFFF, key >> 32)), axis=-1).astype(np.uint32)


def philox_outputs(seed, seed2, offsets):
    """TF's PhiloxRandom(seed, seed2) at the counter offsets `offsets` (its
    counter starts at seed2 << 64): a (len(offsets), 4) uint32 array."""
    return philox_blocks(seed, (0, seed2), offsets)


def unit_doubles(words):
    """TF's Uint64ToDouble of consecutive word pairs of the flat uint32
    array `words` (SimplePhilox's RandDouble): doubles in [0, 1)."""
    words = np.asarray(words, dtype=np.uint32).reshape(-1)
    return _unit_f64(words[0::2], words[1::2])


def _unit_f32(x):
    """TF's Uint32ToFloat: the low 23 bits as the mantissa of [1, 2), less 1."""
    return ((x & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)


def _unit_f64(x0, x1):
    """TF's Uint64ToDouble: 20 bits of x0 and all of x1 as a mantissa, less 1."""
    man = ((x0.astype(np.uint64) & np.uint64(0xFFFFF)) << _S32) | x1.astype(np.uint64)
    return (man | np.uint64(1023 << 52)).view(np.float64) - 1.0


def _box_muller(words, np_dtype):
    """TF's BoxMullerFloat/Double over rows of words: (sin, cos) pairs."""
    if np_dtype == np.float32:
        u1 = np.maximum(_unit_f32(words[:, 0]), np.float32(1e-7))
        v1 = (2.0 * np.pi * _unit_f32(words[:, 1]).astype(np.float64)).astype(np.float32)
        r = np.sqrt(np.float32(-2) * np.log(u1))
    else:
        u1 = np.maximum(_unit_f64(words[:, 0], words[:, 1]), 1e-7)
        v1 = 2.0 * np.pi * _unit_f64(words[:, 2], words[:, 3])
        r = np.sqrt(-2.0 * np.log(u1))
    return np.stack([np.sin(v1) * r, np.cos(v1) * r], axis=-1)


_PER = {np.float32: 4, np.float64: 2, np.int32: 4, np.int64: 2}


def _truncated_group(seed, counter, start, per, np_dtype):
    """One truncated-normal group: normals from the words at counter offset
    `start` on, keeping the first `per` with |z| < 2 (0 past the stretch)."""
    words = philox_blocks(seed, counter, start + np.arange(per * 64)).reshape(-1)
    step = 2 if np_dtype == np.float32 else 4
    z = _box_muller(words.reshape(-1, step), np_dtype).reshape(-1)
    kept = z[(z < 2) & (z > -2)][:per]
    return np.concatenate([kept, np.zeros(per - len(kept), dtype=np_dtype)])


def sample(kind, shape, dtype, seed, seed2, run=0, minval=0, maxval=None, start=0):
    """What the kernel of `kind` ("uniform", "normal", "truncated_normal",
    "uniform_int", "uniform_full_int") writes in run `run` of a session
    (every run of the op before it of the same shape), in NumPy: TF's
    numbers for those seeds. The generator's counter starts at
    (`start`, `seed2`) (low, high 64 bits) and its key is `seed`, so a
    stateless op's key and counter draw as the stateful op's seeds."""
    np_dtype = np.dtype(dtypes.as_dtype(dtype).np_dtype).type
    shape = tuple(int(d) for d in shape)
    n = int(np.prod(shape, dtype=np.int64))
    per = _PER.get(np_dtype, 4 if np.dtype(np_dtype).itemsize == 4 else 2)
    groups = -(-n // per)
    base = run * n * _RESERVED_PER_OUTPUT
    counter = (start, seed2)
    if kind == "truncated_normal":
        out = np.concatenate([_truncated_group(seed, counter, base + g * per * 64, per, np_dtype)
                              for g in range(groups)] or [np.zeros(0, np_dtype)])
        return out[:n].astype(np_dtype).reshape(shape)
    x = philox_blocks(seed, counter, base + np.arange(groups))
    if kind == "uniform":
        out = (_unit_f32(x) if np_dtype == np.float32 else
               np.stack([_unit_f64(x[:, 0], x[:, 1]), _unit_f64(x[:, 2], x[:, 3])], axis=-1))
    elif kind == "normal":
        out = _box_muller(x.reshape(-1, 2) if np_dtype == np.float32 else x, np_dtype)
    elif kind == "uniform_full_int":
        if np.dtype(np_dtype).itemsize == 4:
            out = x.view(np_dtype)
        else:
            out = (x[:, 0::2].astype(np.uint64) | (x[:, 1::2].astype(np.uint64) << _S32)
                   ).view(np_dtype)
    elif kind == "uniform_int":
        lo, hi = int(minval), int(maxval)
        with np.errstate(over="ignore"):
            if np_dtype == np.int32:
                out = (np.uint32(lo % 2**32) + x % np.uint32((hi - lo) % 2**32)).view(np.int32)
            else:
                bits = x[:, 0::2].astype(np.uint64) | (x[:, 1::2].astype(np.uint64) << _S32)
                out = (np.uint64(lo % 2**64) + bits % np.uint64((hi - lo) % 2**64)).view(np.int64)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return out.astype(np_dtype).reshape(-1)[:n].reshape(shape)


# ---- registry -----------------------------------------------------------------


def _random_shape(ctx):
    spec = ctx.shapes[0]
    if spec is not None and len(spec) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(spec)}")
    value = ctx.values[0]
    if value is None:
        n = spec[0] if spec is not None else None
        return [None if n is None else (None,) * n]
    dims = []
    for d in np.asarray(value).reshape(-1).tolist():
        if d < -1:
            raise ValueError(f"Invalid value in tensor used for shape: {d}")
        if d == -1:
            # TF: unknown at build time, an error when the op runs.
            if ctx.op is not None:
                raise ValueError("Dimension -1 must be >= 0")
            d = None
        dims.append(d)
    return [tuple(dims)]


def _uniform_int_shape(ctx):
    for i, arg in ((1, "minval"), (2, "maxval")):
        if ctx.shapes[i] is not None and len(ctx.shapes[i]) != 0:
            raise ValueError(f"{arg} must be a scalar; got a tensor of shape "
                             f"{_fmt(ctx.shapes[i])}")
    return _random_shape(ctx)


def _float_dtype(ctx):
    return [ctx.attrs["dtype"]]


def _uniform_int_dtype(ctx):
    if ctx.dtypes[1] != ctx.dtypes[2]:
        raise TypeError(f"Input 'maxval' of 'RandomUniformInt' Op has type {ctx.dtypes[2].name} "
                        f"that does not match type {ctx.dtypes[1].name} of argument 'minval'.")
    return [ctx.dtypes[1]]


def _lower_seeds(ctx):
    """(seed, seed2); an op with neither gets seeds of its own, which the
    first run in a session keeps in the op's state for that session."""
    seed, seed2 = ctx.attrs["seed"], ctx.attrs["seed2"]
    if seed == 0 and seed2 == 0:
        seed, seed2 = secrets.randbits(63), secrets.randbits(63)
    return [int(seed), int(seed2)], None


def _attr_seeds(attrs):
    seed, seed2 = attrs["seed"], attrs["seed2"]
    if seed == 0 and seed2 == 0:
        return secrets.randbits(63), secrets.randbits(63)
    return seed, seed2


def _float_reference(kind):
    def reference(inputs, attrs):
        return [sample(kind, inputs[0], attrs["dtype"], *_attr_seeds(attrs))]
    return reference


def _uniform_int_reference(inputs, attrs):
    minval, maxval = int(inputs[1]), int(inputs[2])
    n = int(np.prod(np.asarray(inputs[0]), dtype=np.int64))
    if n and minval >= maxval:
        raise ValueError(f"Need minval < maxval, got {minval} >= {maxval}")
    if not n:
        maxval = minval + 1
    return [sample("uniform_int", inputs[0], inputs[1].dtype, *_attr_seeds(attrs),
                   minval=minval, maxval=maxval)]


# The op-level seeds; the kernels draw TF's numbers for them.
_SEEDS = [Attr("seed", default=0), Attr("seed2", default=0)]

for _type, _kernel, _kind in (("RandomUniform", "random_uniform", "uniform"),
                              ("RandomStandardNormal", "random_normal", "normal"),
                              ("TruncatedNormal", "truncated_normal", "truncated_normal")):
    register(OpDef(_type, shape=_random_shape, dtype=_float_dtype, kernel=_kernel,
                   lower=_lower_seeds, reference=_float_reference(_kind), stateful=True,
                   state_words=5, parallel=True, exclusive=True,
                   dtypes=[Accepts("dtype", FLOATS, attr="dtype"),
                           Accepts("shape", _SHAPE_TYPES)],
                   samples=samples.random_float,
                   graphdef=NodeMapping(("shape",), _SEEDS + [Attr("dtype"),
                                                              TypeAttr("T", input=0)])))
register(OpDef("RandomUniformInt", shape=_uniform_int_shape, dtype=_uniform_int_dtype,
               kernel="random_uniform_int", lower=_lower_seeds,
               reference=_uniform_int_reference, stateful=True, state_words=5, parallel=True,
               exclusive=True,
               dtypes=[Accepts("minval", _INTS, input=1), Accepts("shape", _SHAPE_TYPES)],
               samples=samples.random_int,
               graphdef=NodeMapping(("shape", "minval", "maxval"), _SEEDS + [
                   TypeAttr("Tout", input=1), TypeAttr("T", input=0)])))


# ---- op functions -------------------------------------------------------------


def _shape_tensor(graph, shape):
    """TF's shape_util.shape_tensor: a 1-D int32 (int64 when needed) tensor."""
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a Tensor.")
        shape = shape.as_list()
    dtype = None
    if isinstance(shape, (tuple, list)):
        if not shape:
            dtype = dtypes.int32
        else:
            shape = tuple(d.value if isinstance(d, Dimension) else d for d in shape)
    return to_tensor(graph, shape, dtype=dtype, name="shape")


def _seed_attrs(seed):
    seed1, seed2 = get_seed(seed)
    return {"seed": seed1 or 0, "seed2": seed2 or 0}


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Outputs random values from a uniform distribution.

    The generated values follow a uniform distribution in the range
    `[minval, maxval)`. The lower bound `minval` is included in the range, while
    the upper bound `maxval` is excluded.

    For floats, the default range is `[0, 1)`.  For ints, at least `maxval` must
    be specified explicitly.

    In the integer case, the random integers are slightly biased unless
    `maxval - minval` is an exact power of two.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      minval: A Tensor or Python value of type `dtype`, broadcastable with
        `shape` (for integer types, broadcasting is not supported, so it needs to
        be a scalar). The lower bound on the range of random values to generate
        (inclusive).  Defaults to 0.
      maxval: A Tensor or Python value of type `dtype`, broadcastable with
        `shape` (for integer types, broadcasting is not supported, so it needs to
        be a scalar). The upper bound on the range of random values to generate
        (exclusive). Defaults to 1 if `dtype` is floating point.
      dtype: The type of the output: `float32`, `float64`, `int32`, or `int64`.
        Defaults to `float32`.
      seed: A Python integer. Used in combination with `tf.random.set_seed` to
        create a reproducible sequence of tensors across multiple calls.
      name: A name for the operation (optional).

    Returns:
      A tensor of the specified shape filled with random uniform values.

    Raises:
      ValueError: If `dtype` is integral and `maxval` is not specified.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _UNIFORM_TYPES:
        accepted = ", ".join(repr(d) for d in _UNIFORM_TYPES)
        raise ValueError(f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
                         f"({accepted}).")
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % dtype)
        maxval = 1
    graph = graph_of([shape, minval, maxval])
    with graph.as_default(), graph.name_scope(name or "random_uniform") as scope:
        shape = _shape_tensor(graph, shape)
        minval_is_zero = isinstance(minval, int) and minval == 0
        maxval_is_one = isinstance(maxval, int) and maxval == 1
        if not minval_is_zero or not maxval_is_one or dtype.is_integer:
            minval = to_tensor(graph, minval, dtype=dtype, name="min")
            maxval = to_tensor(graph, maxval, dtype=dtype, name="max")
        attrs = _seed_attrs(seed)
        if dtype.is_integer:
            return make_op(graph, "RandomUniformInt", [shape, minval, maxval], attrs,
                           name=scope).outputs[0]
        attrs["dtype"] = dtype
        result = make_op(graph, "RandomUniform", [shape], attrs, name="RandomUniform").outputs[0]
        if minval_is_zero:
            if not maxval_is_one:
                result = multiply(result, maxval, name="Mul")
            return result
        return add(multiply(result, subtract(maxval, minval, name="sub"), name="mul"), minval,
                   name=scope)


def _scaled(op_type, default_name, shape, mean, stddev, dtype, seed, name):
    dtype = dtypes.as_dtype(dtype)
    graph = graph_of([shape, mean, stddev])
    with graph.as_default(), graph.name_scope(name or default_name) as scope:
        shape = _shape_tensor(graph, shape)
        mean = to_tensor(graph, mean, dtype=dtype, name="mean")
        stddev = to_tensor(graph, stddev, dtype=dtype, name="stddev")
        attrs = _seed_attrs(seed)
        attrs["dtype"] = dtype
        rnd = make_op(graph, op_type, [shape], attrs, name=op_type).outputs[0]
        return add(multiply(rnd, stddev, name="mul"), mean, name=scope)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Outputs random values from a normal distribution.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      mean: A Tensor or Python value of type `dtype`, broadcastable with `stddev`.
        The mean of the normal distribution.
      stddev: A Tensor or Python value of type `dtype`, broadcastable with `mean`.
        The standard deviation of the normal distribution.
      dtype: The float type of the output: `float32`, `float64`. Defaults to
        `float32`.
      seed: A Python integer. Used to create a random seed for the distribution.
        See `tf.random.set_seed` for behavior.
      name: A name for the operation (optional).

    Returns:
      A tensor of the specified shape filled with random normal values.
    """
    return _scaled("RandomStandardNormal", "random_normal", shape, mean, stddev, dtype, seed,
                   name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Outputs random values from a truncated normal distribution.

    The values are drawn from a normal distribution with specified mean and
    standard deviation, discarding and re-drawing any samples that are more than
    two standard deviations from the mean.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      mean: A 0-D Tensor or Python value of type `dtype`. The mean of the
        truncated normal distribution.
      stddev: A 0-D Tensor or Python value of type `dtype`. The standard deviation
        of the normal distribution, before truncation.
      dtype: The type of the output. Restricted to floating-point types:
        `tf.float32`, `tf.float64`.
      seed: A Python integer. Used to create a random seed for the distribution.
        See `tf.random.set_seed` for more information.
      name: A name for the operation (optional).

    Returns:
      A tensor of the specified shape filled with random truncated normal values.
    """
    return _scaled("TruncatedNormal", "truncated_normal", shape, mean, stddev, dtype, seed, name)


uniform = random_uniform
normal = random_normal


# As TF: no gradient flows through these.
for _t in ("RandomUniform", "RandomStandardNormal", "TruncatedNormal", "RandomUniformInt"):
    NotDifferentiable(_t)
# ---- candidate samplers -------------------------------------------------------
#
# TF's UniformCandidateSampler and LogUniformCandidateSampler: num_sampled
# classes in [0, range_max) (distinct when `unique`, by rejection) and the
# expected count of each true and sampled class. Draw t of a run takes the
# 64 bits of position t % 2 of block t // 2 of the op's stream (see
# csrc/kernels/random.c).

CandidateSampler = collections.namedtuple(
    "CandidateSampler", ["sampled_candidates", "true_expected_count", "sampled_expected_count"])


def _sampler_shape(ctx):
    classes = ctx.shapes[0]
    num_true, num_sampled = ctx.attrs["num_true"], ctx.attrs["num_sampled"]
    if classes is not None:
        if len(classes) != 2:
            raise ValueError(f"Shape must be rank 2 but is rank {len(classes)}")
        if classes[1] is not None and classes[1] != num_true:
            raise ValueError(f"true_classes must have num_true columns, expected: {num_true} "
                             f"was: {classes[1]}")
    if num_sampled < 1 or num_true < 1 or ctx.attrs["range_max"] < 1:
        raise ValueError("num_true, num_sampled and range_max must be >= 1")
    if ctx.attrs["unique"] and num_sampled > ctx.attrs["range_max"]:
        raise ValueError(f"Sampler's range is too small: num_sampled {num_sampled} > "
                         f"range_max {ctx.attrs['range_max']}")
    batch = None if classes is None else classes[0]
    return [(num_sampled,), (batch, num_true), (num_sampled,)]


def _set_slots(num_sampled):
    """The unique draw's hash set: a power of two at least twice num_sampled."""
    return 1 << max(1, (2 * num_sampled - 1).bit_length())


def _lower_sampler(ctx):
    seeds = _lower_seeds(ctx)[0]
    return seeds + [ctx.attrs["num_sampled"], int(bool(ctx.attrs["unique"])),
                    ctx.attrs["range_max"]], None


def _sampler_value(log_uniform, x0, x1, range_max, log_range):
    if not log_uniform:
        return (int(x0) | (int(x1) << 32)) % range_max
    u = float(_unit_f64(np.array([x0], np.uint32), np.array([x1], np.uint32))[0])
    return (int(math.exp(u * log_range)) - 1) % range_max


def _expected_counts(log_uniform, values, range_max, log_range, num_sampled, tries):
    values = np.asarray(values, dtype=np.float64)
    if log_uniform:
        with np.errstate(divide="ignore", invalid="ignore"):
            p = (np.log((values + 2.0) / (values + 1.0)) / log_range).astype(np.float32)
    else:
        p = np.full(values.shape, 1.0 / range_max, dtype=np.float32)
    if tries == num_sampled:
        return p * np.float32(num_sampled)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.expm1(np.float32(tries) * np.log1p(-p))


def sample_candidates(log_uniform, true_classes, num_sampled, unique, range_max, seed, seed2,
                      run=0):
    """What a candidate sampler's kernel writes in run `run` of a session, in
    NumPy: (sampled_candidates, true_expected_count, sampled_expected_count)."""
    base = run * ((2048 * num_sampled + 3) // 4)
    log_range = math.log1p(range_max)
    out, seen, tries = [], set(), 0
    chunk = max(num_sampled, 8)
    words = np.zeros(0, np.uint32)
    while len(out) < num_sampled:
        if len(words) < 2 * (tries + 1):
            start = len(words) // 4
            words = np.concatenate([words, philox_outputs(seed, seed2, base + np.arange(
                start, start + chunk)).reshape(-1)])
        v = _sampler_value(log_uniform, words[2 * tries], words[2 * tries + 1], range_max,
                           log_range)
        tries += 1
        if unique and v in seen:
            continue
        seen.add(v)
        out.append(v)
    args = (log_uniform, range_max, log_range, num_sampled, tries)
    return [np.asarray(out, dtype=np.int64),
            _expected_counts(log_uniform, true_classes, *args[1:]).astype(np.float32),
            _expected_counts(log_uniform, out, *args[1:]).astype(np.float32)]


def _sampler_reference(log_uniform):
    def reference(inputs, attrs):
        return sample_candidates(log_uniform, inputs[0], attrs["num_sampled"], attrs["unique"],
                                 attrs["range_max"], *_attr_seeds(attrs))
    return reference


for _type, _kernel, _log in (("UniformCandidateSampler", "uniform_candidate_sampler", False),
                             ("LogUniformCandidateSampler", "log_uniform_candidate_sampler",
                              True)):
    register(OpDef(_type, shape=_sampler_shape,
                   dtype=lambda ctx: [dtypes.int64, dtypes.float32, dtypes.float32],
                   kernel=_kernel, lower=_lower_sampler, reference=_sampler_reference(_log),
                   stateful=True, state_words=5, exclusive=True,
                   scratch=lambda ctx: 8 * _set_slots(ctx.attrs["num_sampled"])
                   if ctx.attrs["unique"] else 8,
                   dtypes=[Accepts("true_classes", (dtypes.int64,))],
                   samples=samples.candidate_sampler,
                   graphdef=NodeMapping(("true_classes",), _SEEDS + [
                       Attr("num_true"), Attr("num_sampled"), Attr("unique"),
                       Attr("range_max")])))
    NotDifferentiable(_type)


def _candidate_sampler(op_type, true_classes, num_true, num_sampled, unique, range_max, seed,
                       name):
    graph = graph_of([true_classes])
    with graph.as_default():
        true_classes = to_tensor(graph, true_classes, dtype=dtypes.int64)
        attrs = _seed_attrs(seed)
        attrs.update(num_true=int(num_true), num_sampled=int(num_sampled), unique=bool(unique),
                     range_max=int(range_max))
        op = make_op(graph, op_type, [true_classes], attrs, name=name or op_type)
    return CandidateSampler(*op.outputs)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """Samples a set of classes using a uniform base distribution.

    This operation randomly samples a tensor of sampled classes
    (`sampled_candidates`) from the range of integers `[0, range_max)`.

    The elements of `sampled_candidates` are drawn without replacement
    (if `unique=True`) or with replacement (if `unique=False`) from
    the base distribution.

    The base distribution for this operation is the uniform distribution
    over the range of integers `[0, range_max)`.

    In addition, this operation returns tensors `true_expected_count`
    and `sampled_expected_count` representing the number of times each
    of the target classes (`true_classes`) and the sampled
    classes (`sampled_candidates`) is expected to occur in an average
    tensor of sampled classes. These values correspond to `Q(y|x)`
    defined in [this
    document](http://www.tensorflow.org/extras/candidate_sampling.pdf).
    If `unique=True`, then these are post-rejection probabilities and we
    compute them approximately.

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size,
        num_true]`. The target classes.
      num_true: An `int`.  The number of target classes per training example.
      num_sampled: An `int`.  The number of classes to randomly sample. The
        `sampled_candidates` return value will have shape `[num_sampled]`. If
        `unique=True`, `num_sampled` must be less than or equal to `range_max`.
      unique: A `bool`. Determines whether all sampled classes in a batch are
        unique.
      range_max: An `int`. The number of possible classes.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`.
        The sampled classes.
      true_expected_count: A tensor of type `float`.  Same shape as
        `true_classes`. The expected counts under the sampling distribution
        of each of `true_classes`.
      sampled_expected_count: A tensor of type `float`. Same shape as
        `sampled_candidates`. The expected counts under the sampling
        distribution of each of `sampled_candidates`.
    """
    return _candidate_sampler("UniformCandidateSampler", true_classes, num_true, num_sampled,
                              unique, range_max, seed, name)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """Samples a set of classes using a log-uniform (Zipfian) base distribution.

    This operation randomly samples a tensor of sampled classes
    (`sampled_candidates`) from the range of integers `[0, range_max)`.

    The elements of `sampled_candidates` are drawn without replacement
    (if `unique=True`) or with replacement (if `unique=False`) from
    the base distribution.

    The base distribution for this operation is an approximately log-uniform
    or Zipfian distribution:

    `P(class) = (log(class + 2) - log(class + 1)) / log(range_max + 1)`

    This sampler is useful when the target classes approximately follow such
    a distribution - for example, if the classes represent words in a lexicon
    sorted in decreasing order of frequency. If your classes are not ordered by
    decreasing frequency, do not use this op.

    In addition, this operation returns tensors `true_expected_count`
    and `sampled_expected_count` representing the number of times each
    of the target classes (`true_classes`) and the sampled
    classes (`sampled_candidates`) is expected to occur in an average
    tensor of sampled classes. These values correspond to `Q(y|x)`
    defined in [this
    document](http://www.tensorflow.org/extras/candidate_sampling.pdf).
    If `unique=True`, then these are post-rejection probabilities and we
    compute them approximately.

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size,
        num_true]`. The target classes.
      num_true: An `int`.  The number of target classes per training example.
      num_sampled: An `int`.  The number of classes to randomly sample.
      unique: A `bool`. Determines whether all sampled classes in a batch are
        unique.
      range_max: An `int`. The number of possible classes.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`.
        The sampled classes.
      true_expected_count: A tensor of type `float`.  Same shape as
        `true_classes`. The expected counts under the sampling distribution
        of each of `true_classes`.
      sampled_expected_count: A tensor of type `float`. Same shape as
        `sampled_candidates`. The expected counts under the sampling
        distribution of each of `sampled_candidates`.
    """
    return _candidate_sampler("LogUniformCandidateSampler", true_classes, num_true, num_sampled,
                              unique, range_max, seed, name)
