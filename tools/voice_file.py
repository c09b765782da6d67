"""Writes a Hotline voice file, for tools/import-kal-voice.py and tools/make-rms-voice.py
(the layout is described in import-kal-voice.py)."""
import json, os, struct


def write_voice(path, header, frames, residual):
    """Writes `header` (a dict, as JSON), `frames` (rows of header["frame_floats"] floats)
    and `residual` (mu-law bytes) to `path`; returns the file's size in bytes."""
    text = json.dumps(header, separators=(",", ":")).encode()
    out = bytearray(b"HVOX" + struct.pack("<II", 1, len(text)) + text)
    out += b"\0" * (-len(out) % 4)
    row = struct.Struct("<%df" % header["frame_floats"])
    for f in frames:
        out += row.pack(*f)
    out += residual
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)
    return len(out)
