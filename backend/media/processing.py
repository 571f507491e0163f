"""Check a photo by its content, read its EXIF evidence and make its display and thumbnail copies.

The original bytes are never changed (their SHA-256 is the evidence). Refusals, in the order they
are checked: size, type (magic bytes, then Pillow's own detection), pixel count from the header
alone (no decoding), then a full decode that catches truncated or damaged files.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError

from backend.errors import DomainError
from backend.media import errors  # noqa: F401  (registers the media.* codes)

MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000
DISPLAY_MAX_SIDE = 1600
THUMB_MAX_SIDE = 320
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPTED_TYPES = sorted(CONTENT_TYPES.values())

# EXIF tags (TIFF/EXIF 2.3 numbering).
_MAKE, _MODEL, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON, _GPS_ALT_REF, _GPS_ALT = 1, 2, 3, 4, 5, 6

# warnings.catch_warnings() swaps a process-wide filter list; serialise our use of it.
_OPEN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Derivative:
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class ProcessedPhoto:
    """What processing learnt about one original, and the two JPEG copies made from it."""

    format: str
    content_type: str
    width: int
    height: int
    display: Derivative
    thumbnail: Derivative
    evidence: dict = field(default_factory=dict)


def unsupported(found: str | None = None) -> DomainError:
    return DomainError("media.unsupported_type", detail={"accepted": ACCEPTED_TYPES, "found": found})


def check_size(size: int, *, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a declared or actual size over the limit (before any byte is read, where declared)."""
    if size > max_bytes:
        raise DomainError(
            "media.too_large",
            max_mb=max_bytes // (1024 * 1024),
            detail={"max_bytes": max_bytes, "size": size},
        )


def check_declared_type(content_type: str) -> None:
    """A client declaring another type is refused early; the content decides in the end."""
    if content_type.split(";")[0].strip().lower() not in ACCEPTED_TYPES:
        raise unsupported(content_type[:100])


def sniff_format(head: bytes) -> str:
    """JPEG, PNG or WEBP from the magic bytes; anything else is refused."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    raise unsupported()


def _too_many_pixels(max_pixels: int, pixels: int | None = None) -> DomainError:
    return DomainError(
        "media.too_many_pixels",
        max_mp=max_pixels // 1_000_000,
        detail={"max_pixels": max_pixels, "pixels": pixels},
    )


def open_checked(data: bytes, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open lazily (header only) as the sniffed format and refuse too many pixels before decoding."""
    expected = sniff_format(data[:16])
    with _OPEN_LOCK, warnings.catch_warnings():
        # Pillow warns (and only above twice its limit raises): make both a refusal, not a log line.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[expected])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise DomainError("media.corrupt_image", detail={"reason": str(exc)[:200]}) from None
    if image.format != expected:
        raise unsupported(image.format)
    pixels = image.size[0] * image.size[1]
    if pixels > max_pixels:
        image.close()
        raise _too_many_pixels(max_pixels, pixels)
    return image


@dataclass(frozen=True)
class CheckedPhoto:
    """What the upload learns about an original before it is acknowledged: type, size, evidence."""

    format: str
    content_type: str
    width: int
    height: int
    evidence: dict = field(default_factory=dict)


def check_photo(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> CheckedPhoto:
    """Check `data` in full (a damaged file is refused now, while the phone still holds it) and read its
    evidence; the copies are made later (make_derivatives, in a job). Raises a media.* DomainError."""
    check_size(len(data), max_bytes=max_bytes)
    image = open_checked(data, max_pixels=max_pixels)
    with image:
        width, height = image.size
        fmt = image.format
        if fmt == "JPEG":
            # Every byte is still entropy-decoded (a cut file fails), at an eighth of the pixels.
            image.draft("RGB", (math.ceil(width / 8), math.ceil(height / 8)))
        _load(image)
        evidence = read_evidence(image)
    return CheckedPhoto(
        format=fmt, content_type=CONTENT_TYPES[fmt], width=width, height=height, evidence=evidence
    )


def make_derivatives(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[Derivative, Derivative]:
    """The display (≤ DISPLAY_MAX_SIDE) and thumbnail (≤ THUMB_MAX_SIDE) JPEGs of a checked original,
    turned upright by its EXIF orientation. Deterministic: the same bytes give the same copies."""
    image = open_checked(data, max_pixels=max_pixels)
    with image:
        width, height = image.size
        if image.format == "JPEG":
            # Decode at a reduced scale when the display copy is smaller: much faster, same result.
            scale = DISPLAY_MAX_SIDE / max(width, height)
            if scale < 1:
                image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        _load(image)
        orientation = read_evidence(image)["orientation"]
        oriented = image
        if orientation not in (None, 1):
            try:
                oriented = ImageOps.exif_transpose(image)
            except Exception:  # a broken orientation tag must not lose the photo
                oriented = image
        display_image = _resized(_flatten_to_rgb(oriented), DISPLAY_MAX_SIDE)
        display = _jpeg(display_image, quality=85)
        thumbnail = _jpeg(_resized(display_image, THUMB_MAX_SIDE), quality=80)
    return display, thumbnail


def process_photo(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> ProcessedPhoto:
    """Both steps at once (benches and tests): check_photo, then make_derivatives."""
    checked = check_photo(data, max_bytes=max_bytes, max_pixels=max_pixels)
    display, thumbnail = make_derivatives(data, max_pixels=max_pixels)
    return ProcessedPhoto(
        format=checked.format,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        display=display,
        thumbnail=thumbnail,
        evidence=checked.evidence,
    )


def _load(image: Image.Image) -> None:
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DomainError("media.corrupt_image", detail={"reason": str(exc)[:200]}) from None


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I"):  # 16-bit greyscale PNG
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def _resized(image: Image.Image, max_side: int) -> Image.Image:
    """Fit within max_side x max_side keeping the aspect ratio; never enlarges."""
    width, height = image.size
    scale = max_side / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _jpeg(image: Image.Image, *, quality: int) -> Derivative:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Derivative(data=buffer.getvalue(), width=image.width, height=image.height)


# --- EXIF evidence ---------------------------------------------------------------------------------


def read_evidence(image: Image.Image) -> dict:
    """Capture time, GPS, camera make/model and orientation from EXIF (missing parts are None)."""
    try:
        exif = image.getexif()
        exif_ifd = exif.get_ifd(_EXIF_IFD)
        gps_ifd = exif.get_ifd(_GPS_IFD)
    except Exception:  # damaged EXIF is no reason to refuse the photo itself
        return {"captured_at": None, "gps": None, "make": None, "model": None, "orientation": None}
    orientation = exif.get(_ORIENTATION)
    return {
        "captured_at": _exif_time(
            exif_ifd.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME), exif_ifd.get(_OFFSET_TIME_ORIGINAL)
        ),
        "gps": _exif_gps(gps_ifd),
        "make": _text(exif.get(_MAKE)),
        "model": _text(exif.get(_MODEL)),
        "orientation": orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None,
    }


def _text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value[:100] or None


def _exif_time(value, offset) -> str | None:
    """EXIF local time as ISO 8601, with the zone offset only when the camera recorded one."""
    text = _text(value)
    if not text:
        return None
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = _text(offset)
    if offset and len(offset) == 6 and offset[0] in "+-" and offset[3] == ":":
        return moment.isoformat() + offset
    return moment.isoformat()


def _rational(value) -> float:
    if isinstance(value, tuple) and len(value) == 2:
        return value[0] / value[1]
    return float(value)


def _degrees(parts, ref, negative: str) -> float | None:
    try:
        degrees, minutes, seconds = (_rational(part) for part in parts)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if math.isnan(value):
        return None
    if _text(ref) == negative:
        value = -value
    return round(value, 7)


def _exif_gps(gps: dict) -> dict | None:
    if not gps or _GPS_LAT not in gps or _GPS_LON not in gps:
        return None
    lat = _degrees(gps[_GPS_LAT], gps.get(_GPS_LAT_REF), "S")
    lon = _degrees(gps[_GPS_LON], gps.get(_GPS_LON_REF), "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    alt = None
    if _GPS_ALT in gps:
        try:
            alt = round(_rational(gps[_GPS_ALT]), 2)
        except (TypeError, ValueError, ZeroDivisionError):
            alt = None
        ref = gps.get(_GPS_ALT_REF)
        if alt is not None and (ref == 1 or ref == b"\x01"):
            alt = -alt
        if alt is not None and math.isnan(alt):
            alt = None
    return {"lat": lat, "lon": lon, "alt": alt}
