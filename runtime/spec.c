/* placeholder until the parser lands */
#include "spec.h"
