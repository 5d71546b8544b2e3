/* The umbrella header: every header of CWharf, so adding one changes this file and the
   compiler's cached module is rebuilt (an umbrella directory alone is not rechecked). */
#include "cwharf_archive.h"
#include "cwharf_proc.h"
#include "cwharf_sha256.h"
#include "cwharf_tty.h"
#include "cwharf_zstd.h"
