"""processing.py alone: type by content, size and pixel limits, damaged files, EXIF evidence, derivatives."""

import io
import warnings

import pytest
from PIL import Image

from backend.errors import DomainError
from backend.media import processing
from tests.media import images


def refusal(data, **limits) -> DomainError:
    with pytest.raises(DomainError) as caught:
        processing.process_photo(data, **limits)
    return caught.value


@pytest.mark.parametrize(
    ("make", "fmt", "content_type"),
    [
        (images.jpeg, "JPEG", "image/jpeg"),
        (images.png, "PNG", "image/png"),
        (images.webp, "WEBP", "image/webp"),
    ],
)
def test_accepts_jpeg_png_webp_by_content(make, fmt, content_type):
    result = processing.process_photo(make((2000, 1000)))
    assert (result.format, result.content_type) == (fmt, content_type)
    assert (result.width, result.height) == (2000, 1000)
    assert (result.display.width, result.display.height) == (1600, 800)
    assert (result.thumbnail.width, result.thumbnail.height) == (320, 160)
    for copy in (result.display, result.thumbnail):
        assert Image.open(io.BytesIO(copy.data)).format == "JPEG"


def test_small_photo_is_not_enlarged():
    result = processing.process_photo(images.jpeg((300, 200)))
    assert (result.display.width, result.display.height) == (300, 200)


@pytest.mark.parametrize(
    "data",
    [images.gif(), images.pdf(), images.text_named_jpg(), b"", b"RIFF\x00\x00\x00\x00WAVEfmt "],
    ids=["gif", "pdf", "text-renamed-jpg", "empty", "riff-wav"],
)
def test_other_types_are_refused_naming_the_accepted_ones(data):
    error = refusal(data)
    assert (error.status, error.error) == (415, "media.unsupported_type")
    assert error.detail["accepted"] == ["image/jpeg", "image/png", "image/webp"]
    assert "JPEG、PNG 或 WebP" in error.message("zh")
    assert "JPEG, PNG and WebP" in error.message("en")


def test_declared_type_other_than_an_image_is_refused_early():
    with pytest.raises(DomainError) as caught:
        processing.check_declared_type("application/pdf")
    assert caught.value.error == "media.unsupported_type"
    processing.check_declared_type("image/JPEG; charset=binary")  # accepted: case and parameters ignored


def test_oversize_actual_bytes_are_refused_before_decoding():
    error = refusal(b"\xff\xd8\xff" + b"\x00" * (25 * 1024 * 1024))
    assert (error.status, error.error) == (413, "media.too_large")
    assert "25 MB" in error.message("en") and "25 MB" in error.message("zh")


@pytest.mark.parametrize(
    ("width", "height"),
    [(100_000, 100_000), (10_000, 10_000), (6_400, 6_300)],
    ids=["over-twice-pillow-limit-error", "over-pillow-limit-warning", "just-over-40-megapixels"],
)
def test_png_headers_claiming_huge_dimensions_are_refused_without_decoding(width, height):
    # As in production, where warnings are not errors: none may leak out (handled, not logged).
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        error = refusal(images.png_header_claiming(width, height))
    assert leaked == []
    assert (error.status, error.error) == (422, "media.too_many_pixels")
    assert "40" in error.message("en")


def test_a_real_image_just_over_40_megapixels_is_refused():
    data = images.real_png_with_pixels(8000, 5001)  # 40,008,000 pixels, decodable
    assert len(data) < 1024 * 1024
    error = refusal(data)
    assert error.error == "media.too_many_pixels"
    assert error.detail["pixels"] == 40_008_000


def test_pixel_limit_is_configurable_and_global_pillow_limit_untouched():
    before = Image.MAX_IMAGE_PIXELS
    assert refusal(images.jpeg((200, 200)), max_pixels=100 * 100).error == "media.too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == before


def test_truncated_jpeg_is_a_clear_refusal():
    error = refusal(images.truncated_jpeg())
    assert (error.status, error.error) == (422, "media.corrupt_image")


def test_jpeg_cut_inside_its_header_is_a_clear_refusal():
    assert refusal(images.jpeg()[:40]).error == "media.corrupt_image"


def test_exif_orientation_is_applied_to_derivatives_only():
    data = images.jpeg((400, 200), exif=images.exif_bytes(orientation=6))
    result = processing.process_photo(data)
    assert (result.width, result.height) == (400, 200)  # the original as stored
    assert result.evidence["orientation"] == 6
    display = Image.open(io.BytesIO(result.display.data))
    assert display.size == (200, 400)
    # Orientation 6 = rotate 90° clockwise: the blue left quarter becomes the top.
    top, bottom = display.getpixel((100, 20)), display.getpixel((100, 380))
    assert top[2] > 150 and top[0] < 60
    assert bottom[0] > 150 and bottom[2] < 60
    assert display.getexif().get(0x0112) in (None, 1)


def test_gps_time_and_device_are_extracted_as_decimals():
    exif = images.exif_bytes(
        make="Xiaomi",
        model="14 Ultra",
        taken="2026:11:27 09:15:00",
        offset="+08:00",
        gps=((22.5417083, "N"), (113.9458333, "E"), (12.5, False)),
    )
    evidence = processing.process_photo(images.jpeg(exif=exif)).evidence
    assert evidence["make"] == "Xiaomi" and evidence["model"] == "14 Ultra"
    assert evidence["captured_at"] == "2026-11-27T09:15:00+08:00"
    assert evidence["gps"]["lat"] == pytest.approx(22.5417083, abs=1e-6)
    assert evidence["gps"]["lon"] == pytest.approx(113.9458333, abs=1e-6)
    assert evidence["gps"]["alt"] == pytest.approx(12.5)


def test_southern_western_and_below_sea_level_are_negative():
    exif = images.exif_bytes(offset=None, gps=((33.8688, "S"), (70.25, "W"), (3.0, True)))
    evidence = processing.process_photo(images.jpeg(exif=exif)).evidence
    assert evidence["gps"]["lat"] == pytest.approx(-33.8688, abs=1e-6)
    assert evidence["gps"]["lon"] == pytest.approx(-70.25, abs=1e-6)
    assert evidence["gps"]["alt"] == pytest.approx(-3.0)
    assert evidence["captured_at"] == "2026-11-27T15:30:05"  # no offset recorded: local time as is


def test_photo_without_exif_has_empty_evidence():
    evidence = processing.process_photo(images.png()).evidence
    assert evidence == {"captured_at": None, "gps": None, "make": None, "model": None, "orientation": None}


def test_transparent_png_is_flattened_on_white():
    result = processing.process_photo(images.png((100, 100), alpha=True))
    assert Image.open(io.BytesIO(result.thumbnail.data)).mode == "RGB"
