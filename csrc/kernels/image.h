/* Image resizing on NHWC batches. */
#define FG_OPS_IMAGE(X) X(resize_bilinear) X(resize_nearest)
