/* linalg kernels. */
#include "../fg.h"
