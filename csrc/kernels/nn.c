/* nn kernels. */
#include "../fg.h"
