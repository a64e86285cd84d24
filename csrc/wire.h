/* The protobuf wire format, read without allocating: one message level
 * at a time, for parsing tf.train.Example protos (fastgraph/_native/wire.pyx).
 *
 * Everything read is untrusted: every length is checked against the
 * buffer before it is used; a malformed message gives -1, never a read
 * past its end. */
#ifndef FG_WIRE_H
#define FG_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* One field of a message: its number and wire type; for varint (0),
 * fixed64 (1) and fixed32 (5) fields the value, for length-delimited (2)
 * ones the offset and length of the payload in the message's buffer. */
typedef struct {
    uint64_t number;
    uint32_t wire;
    uint64_t value;
    size_t offset;
    size_t length;
} fg_wire_field;

/* Scans the fields of the message buf[0..len): writes the first `max` to
 * out and returns how many there are (call again with room for all when
 * that is more than max), or -1 when the message is malformed (a
 * truncated field, a varint of more than 10 bytes, a payload that runs
 * past the end, the group wire types 3 and 4, or 6 and 7). */
ptrdiff_t fg_wire_fields(const uint8_t *buf, size_t len, fg_wire_field *out, size_t max);

/* Decodes the packed varints buf[0..len) as int64 (two's complement of
 * the low 64 bits): writes the first `max` and returns how many there
 * are, or -1 when one is truncated or longer than 10 bytes. */
ptrdiff_t fg_wire_packed_varints(const uint8_t *buf, size_t len, int64_t *out, size_t max);

#endif
