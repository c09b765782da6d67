#ifndef HOTLINE_CALSA_SHIM_H
#define HOTLINE_CALSA_SHIM_H
#include <alsa/asoundlib.h>

/// ALSA's error codes are negative errno values; Swift cannot see the macros' sums.
static inline int hotline_alsa_eintr(void) { return -EINTR; }
static inline int hotline_alsa_epipe(void) { return -EPIPE; }
static inline int hotline_alsa_estrpipe(void) { return -ESTRPIPE; }
static inline int hotline_alsa_eagain(void) { return -EAGAIN; }

#endif
