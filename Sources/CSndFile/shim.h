#ifndef HOTLINE_CSNDFILE_SHIM_H
#define HOTLINE_CSNDFILE_SHIM_H
#include <sndfile.h>
#endif
