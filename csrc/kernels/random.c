/* random kernels. */
#include "../fg.h"
