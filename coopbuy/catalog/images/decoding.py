"""Turn untrusted image bytes into our own small WebP renditions, or refuse them with a reason.

The bytes a person uploads (or a price list's URL returns) are never stored or served: they are
decoded by Pillow under bounds and re-encoded. In order:
1. at most `MAX_BYTES` bytes;
2. the format is sniffed from the content (Pillow's JPEG, PNG, WebP and GIF readers only; the file
   name and the declared type are not looked at);
3. the dimensions, read from the header before any pixel is decoded, are at most `MAX_SIDE` a side
   and `MAX_PIXELS` in all (a decompression bomb declares huge dimensions in a few bytes);
4. the pixels are decoded (a truncated or damaged file is refused, never half-read), the EXIF
   orientation is applied, and the image is shrunk to fit `SIZES` and saved as WebP with no
   metadata (no EXIF, no GPS position, no ICC profile, no comments). A GIF keeps its first frame.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from coopbuy.errors import UserFacingError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8_000
MAX_PIXELS = 24_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
SIZES = {"small": 160, "large": 480}  # the longest side of each rendition, in pixels
WEBP_QUALITY = 80


class ImageRefused(UserFacingError):
    """An image that is not stored, with the reason a person can act on (`field` is `image`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="image")


@dataclass(frozen=True)
class Rendition:
    content: bytes  # WebP
    width: int
    height: int


@dataclass(frozen=True)
class Renditions:
    small: Rendition
    large: Rendition
    source_format: str  # what the bytes were: JPEG, PNG, WEBP or GIF


def _open(content: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its own limit raises) on huge images; ours is lower
            # and checked below, before decoding, so its warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(content), formats=list(ACCEPTED_FORMATS))
    except Image.DecompressionBombError as error:
        raise ImageRefused(_("This image is too large in pixels.")) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageRefused(
            _("This is not a JPEG, PNG, WebP or GIF image (whatever its name says).")
        ) from error


def _check_dimensions(image: Image.Image) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageRefused(_("This image has no pixels."))
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ImageRefused(
            _("This image is %(w)s by %(h)s pixels: at most %(max)s a side, please.")
            % {"w": width, "h": height, "max": MAX_SIDE}
        )
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            _("This image has %(n)s million pixels: at most %(max)s million, please.")
            % {"n": round(width * height / 1_000_000), "max": MAX_PIXELS // 1_000_000}
        )


_STRICT = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow refuses a truncated file, whatever the process-wide switch says while we decode.

    WeasyPrint (our PDFs) sets `ImageFile.LOAD_TRUNCATED_IMAGES` on import, which would let a
    half file decode as an image with a grey bottom; it is turned off for our decoding only.
    """
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode(image: Image.Image) -> Image.Image:
    """The pixels, upright, in RGB or RGBA; a truncated or damaged file raises `ImageRefused`."""
    try:
        image.seek(0)
        if image.format == "JPEG":  # decode at a reduced scale: less memory, same renditions
            image.draft("RGB", (SIZES["large"] * 2, SIZES["large"] * 2))
        with _strict_decoding():
            image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageRefused(_("This image file is damaged or incomplete.")) from error
    _check_dimensions(upright)  # a rotated image keeps its pixel count; its sides swap
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    return upright.convert("RGBA" if has_alpha else "RGB")


def _rendition(image: Image.Image, side: int) -> Rendition:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    copy.info = {}  # nothing of the original's metadata travels with it
    out = io.BytesIO()
    copy.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return Rendition(out.getvalue(), copy.width, copy.height)


def renditions(content: bytes) -> Renditions:
    """The small and large WebP renditions of an uploaded or fetched image; see the module."""
    if len(content) > MAX_BYTES:
        raise ImageRefused(
            _("This file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not content:
        raise ImageRefused(_("This file is empty."))
    with _open(content) as image:
        source_format = str(image.format)
        if source_format not in ACCEPTED_FORMATS:  # Pillow honours `formats`; this says so
            raise ImageRefused(
                _("This is not a JPEG, PNG, WebP or GIF image (whatever its name says).")
            )
        _check_dimensions(image)
        upright = _decode(image)
    return Renditions(
        small=_rendition(upright, SIZES["small"]),
        large=_rendition(upright, SIZES["large"]),
        source_format=source_format,
    )
