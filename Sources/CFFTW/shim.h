#ifndef HOTLINE_CFFTW_SHIM_H
#define HOTLINE_CFFTW_SHIM_H
#include <fftw3.h>
#endif
