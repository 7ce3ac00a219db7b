/* placeholder until `warren spec` lands */
#include "spec-default.h"
