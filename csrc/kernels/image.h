/* Image ops on NHWC batches (3-D HWC images run as a batch of one): resizing,
 * dtype conversion, grayscale, per-image standardization, and one strided
 * window copy behind the flips, crops and pads. */
#ifndef FG_IMAGE_H
#define FG_IMAGE_H
#define FG_OPS_IMAGE(X)                                                          \
    X(resize_bilinear) X(resize_nearest) X(resize_area) X(convert_image_dtype)   \
    X(rgb_to_grayscale) X(per_image_standardization) X(image_window)  \
    X(resize_bilinear_grad) X(resize_nearest_grad)

/* resize_bilinear and resize_nearest, and their gradients (in[0] the gradient of the
 * resized image, the output the original image's): iattr = [align_corners,
 * half_pixel_centers];
 * resize_area: [align_corners]. */
enum { RESIZE_ALIGN_CORNERS, RESIZE_HALF_PIXEL, RESIZE_N_IATTRS };
/* convert_image_dtype: iattr = [mode, saturate, k, int lo, int hi], fattr =
 * [scale, float lo, float hi] (see image.c). */
/* The values of CID_MODE. */
enum { CID_INT_DOWN, CID_INT_UP, CID_FLOAT_FLOAT, CID_INT_TO_FLOAT, CID_FLOAT_TO_INT };
enum { CID_MODE, CID_SATURATE, CID_K, CID_INT_LO, CID_INT_HI, CID_N_IATTRS };
enum { CID_SCALE, CID_FLOAT_LO, CID_FLOAT_HI, CID_N_FATTRS };
/* rgb_to_grayscale: fattr = [in_scale, out_scale]; iattr = [fused]: a single pixel's
 * dot product with fused multiply-adds (TF's oneDNN MatMul path). */
enum { GRAY_IN_SCALE, GRAY_OUT_SCALE, GRAY_N_FATTRS };
enum { GRAY_FUSED, GRAY_N_IATTRS };
/* per_image_standardization: iattr = [images, pixels per image]. */
enum { STD_IMAGES, STD_PIXELS, STD_N_IATTRS };
/* image_window: iattr = [B, H, W, OH, OW, pixel bytes, dy, dx, flip_y, flip_x]. */
enum {
    WIN_B, WIN_H, WIN_W, WIN_OH, WIN_OW, WIN_PIXEL_BYTES, WIN_DY, WIN_DX, WIN_FLIP_Y, WIN_FLIP_X,
    WIN_N_IATTRS
};

#endif
