"""Untrusted image bytes become our own WebP renditions, or are refused with a reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from coopbuy.catalog.images import decoding
from coopbuy.catalog.images.decoding import ImageRefused, renditions
from coopbuy.catalog.tests import pictures


def _open(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def test_a_photo_becomes_two_webp_renditions_within_their_sizes() -> None:
    result = renditions(pictures.photo((1200, 800)))
    small, large = _open(result.small.content), _open(result.large.content)
    assert (small.format, large.format) == ("WEBP", "WEBP")
    assert small.size == (160, 107) and large.size == (480, 320)
    assert (result.small.width, result.small.height) == (160, 107)
    assert result.source_format == "JPEG"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_png_webp_and_gif_are_accepted(fmt: str) -> None:
    assert renditions(pictures.photo((50, 40), fmt)).source_format == fmt


def test_a_small_image_is_not_enlarged() -> None:
    result = renditions(pictures.png((40, 30)))
    assert _open(result.large.content).size == (40, 30)


def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded() -> None:
    content = pictures.bomb(12_000)
    assert len(content) < 200_000  # 144 million pixels in a small file
    with pytest.raises(ImageRefused) as refused:
        renditions(content)
    assert "at most" in refused.value.message and refused.value.field == "image"


def test_an_image_with_too_many_pixels_within_the_side_limit_is_refused() -> None:
    side = 5_000  # 25 million pixels: each side allowed, the total not
    assert side <= decoding.MAX_SIDE and side * side > decoding.MAX_PIXELS
    with pytest.raises(ImageRefused, match="million pixels"):
        renditions(pictures.bomb(side))


def test_huge_dimensions_are_refused() -> None:
    with pytest.raises(ImageRefused, match="20000 by 2 pixels"):
        renditions(pictures.encoded(Image.new("1", (20_000, 2)), "PNG"))


def test_another_format_named_jpg_is_refused_by_its_content() -> None:
    bmp = pictures.encoded(Image.new("RGB", (10, 10)), "BMP")  # a real image, of a refused kind
    with pytest.raises(ImageRefused, match="not a JPEG, PNG, WebP or GIF"):
        renditions(bmp)
    html = b"<html><script>alert(1)</script></html>"
    with pytest.raises(ImageRefused, match="not a JPEG, PNG, WebP or GIF"):
        renditions(html)


def test_a_truncated_file_is_refused_not_half_read() -> None:
    whole = pictures.photo((800, 600))
    with pytest.raises(ImageRefused, match="damaged or incomplete"):
        renditions(whole[: len(whole) // 2])
    whole_png = pictures.png((300, 300))
    with pytest.raises(ImageRefused, match="damaged or incomplete"):
        renditions(whole_png[: len(whole_png) - 40])


def test_a_truncated_file_is_refused_even_after_weasyprint_allowed_truncated_images() -> None:
    import weasyprint  # noqa: F401  (sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES on import)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    whole = pictures.photo((800, 600))
    with pytest.raises(ImageRefused, match="damaged or incomplete"):
        renditions(whole[: len(whole) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as WeasyPrint wants it


def test_too_many_bytes_and_no_bytes_are_refused() -> None:
    with pytest.raises(ImageRefused, match="larger than 5 MB"):
        renditions(b"\xff\xd8" + b"\0" * decoding.MAX_BYTES)
    with pytest.raises(ImageRefused, match="empty"):
        renditions(b"")


def test_the_exif_orientation_is_applied_and_the_metadata_dropped() -> None:
    content = pictures.marked_for_rotation(6)
    assert b"SecretCam" in content
    result = renditions(content)
    large = _open(result.large.content)
    assert large.size == (160, 480)  # 900 x 300 turned a quarter: taller than wide
    top, bottom = large.getpixel((80, 40)), large.getpixel((80, 440))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[1] < 80  # the red third is now at the top
    assert bottom[1] > 200  # white at the bottom
    for rendition in (result.small.content, result.large.content):
        assert b"SecretCam" not in rendition and b"Exif" not in rendition
        assert not _open(rendition).getexif()


def test_a_transparent_png_keeps_its_transparency() -> None:
    image = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    result = renditions(pictures.encoded(image, "PNG"))
    assert _open(result.small.content).mode == "RGBA"
