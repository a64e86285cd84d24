/* reduction kernels. */
#include "../fg.h"
