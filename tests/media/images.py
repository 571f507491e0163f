"""Images built in memory for the media tests (Pillow only, EXIF written with Image.Exif)."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import struct
import zlib

from PIL import Image, TiffImagePlugin

_variant = itertools.count(1)
R = TiffImagePlugin.IFDRational


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def exif_bytes(
    *,
    make: str | None = "HUAWEI",
    model: str | None = "P60 Pro",
    orientation: int | None = None,
    taken: str | None = "2026:11:27 15:30:05",
    offset: str | None = "+08:00",
    gps: tuple | None = None,
) -> bytes:
    """EXIF with camera, capture time and GPS ((lat, 'N'|'S'), (lon, 'E'|'W'), (alt, below_sea))."""
    exif = Image.Exif()
    if make:
        exif[0x010F] = make
    if model:
        exif[0x0110] = model
    if orientation:
        exif[0x0112] = orientation
    sub = {}
    if taken:
        sub[0x9003] = taken
    if offset:
        sub[0x9011] = offset
    if sub:
        exif[0x8769] = sub
    if gps:
        (lat, lat_ref), (lon, lon_ref), (alt, below) = gps
        exif[0x8825] = {
            1: lat_ref,
            2: _dms(lat),
            3: lon_ref,
            4: _dms(lon),
            5: b"\x01" if below else b"\x00",
            6: R(round(alt * 100), 100),
        }
    return exif.tobytes()


def _dms(value: float) -> tuple:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return (R(degrees), R(minutes), R(round(seconds * 10000), 10000))


def picture(size=(640, 480), mode="RGB") -> Image.Image:
    """A two-colour picture (left quarter blue, rest red), unique per call."""
    n = next(_variant)
    image = Image.new(mode, size, (200, 10, 10) if mode == "RGB" else (200, 10, 10, 255))
    image.paste((10, 10, 200) if mode == "RGB" else (10, 10, 200, 255), (0, 0, size[0] // 4, size[1]))
    mark = (n * 37 % 256, n * 91 % 256, n % 256) + (() if mode == "RGB" else (255,))
    image.paste(mark, (size[0] - 16, size[1] - 16, size[0], size[1]))
    return image


def noise(size=(640, 480)) -> Image.Image:
    """Random pixels: compresses badly, so a small picture makes a large file."""
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def jpeg(size=(640, 480), *, exif: bytes | None = None, quality: int = 90, noisy: bool = False) -> bytes:
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif else {}
    (noise(size) if noisy else picture(size)).save(buffer, "JPEG", quality=quality, **kwargs)
    return buffer.getvalue()


def png(size=(320, 240), *, alpha: bool = False) -> bytes:
    buffer = io.BytesIO()
    picture(size, "RGBA" if alpha else "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def webp(size=(320, 240)) -> bytes:
    buffer = io.BytesIO()
    picture(size).save(buffer, "WEBP", quality=80)
    return buffer.getvalue()


def gif(size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    picture(size).convert("P").save(buffer, "GIF")
    return buffer.getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def text_named_jpg() -> bytes:
    return "这不是照片，只是改了扩展名的文本 IMG_0001.jpg\n".encode()


def truncated_jpeg() -> bytes:
    data = jpeg((800, 600), quality=95)
    return data[: len(data) // 2]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_claiming(width: int, height: int) -> bytes:
    """A small, well-formed PNG whose header claims width x height (a decompression bomb's shape)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def real_png_with_pixels(width: int, height: int) -> bytes:
    """A genuine, decodable greyscale PNG (compresses to a few KB)."""
    buffer = io.BytesIO()
    Image.new("L", (width, height), 128).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
