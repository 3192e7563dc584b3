"""Uploaded photos lose their metadata (EXIF with GPS position, comments, XMP) by being drawn anew with Pillow.

A phone photo tells where and when it was taken and on which phone; none of that belongs in a case
file. Orientation is kept by turning the pixels, the format stays, and the colour profile is kept.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported by the first picture uploaded, not at every process's start
    from PIL import Image

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}
MAX_ANIMATION_PIXELS = 50_000_000  # all frames together
MAX_PIXELS = 80_000_000  # a 48-megapixel phone photo fits; a decompression bomb does not
JPEG_QUALITY = 92
# Only what draws the picture survives; everything else in Pillow's `info` is dropped.
_KEEP = {"JPEG": ("icc_profile", "dpi"), "PNG": ("icc_profile", "dpi", "transparency", "gamma"),
         "GIF": ("transparency", "background", "duration", "loop", "disposal")}


class ImageUnreadable(Exception):
    """Pillow cannot read the picture (damaged, not really an image, or far too large)."""


def _kept(info: dict, fmt: str) -> dict:
    return {key: info[key] for key in _KEEP[fmt] if info.get(key) is not None}


def _still(image: Image.Image, fmt: str) -> bytes:
    from PIL import ImageOps

    upright = ImageOps.exif_transpose(image) or image
    clean = upright.copy()
    options = _kept(image.info, fmt)
    clean.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=JPEG_QUALITY, **options)
    else:
        clean.save(out, fmt, **options)
    return out.getvalue()


def _animation(image: Image.Image) -> bytes:
    from PIL import ImageSequence

    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        copy = frame.copy()
        copy.info = _kept(frame.info, "GIF")
        copy.info.pop("duration", None)
        frames.append(copy)
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations,
                   loop=image.info.get("loop", 0), disposal=image.info.get("disposal", 0))
    return out.getvalue()


def strip(data: bytes, content_type: str) -> bytes:
    """The same picture without metadata; raises ImageUnreadable."""
    from PIL import Image

    fmt = FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageUnreadable("too many pixels")
            image.load()
            if getattr(image, "is_animated", False) and fmt == "GIF":
                # Every frame is redrawn as a full canvas: a small GIF of many large frames would fill the memory.
                if image.n_frames * image.width * image.height > MAX_ANIMATION_PIXELS:
                    raise ImageUnreadable("animation too large")
                return _animation(image)
            return _still(image, fmt)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageUnreadable(str(exc)) from exc
