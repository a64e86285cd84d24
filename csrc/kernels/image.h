/* Image ops on NHWC batches (3-D HWC images run as a batch of one): resizing,
 * dtype conversion, grayscale, per-image standardization, and one strided
 * window copy behind the flips, crops and pads. */
#define FG_OPS_IMAGE(X)                                                          \
    X(resize_bilinear) X(resize_nearest) X(resize_area) X(convert_image_dtype)   \
    X(rgb_to_grayscale) X(per_image_standardization) X(image_window)
