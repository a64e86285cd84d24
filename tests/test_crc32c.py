"""CRC-32C (csrc/crc32c.c) against published check values: the catalogue
check of "123456789" and the iSCSI vectors of RFC 3720 (B.4), on both the
crc32 instruction path and the portable tables, at every alignment and
length around the 8-byte steps, and against a bit-by-bit reference."""

import numpy as np
import pytest

from fastgraph._native.crc32c import crc32c, crc32c_portable, hardware, masked_crc32c

VECTORS = [
    (b"", 0x00000000),
    (b"123456789", 0xE3069283),
    (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
]


def _bitwise(data):
    """CRC-32C one bit at a time from the reflected polynomial."""
    c = 0xFFFFFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    return c ^ 0xFFFFFFFF


@pytest.mark.parametrize("fn", [crc32c, crc32c_portable])
@pytest.mark.parametrize("data,want", VECTORS)
def test_known_vectors(fn, data, want):
    assert fn(data) == want


@pytest.mark.parametrize("fn", [crc32c, crc32c_portable])
def test_every_alignment_and_length_matches_the_bitwise_reference(fn):
    buf = np.random.default_rng(1).integers(0, 256, 96, dtype=np.uint8).tobytes()
    view = memoryview(buf)
    for start in range(9):
        for n in range(0, 40):
            assert fn(view[start:start + n]) == _bitwise(buf[start:start + n])


def test_extending_equals_one_pass_and_paths_agree_on_big_buffers():
    data = np.random.default_rng(2).integers(0, 256, 300_001, dtype=np.uint8)
    whole = crc32c(data)
    assert crc32c(data[123_457:], crc32c(data[:123_457])) == whole
    assert crc32c_portable(data) == whole
    assert crc32c(data.view(np.uint8)) == crc32c(data.tobytes())
    assert isinstance(hardware(), bool)


def test_mask_is_tensorflows():
    # TF's crc32c::Mask: rotate right by 15 bits, add 0xa282ead8 (mod 2**32).
    c = 0xE3069283
    assert masked_crc32c(b"123456789") == (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    assert masked_crc32c(b"") == 0xA282EAD8


def test_non_contiguous_buffers_are_refused():
    with pytest.raises((BufferError, ValueError)):
        crc32c(np.arange(10, dtype=np.uint8)[::2])
