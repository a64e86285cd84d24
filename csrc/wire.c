/* Protobuf wire-format scanning (see wire.h). */
#include "wire.h"


/* Reads the varint at *pos (at most 10 bytes, within len): 0 on success. */
static int read_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *value)
{
    uint64_t result = 0;
    size_t p = *pos;
    for (int shift = 0; shift < 70; shift += 7) {
        if (p >= len)
            return -1;
        uint8_t b = buf[p++];
        if (shift < 64)
            result |= (uint64_t)(b & 0x7F) << shift;
        if (b < 0x80) {
            *pos = p;
            *value = result;
            return 0;
        }
    }
    return -1;
}

ptrdiff_t fg_wire_fields(const uint8_t *buf, size_t len, fg_wire_field *out, size_t max)
{
    size_t pos = 0, count = 0;
    while (pos < len) {
        uint64_t key, v = 0;
        if (read_varint(buf, len, &pos, &key))
            return -1;
        fg_wire_field f;
        f.number = key >> 3;
        f.wire = (uint32_t)(key & 7);
        f.offset = 0;
        f.length = 0;
        switch (f.wire) {
        case 0:
            if (read_varint(buf, len, &pos, &v))
                return -1;
            break;
        case 1:
            if (len - pos < 8)
                return -1;
            for (int i = 7; i >= 0; i--)
                v = (v << 8) | buf[pos + (size_t)i];
            pos += 8;
            break;
        case 2: {
            uint64_t n;
            if (read_varint(buf, len, &pos, &n) || n > len - pos)
                return -1;
            f.offset = pos;
            f.length = (size_t)n;
            pos += (size_t)n;
            break;
        }
        case 5:
            if (len - pos < 4)
                return -1;
            for (int i = 3; i >= 0; i--)
                v = (v << 8) | buf[pos + (size_t)i];
            pos += 4;
            break;
        default:
            return -1;
        }
        f.value = v;
        if (count < max)
            out[count] = f;
        count++;
    }
    return (ptrdiff_t)count;
}

ptrdiff_t fg_wire_packed_varints(const uint8_t *buf, size_t len, int64_t *out, size_t max)
{
    size_t pos = 0, count = 0;
    while (pos < len) {
        uint64_t v;
        if (read_varint(buf, len, &pos, &v))
            return -1;
        if (count < max)
            out[count] = (int64_t)v;
        count++;
    }
    return (ptrdiff_t)count;
}
