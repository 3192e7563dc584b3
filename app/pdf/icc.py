"""An sRGB ICC profile of version 2.1, as PDF/A-1 (PDF 1.4) requires, built from Pillow's sRGB profile."""
from __future__ import annotations

import struct
from functools import lru_cache

DESCRIPTION = "sRGB IEC61966-2.1"


def _tags(profile: bytes) -> dict[bytes, bytes]:
    count = struct.unpack(">I", profile[128:132])[0]
    out = {}
    for i in range(count):
        sig, offset, size = struct.unpack(">4sII", profile[132 + 12 * i:144 + 12 * i])
        out[sig] = profile[offset:offset + size]
    return out


def _text_description(text: str) -> bytes:
    """A version 2 'desc' tag: ASCII text, no Unicode or ScriptCode parts."""
    ascii_text = text.encode("ascii") + b"\0"
    return (b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text + struct.pack(">II", 0, 0)
            + b"\0\0\0" + b"\0" * 67)


def _srgb_curve(points: int = 1024) -> bytes:
    """The sRGB transfer function as a sampled 'curv' tag (version 2 has no parametric curves)."""
    values = []
    for i in range(points):
        x = i / (points - 1)
        y = x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4
        values.append(round(y * 65535))
    return b"curv\0\0\0\0" + struct.pack(">I", points) + struct.pack(f">{points}H", *values)


def _assemble(header: bytes, tags: dict[bytes, bytes]) -> bytes:
    offset = 128 + 4 + 12 * len(tags)
    entries, data, placed = [], b"", {}
    for sig, blob in tags.items():
        if blob not in placed:  # the three tone curves share one copy
            placed[blob] = offset + len(data)
            data += blob + b"\0" * (-len(blob) % 4)
        entries.append(struct.pack(">4sII", sig, placed[blob], len(blob)))
    body = struct.pack(">I", len(tags)) + b"".join(entries) + data
    out = bytearray(header)
    out[0:4] = struct.pack(">I", 128 + len(body))
    out[8:12] = b"\x02\x10\x00\x00"  # version 2.1.0
    # lcms stamps the profile with the time it was made: a fixed date instead, so that the same letter gives the
    # same bytes in every process (a worker, a test, tomorrow), as render_decision_letter promises.
    out[24:36] = struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
    out[84:100] = b"\0" * 16  # profile ID is reserved (zero) in version 2
    return bytes(out) + body


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """Pillow's sRGB colorants re-written as a version 2.1 display profile."""
    from PIL import ImageCms
    v4 = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    found = _tags(v4)
    curve = _srgb_curve()
    tags = {b"desc": _text_description(DESCRIPTION), b"cprt": b"text\0\0\0\0No copyright, use freely\0",
            b"wtpt": found[b"wtpt"], b"rXYZ": found[b"rXYZ"], b"gXYZ": found[b"gXYZ"], b"bXYZ": found[b"bXYZ"],
            b"rTRC": curve, b"gTRC": curve, b"bTRC": curve}
    return _assemble(v4[:128], tags)
