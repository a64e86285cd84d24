/* Unsorted segment reductions other than the sum (indexing.c has that one).
 *   unsorted_segment_reduce: in = [data, segment_ids], iattr = [mode]; data viewed as
 *               [ids.size, inner], the output as [num_segments, inner]; each output row
 *               starts at the mode's identity (TF's: lowest() for max, highest() for min,
 *               1 for prod) and combines the data rows whose id names it. Negative ids
 *               are dropped; an id >= num_segments fails. */
#ifndef FG_SEGMENT_H
#define FG_SEGMENT_H

enum { SEGMENT_MODE, SEGMENT_WORDS };
enum { SEGMENT_MAX, SEGMENT_MIN, SEGMENT_PROD };

#define FG_OPS_SEGMENT(X) X(unsorted_segment_reduce)

#endif
