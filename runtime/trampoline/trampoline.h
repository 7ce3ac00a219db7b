/* Shared by the trampoline and warren: the argv[0] that tells the trampoline warren sent it. */
#pragma once

#define TRAMPOLINE_MAGIC "warren-exec-trampoline"
