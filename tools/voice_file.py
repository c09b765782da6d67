"""Writes a Hotline voice file, for tools/import-kal-voice.py and tools/make-rms-voice.py
(the layout is described in import-kal-voice.py).

A header with "frame_encoding": "reflection16" (version 2) stores each frame in 34 bytes
instead of 72: the mark's time from the unit's start in samples (uint16), then the 16
reflection coefficients of its LPC filter as int16 (k * 32767); `quantized` makes the
predictor coefficients such a frame gives back, so the residual can be computed with them.
"""
import json, os, struct

REFLECTION_SCALE = 32767


def reflection(a):
    """Reflection coefficients of predictor coefficients a1..ap (x[n] ~ sum a_k x[n-k])."""
    a, k = [float(v) for v in a], [0.0] * len(a)
    for i in range(len(a) - 1, -1, -1):
        k[i] = a[i]
        if i:
            a = [(a[j] + k[i] * a[i - 1 - j]) / (1 - k[i] * k[i]) for j in range(i)]
    return k


def predictor(k):
    """Predictor coefficients of reflection coefficients (the Levinson-Durbin step-up)."""
    a = []
    for i, ki in enumerate(k):
        a = [a[j] - ki * a[i - 1 - j] for j in range(i)] + [ki]
    return a


def quantized(a):
    """The predictor a frame of "reflection16" stores for `a`, and its int16 reflection coefficients."""
    q = [round(max(-0.9999, min(0.9999, k)) * REFLECTION_SCALE) for k in reflection(a)]
    return predictor([v / REFLECTION_SCALE for v in q]), q


def write_voice(path, header, frames, residual):
    """Writes `header` (a dict, as JSON), `frames` (rows of header["frame_floats"] floats:
    time in s, gain, a1..a16) and `residual` (mu-law bytes) to `path`; returns the file's
    size in bytes."""
    compact = header.get("frame_encoding") == "reflection16"
    text = json.dumps(header, separators=(",", ":")).encode()
    out = bytearray(b"HVOX" + struct.pack("<II", 2 if compact else 1, len(text)) + text)
    out += b"\0" * (-len(out) % 4)
    rate = header["sample_rate"]
    row = struct.Struct("<H%dh" % header["lpc_order"]) if compact else struct.Struct("<%df" % header["frame_floats"])
    for f in frames:
        out += row.pack(int(round(f[0] * rate)), *quantized(f[2:])[1]) if compact else row.pack(*f)
    out += residual
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)
    return len(out)
