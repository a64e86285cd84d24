"""Web-safe base64 of strings: EncodeBase64 and DecodeBase64 (tf.io's
encode_base64 and decode_base64). String ops run on the host, through
their references."""

import base64
import binascii

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, NodeMapping
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, OpDef, register
from . import samples
from .arguments import graph_of, make_op, to_tensor

__all__ = ["encode_base64", "decode_base64"]
IO = ["encode_base64", "decode_base64"]


def _each(x, fn):
    x = np.asarray(x, dtype=object)
    out = np.empty(x.shape, dtype=object)
    out.reshape(-1)[:] = [fn(bytes(v)) for v in x.reshape(-1)]
    return out


def encode_value(inputs, attrs):
    """Each string in web-safe base64 ('-' and '_' for '+' and '/'), with
    '=' padding only when `pad`."""
    def encode(s):
        text = base64.urlsafe_b64encode(s)
        return text if attrs.get("pad", False) else text.rstrip(b"=")
    return [_each(inputs[0], encode)]


def decode_value(inputs, attrs):
    """Each web-safe base64 string decoded; its '=' padding is optional."""
    def decode(s):
        body = s.rstrip(b"=")
        if len(body) % 4 == 1 or not all(c in _ALPHABET for c in body):
            raise errors.InvalidArgumentError(None, None, "Invalid character found in base64.")
        try:
            return base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise errors.InvalidArgumentError(None, None,
                                              "Invalid character found in base64.") from None
    return [_each(inputs[0], decode)]


_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _encode_samples(dtype):
    texts = [b"", b"a", b"ab", b"abc", b"\xff\xfe?>", b"Hello, World!"]
    for pad in (False, True):
        yield [samples.known(np.array(texts, dtype=object))], {"pad": pad}
    yield [samples.values(dtypes.string, (2, 3), 1)], {"pad": False}


def _decode_samples(dtype):
    for pad in (False, True):
        texts = encode_value([np.array([b"", b"a", b"ab", b"abc", b"\xff\xfe?>"], dtype=object)],
                             {"pad": pad})[0]
        yield [samples.known(texts)], {}


register(OpDef("EncodeBase64", shape=lambda ctx: [ctx.shapes[0]],
               dtype=lambda ctx: [dtypes.string], reference=encode_value,
               dtypes=[Accepts("input", (dtypes.string,))], samples=_encode_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("input",), [Attr("pad", default=False)])))
register(OpDef("DecodeBase64", shape=lambda ctx: [ctx.shapes[0]],
               dtype=lambda ctx: [dtypes.string], reference=decode_value,
               dtypes=[Accepts("input", (dtypes.string,))], samples=_decode_samples,
               gradient=NOT_DIFFERENTIABLE, graphdef=NodeMapping(("input",))))


def encode_base64(input, pad=False, name=None):  # noqa: A002 - TF's argument name
    """Encode strings into web-safe base64 format.

    Web-safe means that the encoder uses - and _ instead of + and /. Input
    may or may not have padding at the end; `pad` says whether the output
    is padded with '='.
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "EncodeBase64", [x], {"pad": bool(pad)},
                   name=name or "EncodeBase64").outputs[0]


def decode_base64(input, name=None):  # noqa: A002 - TF's argument name
    """Decode web-safe base64-encoded strings.

    Input may or may not have padding at the end.
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "DecodeBase64", [x], name=name or "DecodeBase64").outputs[0]
