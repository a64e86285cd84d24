"""Image codecs without TensorFlow: PNG bytes read back by zlib and
struct here, round trips at 8 and 16 bits and 1-4 channels, channel
conversions computed by hand, JPEG/GIF/BMP through files made here, shapes,
errors, and fuzzed truncated or corrupted bytes that must raise
InvalidArgumentError and never crash."""

import io
import struct
import zlib

import numpy as np
import pytest

import fastgraph as tf


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _image(h, w, c, dtype=np.uint8, seed=0):
    return np.random.default_rng(seed).integers(0, np.iinfo(dtype).max + 1, (h, w, c)) \
        .astype(dtype)


def _png_rows(data):
    """(IHDR fields, inflated IDAT) of PNG bytes, read here with struct and zlib."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    return ihdr, zlib.decompress(idat)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("c", [1, 2, 3, 4])
def test_encode_png_writes_the_pixels(dtype, c):
    image = _image(3, 5, c, dtype, seed=c)
    with tf.Graph().as_default():
        data = _run(tf.io.encode_png(image))
    (w, h, depth, ctype, _, _, interlace), raw = _png_rows(data)
    assert (w, h, depth, ctype, interlace) == (5, 3, 8 * np.dtype(dtype).itemsize,
                                                {1: 0, 2: 4, 3: 2, 4: 6}[c], 0)
    rows = np.frombuffer(raw, np.uint8).reshape(3, -1)
    assert (rows[:, 0] == 0).all()  # unfiltered
    pix = rows[:, 1:].copy().view(">u2" if dtype == np.uint16 else np.uint8)
    np.testing.assert_array_equal(pix.reshape(3, 5, c), image)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("c", [1, 2, 3, 4])
def test_png_round_trip_and_channel_conversions(dtype, c):
    image = _image(4, 6, c, dtype, seed=10 + c)
    top = np.iinfo(dtype).max
    t = tf.as_dtype(dtype)
    with tf.Graph().as_default():
        png = tf.io.encode_png(image, compression=9)
        outs = {ch: tf.image.decode_png(png, channels=ch, dtype=t) for ch in (0, 1, 3, 4)}
        assert outs[3].shape.as_list() == [None, None, 3]
        got = _run(outs)
    np.testing.assert_array_equal(got[0], image)
    color = image[..., :3] if c >= 3 else np.repeat(image[..., :1], 3, axis=-1)
    alpha = image[..., -1:] if c in (2, 4) else np.full((4, 6, 1), top, dtype)
    np.testing.assert_array_equal(got[3], color)
    np.testing.assert_array_equal(got[4], np.concatenate([color, alpha], axis=-1))
    if c <= 2:
        np.testing.assert_array_equal(got[1], image[..., :1])
    else:
        wide = image.astype(np.int64)
        gray = (9797 * wide[..., 0] + 19234 * wide[..., 1] + 3737 * wide[..., 2]
                + (16384 if dtype == np.uint16 else 0)) >> 15
        np.testing.assert_array_equal(got[1][..., 0], gray)


def test_png_depth_conversions():
    eight = _image(3, 3, 3, np.uint8, 1)
    sixteen = _image(3, 3, 3, np.uint16, 2)
    with tf.Graph().as_default():
        up = tf.io.decode_png(tf.io.encode_png(eight), dtype=tf.uint16)
        down = tf.io.decode_png(tf.io.encode_png(sixteen))
        as_float = tf.io.decode_image(tf.io.encode_png(eight), dtype=tf.float32)
        got = _run([up, down, as_float])
    np.testing.assert_array_equal(got[0], eight.astype(np.uint16) * 257)
    np.testing.assert_array_equal(got[1], (sixteen >> 8).astype(np.uint8))
    np.testing.assert_allclose(got[2], eight / 255.0, rtol=1e-6)


def _paeth_png(image):
    """A 16-bit RGB PNG whose rows use every PNG filter, written here."""
    h, w, c = image.shape
    raw = image.astype(">u2").view(np.uint8).reshape(h, -1).astype(np.int32)
    bpp = 2 * c
    out = []
    prev = np.zeros(raw.shape[1], np.int32)
    for y in range(h):
        kind = y % 5
        line = raw[y]
        left = np.concatenate([np.zeros(bpp, np.int32), line[:-bpp]])
        upleft = np.concatenate([np.zeros(bpp, np.int32), prev[:-bpp]])
        if kind == 0:
            f = line
        elif kind == 1:
            f = line - left
        elif kind == 2:
            f = line - prev
        elif kind == 3:
            f = line - (left + prev) // 2
        else:
            p = left + prev - upleft
            pa, pb, pc = abs(p - left), abs(p - prev), abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prev, upleft))
            f = line - pred
        out.append(bytes([kind]) + (f & 255).astype(np.uint8).tobytes())
        prev = line

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(out))) + chunk(b"IEND", b""))


def test_16_bit_colour_png_with_every_filter():
    image = _image(10, 7, 3, np.uint16, seed=4)
    with tf.Graph().as_default():
        got = _run(tf.io.decode_png(_paeth_png(image), dtype=tf.uint16))
    np.testing.assert_array_equal(got, image)


def _smooth(h, w, c):
    y, x = np.mgrid[0:h, 0:w]
    planes = [np.clip(x * 3 + y * 2 + 40 * k, 0, 255) for k in range(c)]
    return np.stack(planes, -1).astype(np.uint8)


def test_jpeg_round_trip_shape_and_channels():
    image = _smooth(24, 40, 3)
    with tf.Graph().as_default():
        jpg = tf.io.encode_jpeg(image, quality=95)
        gray_jpg = tf.image.encode_jpeg(image[..., :1], format="grayscale", progressive=True)
        rgb, gray, half, shape, gshape, rgb_of_gray, is_j = _run([
            tf.io.decode_jpeg(jpg), tf.io.decode_jpeg(jpg, channels=1),
            tf.io.decode_jpeg(jpg, ratio=2), tf.io.extract_jpeg_shape(jpg),
            tf.io.extract_jpeg_shape(gray_jpg, output_type=tf.int64),
            tf.io.decode_jpeg(gray_jpg, channels=3), tf.io.is_jpeg(jpg)])
    assert rgb.shape == (24, 40, 3) and np.abs(rgb.astype(int) - image).mean() < 3
    assert gray.shape == (24, 40, 1) and half.shape == (12, 20, 3)
    np.testing.assert_array_equal(shape, [24, 40, 3])
    assert shape.dtype == np.int32 and gshape.dtype == np.int64
    np.testing.assert_array_equal(gshape, [24, 40, 1])
    assert (rgb_of_gray[..., 0] == rgb_of_gray[..., 2]).all()
    assert is_j


def test_jpeg_quality_changes_the_size():
    image = _smooth(32, 32, 3) ^ _image(32, 32, 3, seed=1) // 8
    with tf.Graph().as_default():
        small, big = _run([tf.io.encode_jpeg(image, quality=20),
                           tf.io.encode_jpeg(image, quality=100)])
    assert len(small) < len(big)


def _gif(frames):
    from PIL import Image
    out = io.BytesIO()
    ims = [Image.fromarray(f) for f in frames]
    ims[0].save(out, "GIF", save_all=True, append_images=ims[1:], duration=30, loop=0)
    return out.getvalue()


def test_gif_frames_and_decode_image_ranks():
    frames = [np.full((4, 5, 3), v, np.uint8) for v in (0, 128, 255)]
    frames[1][1, 2] = 64
    gif = _gif(frames)
    with tf.Graph().as_default():
        all_frames = tf.io.decode_gif(gif)
        assert all_frames.shape.as_list() == [None, None, None, 3]
        first = tf.io.decode_image(gif, expand_animations=False)
        assert first.shape.ndims == 3
        got, one = _run([all_frames, first])
    np.testing.assert_array_equal(got, np.stack(frames))
    np.testing.assert_array_equal(one, frames[0])


def _bmp(image, top_down=False):
    h, w, c = image.shape
    row = (8 * c * w + 31) // 32 * 4
    pix = np.zeros((h, row), np.uint8)
    bgr = np.concatenate([image[..., 2::-1], image[..., 3:]], axis=-1)
    rows = bgr if top_down else bgr[::-1]
    pix[:, :w * c] = rows.reshape(h, -1)
    header = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, 8 * c, 0, 0, 0, 0, 0,
                         0)
    return b"BM" + struct.pack("<IHHI", 54 + pix.size, 0, 0, 54) + header + pix.tobytes()


@pytest.mark.parametrize("c,top_down", [(3, False), (4, False), (3, True)])
def test_bmp_decodes_bottom_up_and_top_down(c, top_down):
    image = _image(3, 5, c, seed=c)
    with tf.Graph().as_default():
        got, rgba = _run([tf.io.decode_bmp(_bmp(image, top_down)),
                          tf.io.decode_image(_bmp(image, top_down), channels=4)])
    np.testing.assert_array_equal(got, image)
    assert rgba.shape == (3, 5, 4)


@pytest.mark.parametrize("op,data,message", [
    ("decode_png", b"not an image", "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, "
                                    "BMP, WebP required."),
    ("decode_bmp", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "Trying to decode PNG format using "
                                                      "DecodeBmp op. Use `decode_png` or "
                                                      "`decode_image` instead."),
    ("decode_bmp", b"BM123", "Incomplete bmp content, requires at least 32 bytes to find the "
                             "header size, width, height, and bpp, got 5 bytes"),
    ("decode_jpeg", b"\xff\xd8\xff\xe0garbage", "jpeg::Uncompress failed. Invalid JPEG data or "
                                                "crop window."),
    ("extract_jpeg_shape", b"\xff\xd8\xff", "Invalid JPEG data, size 3"),
])
def test_bad_images_raise_tfs_messages(op, data, message):
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.string, [])
        out = getattr(tf.io, op)(ph)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(out, {ph: data})
            assert info.value.message == message


def test_encoder_argument_errors():
    with tf.Graph().as_default():
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="1, 2, 3, or 4 channels"):
                sess.run(tf.io.encode_png(np.zeros((2, 2, 5), np.uint8)))
            with pytest.raises(tf.errors.InvalidArgumentError, match="image must have 1 or 3 "
                                                                     "channels, got \\[2,2,2\\]"):
                sess.run(tf.io.encode_jpeg(np.zeros((2, 2, 2), np.uint8)))
            with pytest.raises(tf.errors.InvalidArgumentError, match="format grayscale expects 1"):
                sess.run(tf.io.encode_jpeg(np.zeros((2, 2, 3), np.uint8), format="grayscale"))
            with pytest.raises(tf.errors.InvalidArgumentError, match="`channels` must be 0, 1, "
                                                                     "3 or 4 but got 2"):
                sess.run(tf.io.decode_png(sess.run(tf.io.encode_png(
                    np.zeros((2, 2, 3), np.uint8))), channels=2))


def _fuzz(data, rng, n):
    for _ in range(n):
        cut = bytearray(data[:rng.integers(0, len(data) + 1)])
        for i in rng.integers(0, max(len(cut), 1), size=rng.integers(0, 4)):
            if cut:
                cut[i % len(cut)] = rng.integers(0, 256)
        yield bytes(cut)


def test_fuzzed_images_raise_invalid_argument_or_decode():
    rng = np.random.default_rng(11)
    with tf.Graph().as_default():
        png8 = _run(tf.io.encode_png(_image(6, 7, 3)))
        png16 = _run(tf.io.encode_png(_image(5, 4, 4, np.uint16)))
        jpg = _run(tf.io.encode_jpeg(_smooth(16, 16, 3)))
    sources = [png8, png16, _paeth_png(_image(4, 4, 3, np.uint16, 3)), jpg,
               _gif([_smooth(4, 4, 3), _smooth(4, 4, 3)[::-1]]), _bmp(_image(3, 3, 3))]
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.string, [])
        out = [tf.io.decode_image(ph, expand_animations=False), tf.io.decode_bmp(ph)]
        with tf.Session() as sess:
            decoded = 0
            for src in sources:
                for data in _fuzz(src, rng, 25):
                    for t in out:
                        try:
                            sess.run(t, {ph: data})
                            decoded += 1
                        except tf.errors.InvalidArgumentError:
                            pass
            assert decoded > 0


def test_16_bit_images_convert_and_cast_on_the_host():
    image = _image(3, 4, 3, np.uint16, seed=8)
    with tf.Graph().as_default():
        decoded = tf.io.decode_png(tf.io.encode_png(image), dtype=tf.uint16)
        as_float = tf.image.convert_image_dtype(decoded, tf.float32)
        as_u8 = tf.image.convert_image_dtype(decoded, tf.uint8)
        doubled = tf.cast(decoded, tf.float64) * 2.0
        got = _run([as_float, as_u8, doubled])
    np.testing.assert_allclose(got[0], image / 65535.0, rtol=1e-6)
    np.testing.assert_array_equal(got[1], (image >> 8).astype(np.uint8))
    np.testing.assert_array_equal(got[2], image * 2.0)
