/* conv kernels. */
#include "../fg.h"
