"""Image codecs: DecodePng, DecodeJpeg, DecodeGif, DecodeBmp, DecodeImage,
EncodePng, EncodeJpeg and ExtractJpegShape (`tf.io.decode_png`, ...,
`tf.image.*` too).

They take or give strings, so the session computes them on the host
through their NumPy `reference` (staged_run.py). JPEG and GIF go through
Pillow (its libjpeg is TF's kind; JPEG decoders differ by a level or two
between libjpeg versions), PNG through Pillow except 16-bit colour, which
is unfiltered here, and PNG encoding and BMP are written out here, so that
every bit depth and channel count TF writes is exact. As TF 2.21's, the
decoders sniff the format: decode_png reads a JPEG and decode_jpeg a PNG
(decode_bmp refuses other formats). Everything read is untrusted: a
malformed or truncated image raises InvalidArgumentError with TF's
message, never anything else.
"""

import io
import struct
import threading
import warnings
import zlib

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, NodeMapping, NoGraphDef, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
from . import samples
from .arguments import graph_of, to_tensor
from .image_ops import convert_image_dtype
from .io_ops import string_tensor

__all__ = []
IMAGE = ["decode_png", "decode_jpeg", "decode_gif", "decode_bmp", "decode_image", "encode_png",
         "encode_jpeg", "extract_jpeg_shape", "is_jpeg", "decode_and_crop_jpeg"]
IO = list(IMAGE)

_UNKNOWN = "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required."


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _bytes_of(value):
    v = np.asarray(value, dtype=object)
    if v.ndim != 0:
        raise _invalid(f"contents must be scalar, got shape "
                       f"[{','.join(str(d) for d in v.shape)}]")
    item = v[()]
    return item.encode() if isinstance(item, str) else bytes(item)


def image_format(data):
    """'jpeg', 'png', 'gif', 'bmp' or 'webp' by the file's magic bytes, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"GIF8":
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


# ---- Pillow -------------------------------------------------------------------------

_TRUNCATED_LOCK = threading.Lock()  # Pillow's LOAD_TRUNCATED_IMAGES is a global


def _pillow():
    from PIL import Image, ImageFile
    return Image, ImageFile


def _open(data, kind, message=None):
    """A Pillow image of `data`, or TF's InvalidArgumentError (`message`,
    by default TF's "Invalid <kind> data, size <n>")."""
    Image, _ = _pillow()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Image.open(io.BytesIO(data))
    except Exception:  # Pillow raises many kinds for bad data  # noqa: BLE001
        raise _invalid(message or f"Invalid {kind} data, size {len(data)}") from None


def _load(im, what, recover=False):
    _, ImageFile = _pillow()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if recover:
                with _TRUNCATED_LOCK:
                    old = ImageFile.LOAD_TRUNCATED_IMAGES
                    ImageFile.LOAD_TRUNCATED_IMAGES = True
                    try:
                        im.load()
                    finally:
                        ImageFile.LOAD_TRUNCATED_IMAGES = old
            else:
                im.load()
    except Exception:  # noqa: BLE001
        raise _invalid(what) from None


# ---- channels -------------------------------------------------------------------------

def _to_gray(rgb):
    # libpng's png_do_rgb_to_gray without gamma (TF asks for 0.299, 0.587):
    # fixed-point coefficients of 2**15, truncated for 8 bits, rounded for 16.
    wide = rgb.astype(np.int64)
    half = 16384 if rgb.dtype == np.uint16 else 0
    return ((9797 * wide[..., 0] + 19234 * wide[..., 1] + 3737 * wide[..., 2] + half) >> 15) \
        .astype(rgb.dtype)


def convert_channels(image, channels):
    """`image` [h, w, c] with `channels` (0: as it is) as TF's decoders
    convert them: gray replicated, alpha stripped or added opaque."""
    c = image.shape[-1]
    if channels == 0 or channels == c:
        return image
    top = np.iinfo(image.dtype).max
    color = image[..., :3] if c >= 3 else np.repeat(image[..., :1], 3, axis=-1)
    alpha = image[..., -1:] if c in (2, 4) else np.full(image.shape[:-1] + (1,), top,
                                                       image.dtype)
    if channels == 1:
        return image[..., :1] if c <= 2 else _to_gray(color)[..., None]
    if channels == 3:
        return np.ascontiguousarray(color)
    return np.concatenate([color, alpha], axis=-1)


def _check_channels(channels):
    if channels not in (0, 1, 3, 4):
        raise _invalid(f"`channels` must be 0, 1, 3 or 4 but got {channels}")


def _as_dtype(image, dtype, png=False):
    """A uint8 or uint16 decoded image as `dtype` (uint8, uint16 or
    float32), scaled as TF's decoders do: 8-bit PNG samples widen to 16
    bits as libpng does (times 257), other formats' are shifted up 8 bits."""
    if dtype is dtypes.uint8:
        return image if image.dtype == np.uint8 else (image >> 8).astype(np.uint8)
    if dtype is dtypes.uint16:
        if image.dtype == np.uint16:
            return image
        return image.astype(np.uint16) * np.uint16(257 if png else 256)
    # As TF: times the float32 reciprocal of the type's max, not divided by it.
    scale = np.float32(1.0 / np.iinfo(image.dtype).max)
    return image.astype(np.float32) * scale


# ---- PNG ----------------------------------------------------------------------------

def _png_header(data):
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise _invalid("Invalid PNG. Failed to initialize decoder.")
    width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    return width, height, depth, ctype, interlace


def _unfilter(raw, width, height, bpp):
    """The unfiltered rows ([height, width * bpp] uint8) of one PNG image pass."""
    stride = width * bpp
    if len(raw) < height * (stride + 1):
        raise ValueError("short image data")
    rows = np.frombuffer(raw, np.uint8, height * (stride + 1)).reshape(height, stride + 1)
    out = np.zeros((height, stride), np.uint8)
    prev = np.zeros(stride, np.int32)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 1:
            cur = line.copy()
            for x in range(bpp, stride):
                cur[x] = (cur[x] + cur[x - bpp]) & 255
        elif kind == 2:
            cur = (line + prev) & 255
        elif kind == 3:
            cur = line.copy()
            for x in range(stride):
                left = cur[x - bpp] if x >= bpp else 0
                cur[x] = (cur[x] + ((left + prev[x]) >> 1)) & 255
        elif kind == 4:
            cur = line.copy()
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[x] = (cur[x] + pred) & 255
        else:
            raise ValueError("bad filter")
        out[y] = cur
        prev = cur
    return out


_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
          (0, 1, 1, 2))


def _decode_png16(data, width, height, ctype, interlace):
    """A 16-bit colour PNG (gray+alpha, RGB, RGBA) as uint16 [h, w, c]
    (Pillow reads these as 8-bit)."""
    channels = {2: 3, 4: 2, 6: 4}[ctype]
    pos, chunks = 8, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if pos + 12 + length > len(data):
            raise ValueError("truncated chunk")
        if kind == b"IDAT":
            chunks.append(data[pos + 8:pos + 8 + length])
        if kind == b"IEND":
            break
        pos += 12 + length
    limit = height * (width * channels * 2 + 1) * (2 if interlace else 1) + 64
    z = zlib.decompressobj()
    raw = z.decompress(b"".join(chunks), limit)
    bpp = channels * 2
    if not interlace:
        rows = _unfilter(raw, width, height, bpp)
        planes = rows.reshape(height, width, channels, 2).astype(np.uint16)
        return (planes[..., 0] << 8) | planes[..., 1]
    out = np.zeros((height, width, channels), np.uint16)
    offset = 0
    for x0, y0, dx, dy in _ADAM7:
        w = (width - x0 + dx - 1) // dx if width > x0 else 0
        h = (height - y0 + dy - 1) // dy if height > y0 else 0
        if w == 0 or h == 0:
            continue
        size = h * (w * bpp + 1)
        rows = _unfilter(raw[offset:offset + size], w, h, bpp)
        offset += size
        planes = rows.reshape(h, w, channels, 2).astype(np.uint16)
        out[y0::dy, x0::dx] = (planes[..., 0] << 8) | planes[..., 1]
    return out


def _pillow_array(im):
    """A loaded Pillow image as uint8/uint16 [h, w, c] with its own channels."""
    mode = im.mode
    if mode == "P" or mode == "PA":
        im = im.convert("RGBA" if ("transparency" in im.info or mode == "PA") else "RGB")
    elif mode == "1":
        im = im.convert("L")
    elif mode in ("I;16", "I;16B", "I;16L"):
        arr = np.asarray(im).astype(np.uint16)
        return arr.reshape(arr.shape[:2] + (1,))
    elif mode == "I":
        arr = np.clip(np.asarray(im), 0, 65535).astype(np.uint16)
        return arr.reshape(arr.shape[:2] + (1,))
    elif mode == "CMYK":
        arr = np.asarray(im)
        return np.ascontiguousarray(arr)
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        im = im.convert("RGB")
    arr = np.asarray(im)
    return arr.reshape(arr.shape[:2] + (-1,)) if arr.ndim == 2 else arr


def _decode_png(data, channels):
    width, height, depth, ctype, interlace = _png_header(data)
    if depth == 16 and ctype in (2, 4, 6):
        try:
            image = _decode_png16(data, width, height, ctype, interlace)
        except (ValueError, zlib.error, struct.error, IndexError):
            raise _invalid(f"Invalid PNG data, size {len(data)}") from None
    else:
        im = _open(data, "PNG")
        _load(im, f"Invalid PNG data, size {len(data)}")
        image = _pillow_array(im)
    return convert_channels(image, channels)


# ---- JPEG ---------------------------------------------------------------------------

def _decode_jpeg(data, channels, ratio=1, recover=False):
    if channels == 4:
        raise _invalid("JPEG does not support 4 channels")
    if ratio not in (1, 2, 4, 8):
        raise _invalid(f"ratio must be 1, 2, 4, or 8, got {ratio}")
    im = _open(data, "JPEG", "jpeg::Uncompress failed. Invalid JPEG data or crop window.")
    mode = "L" if channels == 1 else "RGB" if im.mode in ("RGB", "YCbCr") else im.mode
    w, h = im.size
    if ratio != 1 or channels == 1:
        try:
            im.draft(mode, (-(-w // ratio), -(-h // ratio)))
        except Exception:  # noqa: BLE001
            raise _invalid("jpeg::Uncompress failed. Invalid JPEG data or crop window.") \
                from None
    _load(im, "jpeg::Uncompress failed. Invalid JPEG data or crop window.", recover)
    image = _pillow_array(im)
    if channels == 1 and image.shape[-1] != 1:
        image = _to_gray(image[..., :3])[..., None]
    if channels == 3 and image.shape[-1] == 1:
        image = np.repeat(image, 3, axis=-1)
    return image


def jpeg_shape(data):
    """(height, width, components) from a JPEG's start-of-frame marker;
    InvalidArgumentError if there is none."""
    pos = 2
    if data[:2] != b"\xff\xd8":
        raise _invalid(f"Invalid JPEG data, size {len(data)}")
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 10 > len(data):
                break
            h, w = struct.unpack(">HH", data[pos + 5:pos + 9])
            return h, w, data[pos + 9]
        if marker in (0xD9, 0xDA) or length < 2:
            break
        pos += 2 + length
    raise _invalid(f"Invalid JPEG data, size {len(data)}")


# ---- GIF ----------------------------------------------------------------------------

def _decode_gif(data):
    """Every frame of a GIF as uint8 [frames, h, w, 3], composited as
    Pillow plays the animation."""
    from PIL import ImageSequence
    im = _open(data, "GIF")
    frames = []
    what = f"Invalid GIF data (size {len(data)}), failed to slurp gif file"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for frame in ImageSequence.Iterator(im):
                frames.append(np.asarray(frame.convert("RGB")))
    except Exception:  # noqa: BLE001
        raise _invalid(what) from None
    if not frames:
        raise _invalid(what)
    return np.stack(frames)


# ---- BMP ----------------------------------------------------------------------------

def _decode_bmp(data, channels):
    """An uncompressed 8-, 24- or 32-bit BMP as uint8 [h, w, c], rows
    bottom-up unless the height is negative, BGR(A) as RGB(A) (TF's
    DecodeBmp)."""
    if len(data) < 32:
        raise _invalid(f"Incomplete bmp content, requires at least 32 bytes to find the header "
                       f"size, width, height, and bpp, got {len(data)} bytes")
    offset, header_size = struct.unpack("<II", data[10:18])
    width, height = struct.unpack("<ii", data[18:26])
    bpp = struct.unpack("<H", data[28:30])[0]
    if bpp not in (8, 24, 32):
        raise _invalid(f"Number of channels inherent in the image must be 1, 3 or 4, was "
                       f"{bpp // 8}")
    c = bpp // 8
    if channels not in (0, c) and not (channels in (3, 4) and c in (3, 4)):
        raise _invalid(f"channels attribute {channels} does not match bits per pixel from "
                       f"file {bpp}")
    if width <= 0 or height == 0 or abs(height) > (1 << 24) or width > (1 << 24):
        raise _invalid(f"Invalid BMP size: {width}x{height}")
    rows = abs(height)
    row_size = (bpp * width + 31) // 32 * 4
    if offset > len(data) or len(data) - offset < row_size * rows:
        raise _invalid(f"Insufficient bmp content, expected {row_size * rows} bytes of pixel "
                       f"data, got {max(len(data) - offset, 0)}")
    pix = np.frombuffer(data, np.uint8, row_size * rows, offset).reshape(rows, row_size)
    pix = pix[:, :width * c].reshape(rows, width, c)
    if height > 0:
        pix = pix[::-1]
    if c >= 3:
        pix = np.concatenate([pix[..., 2::-1], pix[..., 3:]], axis=-1)
    return convert_channels(np.ascontiguousarray(pix), channels)


# ---- the decoders --------------------------------------------------------------------

def decode_any(data, op_type, channels=0, dtype=dtypes.uint8, expand_animations=True,
               ratio=1, recover=False):
    """The decoded image of `data` as TF 2.21's decoder of `op_type` gives
    it: [h, w, c] (GIFs [frames, h, w, 3] for DecodeGif, and for
    DecodeImage when `expand_animations`)."""
    _check_channels(channels)
    fmt = image_format(data)
    if op_type == "DecodeBmp" and fmt != "bmp":
        if fmt is not None:
            name = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WebP"}[fmt]
            raise _invalid(f"Trying to decode {name} format using DecodeBmp op. Use "
                           f"`decode_{fmt}` or `decode_image` instead.")
        raise _invalid(_UNKNOWN)
    if fmt is None or fmt == "webp":
        raise _invalid(_UNKNOWN)
    if fmt == "bmp" and op_type not in ("DecodeBmp", "DecodeImage"):
        raise _invalid("Trying to decode BMP format using a wrong op. Use `decode_bmp` or "
                       f"`decode_image` instead. Op used: {op_type}")
    if fmt == "gif":
        if channels not in (0, 3):
            raise _invalid(f"channels must be 0 or 3 for GIF, got {channels}")
        frames = _decode_gif(data)
        animated = op_type == "DecodeGif" or (op_type == "DecodeImage" and expand_animations)
        image = frames if animated else frames[0]
    elif fmt == "png":
        image = _decode_png(data, channels)
    elif fmt == "jpeg":
        image = _decode_jpeg(data, channels, ratio, recover)
    else:
        image = _decode_bmp(data, channels)
    if op_type == "DecodeGif" and image.ndim == 3:
        image = image[None]
        if image.shape[-1] != 3:
            image = np.stack([convert_channels(f, 3) for f in image])
    if fmt == "png" and dtype is dtypes.float32:
        image = _as_dtype(image, dtypes.uint16, png=True)  # TF scales PNGs from 16 bits
    return _as_dtype(np.ascontiguousarray(image), dtype, png=fmt == "png")


def _decode_reference(op_type):
    def reference(inputs, attrs):
        data = _bytes_of(inputs[0])
        return [decode_any(
            data, op_type, channels=attrs.get("channels", 0),
            dtype=attrs.get("dtype", dtypes.uint8),
            expand_animations=attrs.get("expand_animations", True),
            ratio=attrs.get("ratio", 1), recover=attrs.get("try_recover_truncated", False))]
    return reference


# ---- encoders -----------------------------------------------------------------------

_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # gray, gray+alpha, RGB, RGBA


def png_bytes(image, compression=-1):
    """PNG bytes of a uint8 or uint16 image [h, w, c] (1 to 4 channels),
    unfiltered rows deflated at zlib level `compression` (-1: zlib's default)."""
    h, w, c = image.shape
    depth = 16 if image.dtype == np.uint16 else 8

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    pix = image.astype(">u2" if depth == 16 else np.uint8).view(np.uint8).reshape(h, -1)
    rows = np.concatenate([np.zeros((h, 1), np.uint8), pix], axis=1)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, _COLOR_TYPES[c], 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), compression))
            + chunk(b"IEND", b""))


def _shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def encode_png_value(inputs, attrs):
    """EncodePng: a PNG of image [h, w, c] (uint8 or uint16)."""
    image = np.asarray(inputs[0])
    if image.ndim != 3:
        raise _invalid(f"image must be 3-dimensional{_shape_text(image.shape)}")
    if image.shape[2] not in (1, 2, 3, 4):
        raise _invalid(f"image must have 1, 2, 3, or 4 channels, got "
                       f"{_shape_text(image.shape)}")
    level = int(attrs.get("compression", -1))
    if not -1 <= level <= 9:
        raise _invalid(f"compression should be in [-1,9], got {level}")
    if image.shape[0] >= 2 ** 31 or image.shape[1] >= 2 ** 31:
        raise _invalid("image too large to encode")
    return png_bytes(np.ascontiguousarray(image), level)


def encode_jpeg_value(inputs, attrs):
    """EncodeJpeg: a JPEG of uint8 image [h, w, 1 or 3] through Pillow."""
    image = np.asarray(inputs[0])
    if image.ndim != 3:
        raise _invalid(f"image must be 3-dimensional{_shape_text(image.shape)}")
    fmt = attrs.get("format", "")
    c = image.shape[2]
    if fmt == "":
        if c not in (1, 3):
            raise _invalid(f"image must have 1 or 3 channels, got {_shape_text(image.shape)}")
    elif fmt in ("grayscale", "rgb"):
        want = 1 if fmt == "grayscale" else 3
        if c != want:
            raise _invalid(f"format {fmt} expects {want} channels, got "
                           f"{_shape_text(image.shape)}")
    else:
        raise _invalid(f"Invalid format: {fmt}")
    quality = int(attrs.get("quality", 95))
    if not 0 <= quality <= 100:
        raise _invalid(f"quality must be in [0,100], got {quality}")
    if image.size == 0:
        raise _invalid(f"Invalid image size {_shape_text(image.shape)}")
    Image, _ = _pillow()
    pil = Image.fromarray(np.ascontiguousarray(image[..., 0] if c == 1 else image),
                          "L" if c == 1 else "RGB")
    unit = attrs.get("density_unit", "in")
    if unit not in ("in", "cm"):
        raise _invalid(f"density_unit must be 'in' or 'cm', got {unit}")
    dpi = (int(attrs.get("x_density", 300)), int(attrs.get("y_density", 300)))
    if unit == "cm":
        dpi = (dpi[0] * 2.54, dpi[1] * 2.54)
    options = dict(quality=max(quality, 1), progressive=bool(attrs.get("progressive", False)),
                   optimize=bool(attrs.get("optimize_size", False)), dpi=dpi,
                   subsampling=2 if attrs.get("chroma_downsampling", True) else 0)
    xmp = attrs.get("xmp_metadata", "")
    if xmp:
        options["xmp"] = xmp.encode() if isinstance(xmp, str) else bytes(xmp)
    out = io.BytesIO()
    pil.save(out, "JPEG", **options)
    return out.getvalue()


def extract_jpeg_shape_value(inputs, attrs):
    """ExtractJpegShape: [height, width, channels] of a JPEG."""
    data = _bytes_of(inputs[0])
    out_type = attrs.get("output_type", dtypes.int32)
    return np.asarray(jpeg_shape(data), dtype=out_type.np_dtype)


# ---- registration --------------------------------------------------------------------

def _sample_image(h, w, c, dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed)
    top = 65535 if dtype == np.uint16 else 255
    return rng.integers(0, top + 1, size=(h, w, c)).astype(dtype)


def _string(data):
    return samples.known(np.array(data, dtype=object))


def _jpeg_of(image, **options):
    return encode_jpeg_value([image], options)


def _gif_of(frames):
    Image, _ = _pillow()
    out = io.BytesIO()
    ims = [Image.fromarray(f) for f in frames]
    ims[0].save(out, "GIF", save_all=True, append_images=ims[1:], duration=50, loop=0)
    return out.getvalue()


def _bmp_of(image):
    h, w, c = image.shape
    row = (8 * c * w + 31) // 32 * 4
    pix = np.zeros((h, row), np.uint8)
    bgr = np.concatenate([image[..., 2::-1], image[..., 3:]], axis=-1) if c >= 3 else image
    pix[:, :w * c] = bgr[::-1].reshape(h, w * c)
    header = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8 * c, 0, row * h, 2835, 2835, 0, 0)
    palette = bytes(b for i in range(256) for b in (i, i, i, 0)) if c == 1 else b""
    offset = 14 + len(header) + len(palette)
    return b"BM" + struct.pack("<IHHI", offset + row * h, 0, 0, offset) + header + palette + \
        pix.tobytes()


def _png_samples(dtype):
    for c in (1, 2, 3, 4):
        png = png_bytes(_sample_image(3, 5, c, seed=c))
        yield [_string(png)], {"channels": 0, "dtype": dtypes.uint8}
    png16 = png_bytes(_sample_image(4, 3, 3, np.uint16, seed=9))
    for channels in (0, 1, 4):
        yield [_string(png16)], {"channels": channels, "dtype": dtypes.uint16}
    yield [_string(png16)], {"channels": 3, "dtype": dtypes.uint8}


def _jpeg_samples(dtype):
    jpg = _jpeg_of(_sample_image(16, 24, 3, seed=4))
    for channels, ratio in ((0, 1), (1, 1), (3, 2)):
        yield [_string(jpg)], {"channels": channels, "ratio": ratio, "fancy_upscaling": True,
                               "try_recover_truncated": False, "acceptable_fraction": 1.0,
                               "dct_method": ""}


def _gif_samples(dtype):
    frames = [np.repeat(_sample_image(4, 5, 1, seed=s) // 64 * 64, 3, axis=-1)
              for s in (1, 2)]
    yield [_string(_gif_of(frames))], {}


def _bmp_samples(dtype):
    for c in (3, 4):
        yield [_string(_bmp_of(_sample_image(3, 5, c, seed=c)))], {"channels": 0}


def _image_samples(dtype):
    yield [_string(png_bytes(_sample_image(3, 4, 3, seed=7)))], \
        {"channels": 0, "dtype": dtypes.float32, "expand_animations": True}
    frames = [np.repeat(_sample_image(4, 5, 1, seed=s) // 64 * 64, 3, axis=-1) for s in (3, 4)]
    yield [_string(_gif_of(frames))], \
        {"channels": 0, "dtype": dtypes.uint8, "expand_animations": False}
    yield [_string(_bmp_of(_sample_image(2, 3, 3, seed=5)))], \
        {"channels": 4, "dtype": dtypes.uint16, "expand_animations": True}


def _encode_png_samples(dtype):
    for c in (1, 2, 3, 4):
        image = samples.values(dtype, (3, 4, c), c, 0, 255 if dtype is dtypes.uint8 else 65535)
        # uint16 lives on the host, where there are no variables: a constant.
        yield [samples.known(image) if dtype is dtypes.uint16 else image], \
            {"compression": -1 if c % 2 else 9}


def _encode_jpeg_samples(dtype):
    for c, fmt in ((3, ""), (1, "grayscale"), (3, "rgb")):
        yield [samples.values(dtype, (8, 8, c), c, 0, 255)], {
            "format": fmt, "quality": 90, "progressive": c == 1, "optimize_size": False,
            "chroma_downsampling": True, "density_unit": "in", "x_density": 300,
            "y_density": 300, "xmp_metadata": ""}


def _shape_samples(dtype):
    yield [_string(_jpeg_of(_sample_image(7, 9, 3, seed=2)))], {"output_type": dtype}
    yield [_string(_jpeg_of(_sample_image(5, 4, 1, seed=3)))], {"output_type": dtype}


def _decoded_shape(ctx):
    channels = ctx.attrs.get("channels", 0) or None
    return [(None, None, channels)]


def _decode_image_shape(ctx):
    if ctx.attrs.get("expand_animations", True):
        return [None]
    return [(None, None, ctx.attrs.get("channels", 0) or None)]


def _register_decoder(op_type, shape, dtype, samples_fn, attrs):
    register(OpDef(op_type, shape=shape, dtype=dtype, reference=_decode_reference(op_type),
                   samples=samples_fn, graphdef=NodeMapping(("contents",), attrs)))


_DECODE_DTYPE = lambda ctx: [ctx.attrs.get("dtype", dtypes.uint8)]  # noqa: E731
_UINT8 = lambda ctx: [dtypes.uint8]  # noqa: E731

_register_decoder("DecodePng", _decoded_shape, _DECODE_DTYPE, _png_samples,
                  [Attr("channels", default=0), Attr("dtype", default=dtypes.uint8)])
_register_decoder("DecodeJpeg", _decoded_shape, _UINT8, _jpeg_samples,
                  [Attr("channels", default=0), Attr("ratio", default=1),
                   Attr("fancy_upscaling", default=True),
                   Attr("try_recover_truncated", default=False),
                   Attr("acceptable_fraction", default=1.0), Attr("dct_method", default="")])
_register_decoder("DecodeGif", lambda ctx: [(None, None, None, 3)], _UINT8, _gif_samples, [])
_register_decoder("DecodeBmp", _decoded_shape, _UINT8, _bmp_samples,
                  [Attr("channels", default=0)])
_register_decoder("DecodeImage", _decode_image_shape, _DECODE_DTYPE, _image_samples,
                  [Attr("channels", default=0), Attr("dtype", default=dtypes.uint8),
                   Attr("expand_animations", default=True)])

register(OpDef("EncodePng", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.string],
               reference=lambda i, a: [encode_png_value(i, a)],
               dtypes=[Accepts("image", (dtypes.uint8, dtypes.uint16))],
               samples=_encode_png_samples,
               graphdef=NodeMapping(("image",), [Attr("compression", default=-1),
                                                 TypeAttr("T", input=0)])))
register(OpDef("EncodeJpeg", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.string],
               reference=lambda i, a: [encode_jpeg_value(i, a)],
               dtypes=[Accepts("image", (dtypes.uint8,))], samples=_encode_jpeg_samples,
               graphdef=NodeMapping(("image",), [
                   Attr("format", default=""), Attr("quality", default=95),
                   Attr("progressive", default=False), Attr("optimize_size", default=False),
                   Attr("chroma_downsampling", default=True),
                   Attr("density_unit", default="in"), Attr("x_density", default=300),
                   Attr("y_density", default=300), Attr("xmp_metadata", default="")])))
register(OpDef("ExtractJpegShape", shape=lambda ctx: [(3,)],
               dtype=lambda ctx: [ctx.attrs.get("output_type", dtypes.int32)],
               reference=lambda i, a: [extract_jpeg_shape_value(i, a)],
               dtypes=[Accepts("output_type", (dtypes.int32, dtypes.int64), attr="output_type")],
               samples=_shape_samples,
               graphdef=NodeMapping(("contents",), [Attr("output_type",
                                                         default=dtypes.int32)])))

for _op_type in ("DecodePng", "DecodeJpeg", "DecodeGif", "DecodeBmp", "DecodeImage",
                 "EncodePng", "EncodeJpeg", "ExtractJpegShape"):
    NotDifferentiable(_op_type)


# ---- the public functions -----------------------------------------------------------------

def _decode(op_type, contents, attrs, name):
    graph = graph_of([contents])
    t = string_tensor(graph, contents, "contents")
    return graph.create_op(op_type, [t], attrs, name=name or op_type).outputs[0]


def _channels(channels):
    return 0 if channels is None else int(channels)


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """Decode a PNG-encoded image to a uint8 or uint16 tensor.

    The attr `channels` indicates the desired number of color channels for
    the decoded image: 0 the number in the PNG-encoded image, 1 grayscale,
    3 RGB, 4 RGBA. This op also supports decoding JPEGs and non-animated
    GIFs since the interface is the same, though it is cleaner to use
    `tf.io.decode_image`.

    Args:
      contents: A `Tensor` of type `string`. 0-D. The PNG-encoded image.
      channels: An optional `int`. Defaults to `0`.
      dtype: An optional `tf.DType` from: `tf.uint8, tf.uint16`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `dtype`, 3-D with shape `[height, width, channels]`.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.uint8, dtypes.uint16):
        raise TypeError(f"Value passed to parameter 'dtype' has DataType {dtype.name} not in "
                        "list of allowed values: uint8, uint16")
    return _decode("DecodePng", contents, {"channels": _channels(channels), "dtype": dtype}, name)


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """Decode a JPEG-encoded image to a uint8 tensor.

    `channels` 0 uses the number of channels in the JPEG-encoded image, 1
    outputs a grayscale image, 3 an RGB image. `ratio` (1, 2, 4 or 8)
    downscales the image by that factor while decoding.
    `try_recover_truncated` decodes a truncated file as far as it goes;
    `fancy_upscaling`, `acceptable_fraction` and `dct_method` are accepted
    as TF's (Pillow's libjpeg decodes with its accurate integer DCT and
    fancy upsampling).

    Args:
      contents: A `Tensor` of type `string`. 0-D. The JPEG-encoded image.
      channels: An optional `int`. Defaults to `0`.
      ratio: An optional `int`. Defaults to `1`. Downscaling ratio.
      fancy_upscaling: An optional `bool`. Defaults to `True`.
      try_recover_truncated: An optional `bool`. Defaults to `False`.
      acceptable_fraction: An optional `float`. Defaults to `1`.
      dct_method: An optional `string`. Defaults to `""`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `uint8`, 3-D with shape `[height, width, channels]`.
    """
    return _decode("DecodeJpeg", contents, {
        "channels": _channels(channels), "ratio": int(ratio),
        "fancy_upscaling": bool(fancy_upscaling),
        "try_recover_truncated": bool(try_recover_truncated),
        "acceptable_fraction": float(acceptable_fraction), "dct_method": str(dct_method)}, name)


def decode_gif(contents, name=None):
    """Decode the frame(s) of a GIF-encoded image to a uint8 tensor.

    GIF images with frame or transparency compression are not supported.
    This op also supports decoding JPEGs and PNGs, though it is cleaner to
    use `tf.io.decode_image`.

    Args:
      contents: A `Tensor` of type `string`. 0-D. The GIF-encoded image.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `uint8`, 4-D with shape `[num_frames, height,
      width, 3]`. RGB channel order.
    """
    return _decode("DecodeGif", contents, {}, name)


def decode_bmp(contents, channels=0, name=None):
    """Decode the first frame of a BMP-encoded image to a uint8 tensor.

    `channels` 0 uses the number of channels in the BMP-encoded image, 3
    outputs an RGB image, 4 an RGBA image.

    Args:
      contents: A `Tensor` of type `string`. 0-D. The BMP-encoded image.
      channels: An optional `int`. Defaults to `0`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `uint8`. 3-D with shape `[height, width, channels]`.
    """
    return _decode("DecodeBmp", contents, {"channels": _channels(channels)}, name)


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None,
                 expand_animations=True):
    """Function for `decode_bmp`, `decode_gif`, `decode_jpeg`, and `decode_png`.

    Detects whether an image is a BMP, GIF, JPEG, or PNG, and performs the
    appropriate operation to convert the input bytes `string` into a
    `Tensor` of type `dtype`. GIFs give a 4-D `[num_frames, height, width,
    3]` tensor unless `expand_animations` is False (their first frame); the
    others `[height, width, num_channels]`. Floating-point dtypes are scaled
    to [0, 1) as `convert_image_dtype` does.

    Args:
      contents: A `Tensor` of type `string`. 0-D. The encoded image bytes.
      channels: An optional `int`. Defaults to `0`. Number of color channels
        for the decoded image.
      dtype: The desired DType of the returned `Tensor`.
      name: A name for the operation (optional)
      expand_animations: An optional `bool`. Defaults to `True`.

    Returns:
      `Tensor` with type `dtype` and a 3- or 4-dimensional shape, depending
      on the file type and the value of the `expand_animations` parameter.
    """
    dtype = dtypes.as_dtype(dtype)
    graph = graph_of([contents])
    with graph.name_scope(name or "decode_image"):
        decode_as = dtype if dtype in (dtypes.float32, dtypes.uint8, dtypes.uint16) \
            else dtypes.uint16
        image = _decode("DecodeImage", contents, {
            "channels": _channels(channels), "dtype": decode_as,
            "expand_animations": bool(expand_animations)}, "DecodeImage")
        if decode_as is not dtype:
            image = convert_image_dtype(image, dtype)
    return image


def encode_png(image, compression=-1, name=None):
    """PNG-encode an image.

    `image` is a 3-D uint8 or uint16 Tensor of shape `[height, width,
    channels]` where `channels` is: 1 for grayscale, 2 for grayscale +
    alpha, 3 for RGB, 4 for RGBA. `compression` is a compression level for
    the image, from 0 to 9; -1 means the zlib default.

    Args:
      image: A `Tensor`. Must be one of the following types: `uint8`,
        `uint16`. 3-D with shape `[height, width, channels]`.
      compression: An optional `int`. Defaults to `-1`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `string`. 0-D. PNG-encoded image.
    """
    graph = graph_of([image])
    t = to_tensor(graph, image)
    return graph.create_op("EncodePng", [t], {"compression": int(compression)},
                           name=name or "EncodePng").outputs[0]


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,  # noqa: A002
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None):
    """JPEG-encode an image.

    `image` is a 3-D uint8 Tensor of shape `[height, width, channels]`.
    `format` "" picks grayscale or RGB by the channels (1 or 3);
    "grayscale" and "rgb" require 1 and 3. `quality` (0-100, higher is
    better and slower), `progressive`, `optimize_size`,
    `chroma_downsampling`, the density and the XMP metadata are written as
    TF writes them (through Pillow's libjpeg).

    Returns:
      A `Tensor` of type `string`. 0-D. JPEG-encoded image.
    """
    graph = graph_of([image])
    t = to_tensor(graph, image)
    return graph.create_op("EncodeJpeg", [t], {
        "format": str(format), "quality": int(quality), "progressive": bool(progressive),
        "optimize_size": bool(optimize_size), "chroma_downsampling": bool(chroma_downsampling),
        "density_unit": str(density_unit), "x_density": int(x_density),
        "y_density": int(y_density), "xmp_metadata": str(xmp_metadata)},
        name=name or "EncodeJpeg").outputs[0]


def extract_jpeg_shape(contents, output_type=dtypes.int32, name=None):
    """Extract the shape information of a JPEG-encoded image.

    This op only parses the image header, so it is much faster than
    DecodeJpeg.

    Args:
      contents: A `Tensor` of type `string`. 0-D. The JPEG-encoded image.
      output_type: An optional `tf.DType` from: `tf.int32, tf.int64`.
        Defaults to `tf.int32`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `output_type`: 1-D, [height, width, channels].
    """
    return _decode("ExtractJpegShape", contents,
                   {"output_type": dtypes.as_dtype(output_type)}, name)


def decode_and_crop_jpeg_value(inputs, attrs):
    """DecodeAndCropJpeg: the decoded JPEG's window [y, x, h, w]."""
    data = _bytes_of(inputs[0])
    window = np.asarray(inputs[1]).reshape(-1)
    if window.size != 4:
        raise _invalid(f"crop_size must have four elements [{window.size}]")
    image = decode_any(data, "DecodeJpeg", channels=attrs.get("channels", 0),
                       ratio=attrs.get("ratio", 1),
                       recover=attrs.get("try_recover_truncated", False))
    y, x, h, w = (int(v) for v in window)
    if y < 0 or x < 0 or h <= 0 or w <= 0 or y + h > image.shape[0] or x + w > image.shape[1]:
        raise _invalid("jpeg::Uncompress failed. Invalid JPEG data or crop window.")
    return np.ascontiguousarray(image[y:y + h, x:x + w])


def _crop_samples(dtype):
    jpg = _jpeg_of(_sample_image(16, 24, 3, seed=5))
    yield [_string(jpg), samples.known(np.array([2, 3, 5, 7], np.int32))], {
        "channels": 0, "ratio": 1, "fancy_upscaling": True, "try_recover_truncated": False,
        "acceptable_fraction": 1.0, "dct_method": ""}
    yield [_string(jpg), samples.known(np.array([0, 0, 16, 24], np.int32))], {
        "channels": 1, "ratio": 1, "fancy_upscaling": True, "try_recover_truncated": False,
        "acceptable_fraction": 1.0, "dct_method": ""}


register(OpDef("DecodeAndCropJpeg", shape=_decoded_shape, dtype=_UINT8,
               reference=lambda i, a: [decode_and_crop_jpeg_value(i, a)],
               samples=_crop_samples,
               graphdef=NodeMapping(("contents", "crop_window"), [
                   Attr("channels", default=0), Attr("ratio", default=1),
                   Attr("fancy_upscaling", default=True),
                   Attr("try_recover_truncated", default=False),
                   Attr("acceptable_fraction", default=1.0), Attr("dct_method", default="")])))
NotDifferentiable("DecodeAndCropJpeg")


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                         name=None):
    """Decode and Crop a JPEG-encoded image to a uint8 tensor.

    As `decode_jpeg`, keeping the window `crop_window` ([crop_y, crop_x,
    crop_height, crop_width], int32) of the decoded image; a window
    outside the image raises InvalidArgumentError.

    Returns:
      A `Tensor` of type `uint8`. 3-D with shape `[height, width, channels]`.
    """
    graph = graph_of([contents, crop_window])
    t = string_tensor(graph, contents, "contents")
    window = to_tensor(graph, crop_window, dtype=dtypes.int32)
    return graph.create_op("DecodeAndCropJpeg", [t, window], {
        "channels": _channels(channels), "ratio": int(ratio),
        "fancy_upscaling": bool(fancy_upscaling),
        "try_recover_truncated": bool(try_recover_truncated),
        "acceptable_fraction": float(acceptable_fraction), "dct_method": str(dct_method)},
        name=name or "DecodeAndCropJpeg").outputs[0]


def is_jpeg(contents, name=None):
    """Convenience function to check if the 'contents' encodes a JPEG image
    (its first three bytes are the JPEG SOI marker).

    Returns:
      A scalar boolean tensor indicating if 'contents' may be a JPEG image.
    """
    graph = graph_of([contents])
    t = string_tensor(graph, contents, "contents")
    return graph.create_op("IsJpeg", [t], {}, name=name or "is_jpeg").outputs[0]


register(OpDef("IsJpeg", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.bool],
               reference=lambda i, a: [np.bool_(_bytes_of(i[0])[:3] == b"\xff\xd8\xff")],
               samples=lambda dtype: iter([([_string(_jpeg_of(_sample_image(2, 2, 3)))], {}),
                                           ([_string(b"\x89PNG")], {})]),
               graphdef=NoGraphDef("TF builds tf.io.is_jpeg from Substr and Equal")))
NotDifferentiable("IsJpeg")
