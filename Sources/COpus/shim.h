#ifndef HOTLINE_COPUS_SHIM_H
#define HOTLINE_COPUS_SHIM_H
#include <opus.h>
#include <opus_multistream.h>

/* opus_encoder_ctl / opus_decoder_ctl are variadic and their requests are macros:
   Swift cannot call them, so each request Hotline uses gets a named helper. */

static inline int hotline_opus_set_bitrate(OpusEncoder *e, opus_int32 bitsPerSecond) {
    return opus_encoder_ctl(e, OPUS_SET_BITRATE(bitsPerSecond));
}
static inline int hotline_opus_set_complexity(OpusEncoder *e, opus_int32 complexity) {
    return opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(complexity));
}
static inline int hotline_opus_set_inband_fec(OpusEncoder *e, opus_int32 enabled) {
    return opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(enabled));
}
static inline int hotline_opus_set_packet_loss_perc(OpusEncoder *e, opus_int32 percent) {
    return opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(percent));
}
static inline int hotline_opus_set_dtx(OpusEncoder *e, opus_int32 enabled) {
    return opus_encoder_ctl(e, OPUS_SET_DTX(enabled));
}
static inline int hotline_opus_set_signal_voice(OpusEncoder *e) {
    return opus_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
}
static inline int hotline_opus_get_lookahead(OpusEncoder *e, opus_int32 *samples) {
    return opus_encoder_ctl(e, OPUS_GET_LOOKAHEAD(samples));
}
static inline int hotline_opus_get_bitrate(OpusEncoder *e, opus_int32 *bitsPerSecond) {
    return opus_encoder_ctl(e, OPUS_GET_BITRATE(bitsPerSecond));
}
static inline int hotline_opus_decoder_reset(OpusDecoder *d) {
    return opus_decoder_ctl(d, OPUS_RESET_STATE);
}
static inline int hotline_opus_ms_set_bitrate(OpusMSEncoder *e, opus_int32 bitsPerSecond) {
    return opus_multistream_encoder_ctl(e, OPUS_SET_BITRATE(bitsPerSecond));
}
static inline int hotline_opus_ms_set_complexity(OpusMSEncoder *e, opus_int32 complexity) {
    return opus_multistream_encoder_ctl(e, OPUS_SET_COMPLEXITY(complexity));
}
static inline int hotline_opus_ms_set_signal_voice(OpusMSEncoder *e) {
    return opus_multistream_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
}
static inline int hotline_opus_ms_get_lookahead(OpusMSEncoder *e, opus_int32 *samples) {
    return opus_multistream_encoder_ctl(e, OPUS_GET_LOOKAHEAD(samples));
}
#endif
