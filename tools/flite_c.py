"""flite's rms voice through its C API (ctypes): the voice build reads its audio and
segments (tools/make-rms-voice.py), the TTS bench times it in process (bench/tts.py)."""
import ctypes
import numpy as np

RATE = 16000


class Flite:
    """flite's rms voice through its C API (ctypes)."""

    class Wave(ctypes.Structure):
        _fields_ = [("type", ctypes.c_char_p), ("sample_rate", ctypes.c_int), ("num_samples", ctypes.c_int),
                    ("num_channels", ctypes.c_int), ("samples", ctypes.POINTER(ctypes.c_short))]

    def __init__(self):
        lib = ctypes.CDLL("libflite.so.1", mode=ctypes.RTLD_GLOBAL)
        for name in ("libflite_usenglish.so.1", "libflite_cmulex.so.1"):
            ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
        voice_lib = ctypes.CDLL("libflite_cmu_us_rms.so.1", mode=ctypes.RTLD_GLOBAL)
        lib.flite_init()
        voice_lib.register_cmu_us_rms.restype = ctypes.c_void_p
        self.voice = voice_lib.register_cmu_us_rms(None)
        p = ctypes.c_void_p
        for name, args, result in [("flite_synth_phones", [ctypes.c_char_p, p], p), ("utt_relation", [p, ctypes.c_char_p], p),
                                   ("relation_head", [p], p), ("item_next", [p], p), ("item_feat_string", [p, ctypes.c_char_p], p),
                                   ("item_feat_float", [p, ctypes.c_char_p], ctypes.c_float), ("delete_utterance", [p], None),
                                   ("flite_synth_text", [ctypes.c_char_p, p], p),
                                   ("utt_wave", [p], ctypes.POINTER(self.Wave))]:
            f = getattr(lib, name)
            f.argtypes, f.restype = args, result
        self.lib = lib

    def speak(self, phones):
        """Samples and segments for a phone string (no words, so no stress)."""
        return self._segments(self.lib.flite_synth_phones(" ".join(phones).encode(), self.voice))

    def say(self, text):
        """Samples and segments for text (words and their stress from flite's lexicon)."""
        return self._segments(self.lib.flite_synth_text(text.encode(), self.voice))

    def _segments(self, utt):
        """Samples (float, int16 scale) and [(phone, start s, end s)] of an utterance."""
        lib = self.lib
        wave = lib.utt_wave(utt).contents
        assert wave.sample_rate == RATE, wave.sample_rate
        x = np.ctypeslib.as_array(wave.samples, shape=(wave.num_samples,)).astype(np.float64)
        segments, start = [], 0.0
        item = lib.relation_head(lib.utt_relation(utt, b"Segment"))
        while item:
            end = lib.item_feat_float(item, b"end")
            segments.append((ctypes.string_at(lib.item_feat_string(item, b"name")).decode(), start, end))
            start = end
            item = lib.item_next(item)
        lib.delete_utterance(utt)
        return x, segments
