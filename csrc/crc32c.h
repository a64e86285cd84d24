/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * TensorFlow's checkpoints, TFRecords and LevelDB-format tables.
 *
 * fg_crc32c_extend uses the SSE4.2 crc32 instruction when the CPU has it
 * (checked at run time, so the build needs no -msse4.2) and slicing-by-8
 * tables otherwise. */
#ifndef FG_CRC32C_H
#define FG_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32C of `crc`'s message followed by data[0..n): start with 0. */
uint32_t fg_crc32c_extend(uint32_t crc, const void *data, size_t n);

/* The same with the portable tables only (for testing one path against
 * the other). */
uint32_t fg_crc32c_extend_portable(uint32_t crc, const void *data, size_t n);

/* 1 when fg_crc32c_extend runs on the crc32 instruction. */
int fg_crc32c_hardware(void);

#endif
