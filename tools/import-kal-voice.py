#!/usr/bin/env python3
"""Imports festival's kal diphone voice (Debian festvox-kallpc16k) into Hotline's voice format.

Reads kallpc16k.group: a text index of 1,619 diphones, then per diphone an EST binary
track (per pitchmark: time, break flag, LPC gain, 16 LPC coefficients) and a Sun .snd
file holding the LPC residual as 8-bit mu-law at 16 kHz. Writes Models/voices/kal16/kal16.voice:

    "HVOX", u32 version (1), u32 header length, header (JSON, UTF-8), zero padding to 4 bytes,
    float32 frames [n][18] (time from the unit's start in s, gain, a1..a16), little-endian,
    uint8 mu-law residual samples, all units one after another.

The JSON header lists the phones and, per diphone, its frame and residual ranges and the
frame at the phone boundary. Usage:
    python3 tools/import-kal-voice.py [--group PATH] [--out Models/voices/kal16/kal16.voice]
(`apt-get install festvox-kallpc16k` provides the group file; only the import needs it.)
"""
import argparse, os, struct
from voice_file import write_voice

DEFAULT_GROUP = "/usr/share/festival/voices/english/kal_diphone/group/kallpc16k.group"


def header_end(data, start):
    marker = b"EST_Header_End\n"
    end = data.index(marker, start)
    return data[start:end].decode("ascii"), end + len(marker)


def fields(text):
    out = {}
    for line in text.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            out[parts[0]] = parts[1]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--group", default=DEFAULT_GROUP)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Models", "voices", "kal16", "kal16.voice"))
    args = ap.parse_args()
    data = open(args.group, "rb").read()
    text, pos = header_end(data, 0)
    count = int(fields(text)["NumEntries"])
    index = []
    for _ in range(count):
        end = data.index(b"\n", pos)
        name, track, sig, mid = data[pos:end].decode().split()
        index.append((name, int(track), int(sig), int(mid)))
        pos = end + 1
    base = pos
    frames, residual, units, phones = [], bytearray(), [], set()
    for name, track, sig, mid in index:
        text, body = header_end(data, base + track)
        info = fields(text)
        n, channels = int(info["NumFrames"]), int(info["NumChannels"])
        assert info["ByteOrder"] == "01" and info.get("BreaksPresent") == "true" and channels == 17, name
        stride = 2 + channels
        values = struct.unpack("<%df" % (n * stride), data[body:body + 4 * n * stride])
        first = len(frames)
        for k in range(n):
            row = values[k * stride:(k + 1) * stride]
            frames.append((row[0],) + row[2:])          # time, gain, a1..a16 (the break flag dropped)
        magic, offset, size, encoding, rate, chans = struct.unpack(">4sIIIII", data[base + sig:base + sig + 24])
        assert magic == b".snd" and encoding == 1 and rate == 16000 and chans == 1, name
        samples = data[base + sig + offset:base + sig + offset + size]
        units.append({"name": name, "frame": first, "frames": n, "boundary": mid,
                      "residual": len(residual), "samples": len(samples)})
        residual += samples
        phones.update(name.split("-"))
    written = write_voice(args.out, {"name": "kal16", "source": "festvox-kallpc16k 2.4 (Black & Lenzo, CMU/Edinburgh), converted",
                                     "sample_rate": 16000, "lpc_order": 16, "frame_floats": 18, "encoding": "mulaw",
                                     "phones": sorted(phones), "units": units}, frames, residual)
    print(f"{args.out}: {len(units)} diphones, {len(frames)} LPC frames, {len(residual)} residual samples, "
          f"{len(phones)} phones, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
