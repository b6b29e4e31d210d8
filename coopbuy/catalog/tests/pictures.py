"""Images made with Pillow for the picture tests: ordinary ones, bombs, damaged and disguised."""

from __future__ import annotations

import io

from PIL import Image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo(size: tuple[int, int] = (640, 480), fmt: str = "JPEG", colour: str = "#3a7") -> bytes:
    return encoded(Image.new("RGB", size, colour), fmt)


def png(size: tuple[int, int] = (200, 100), colour: str = "#c33") -> bytes:
    return photo(size, "PNG", colour)


def bomb(side: int = 12_000) -> bytes:
    """A PNG a few kilobytes long that declares `side` by `side` pixels (1 bit each)."""
    return encoded(Image.new("1", (side, side)), "PNG", optimize=True)


def marked_for_rotation(orientation: int = 6) -> bytes:
    """A JPEG 900 wide and 300 tall, red on its left third, whose EXIF says to turn it (6: a
    quarter turn clockwise when shown), with a camera make and a GPS block to strip."""
    image = Image.new("RGB", (900, 300), "white")
    image.paste(Image.new("RGB", (300, 300), "red"), (0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS: latitude
    return encoded(image, "JPEG", exif=exif.tobytes(), quality=95)
