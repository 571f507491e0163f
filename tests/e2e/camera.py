"""Camera-like photos for the field tests and the field bench: 12 MP JPEGs that compress like real ones.

A flat colour or white noise says nothing about the bytes a phone will send: flat pictures shrink to a
few kilobytes and noise never shrinks. These are scenes of a warehouse as a phone would take them:
soft light gradients, cartons and shelving with hard edges and printed marks, surface texture over
several octaves and a little sensor grain. At 4000×3000 and JPEG quality 92 a file is ~3–6 MB, like a
12 MP phone camera's; scaled to 1600 px it keeps enough detail that its size depends on the encoder
(WebP at quality 0.8 comes out around 120–180 KB, JPEG at 0.85 well above). Each file carries the
camera's EXIF: make, model, time taken and GPS position.

Only Pillow is needed (numpy is not a dependency). Generating is deterministic from a seed; a set is
made once per session into a directory (`CameraRoll`): `distinct` scenes are drawn in full, then each
photo is one of them with a distinct panel painted in (a tag with the photo's number and a patch of
its own texture), so every photo differs in its bytes and in its pixels (the phone's re-encode differs
too) while only `distinct` scenes pay the full drawing cost. `shared_roll()` is a folder in the
temporary directory named after VERSION, so a second test session (CI runs the suite on SQLite, then
on PostgreSQL) finds the photos already made.
"""

from __future__ import annotations

import hashlib
import io
import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

# Bump when the pictures change: a cache folder named after it is never stale.
VERSION = 1
WIDTH, HEIGHT = 4000, 3000
QUALITY = 92
MAKE, MODEL = "HUAWEI", "ELS-AN00"
# The site of the e2e tests (a warehouse in Shenzhen): the EXIF position and the browser's geolocation.
SITE = {"latitude": 22.6573, "longitude": 114.0608}
TAKEN_FROM = datetime(2026, 11, 27, 9, 0, 0)

_TAG = 0x010F, 0x0110, 0x0131, 0x0132  # Make, Model, Software, DateTime
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_ORIGINAL = 0x9003, 0x9011


def _noise(rng: random.Random, size: tuple[int, int], mode: str = "L") -> Image.Image:
    channels = len(mode)
    return Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * channels))


def _octaves(
    rng: random.Random, size: tuple[int, int], cells: list[int], weights: list[float]
) -> Image.Image:
    """Smoothed value noise over several octaves: each octave a small random image scaled up."""
    total = sum(weights)
    layer = Image.new("L", size, 128)
    acc = 0.0
    for count, weight in zip(cells, weights, strict=True):
        small = _noise(rng, (max(2, size[0] // count), max(2, size[1] // count)))
        octave = small.resize(size, Image.Resampling.BICUBIC)
        acc += weight
        layer = Image.blend(layer, octave, weight / acc) if acc > weight else octave
    del total
    return layer


def _stretch(layer: Image.Image, low: int, high: int) -> Image.Image:
    """Spread a blended (so grey-centred) layer back over [low, high]."""
    lo, hi = layer.getextrema()
    span = max(1, hi - lo)
    return layer.point(lambda v: low + (v - lo) * (high - low) // span)


def _scene(seed: int, texture_low: int = 80, grain: float = 0.12) -> Image.Image:
    """A warehouse scene, drawn at half size and scaled up (a lens is never perfectly sharp)."""
    rng = random.Random(seed)
    size = (WIDTH, HEIGHT)
    half = (WIDTH // 2, HEIGHT // 2)
    # Light: a soft colour field (walls, floor, daylight from one side).
    base = _noise(rng, (5, 4), "RGB").resize(half, Image.Resampling.BICUBIC)
    base = Image.blend(base, Image.new("RGB", half, (150, 140, 125)), 0.35)
    draw = ImageDraw.Draw(base)
    # Shelving and cartons: hard edges, flat faces with printed marks.
    floor = rng.randrange(half[1] // 2, half[1] * 3 // 4)
    draw.rectangle([0, floor, half[0], half[1]], fill=(rng.randrange(90, 140),) * 3)
    for _ in range(rng.randrange(5, 9)):
        x = rng.randrange(0, half[0])
        draw.rectangle([x, 0, x + rng.randrange(15, 40), floor], fill=(60, 70, 90))
    font = _font(rng.randrange(30, 55))
    for _ in range(rng.randrange(14, 22)):
        w, h = rng.randrange(150, 450), rng.randrange(125, 350)
        x, y = rng.randrange(-50, half[0] - 100), rng.randrange(floor - 700, floor + 150)
        tone = rng.randrange(140, 210)
        face = (tone, int(tone * 0.82), int(tone * 0.6))
        draw.rectangle([x, y, x + w, y + h], fill=face, outline=(70, 55, 40), width=rng.randrange(2, 6))
        draw.line([x, y + h // 2, x + w, y + h // 2], fill=(200, 180, 120), width=rng.randrange(10, 20))
        draw.text(
            (x + 15, y + 15),
            f"CTN {rng.randrange(1000, 9999)}\nNO. {rng.randrange(10, 99)}",
            fill=(30, 30, 30),
            font=font,
        )
        for bar in range(rng.randrange(8, 20)):  # a barcode-like strip
            bx = x + 15 + bar * 7
            draw.rectangle([bx, y + h - 60, bx + rng.randrange(1, 4), y + h - 20], fill=(20, 20, 20))
    base = base.resize(size, Image.Resampling.BICUBIC)
    # Surface texture over several octaves (cardboard, concrete, shadows), as light modulation.
    texture = _octaves(rng, size, [400, 120, 40, 12, 4], [1.0, 1.0, 1.0, 1.0, 0.8])
    texture = _stretch(texture, texture_low, 255).convert("RGB")
    scene = ImageChops.multiply(base, texture)
    # Sensor grain: a little full-resolution noise, as every small camera sensor has.
    return Image.blend(scene, _noise(rng, size, "RGB"), grain)


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def _exif(number: int, taken: datetime, site: dict) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = MAKE, MODEL, "ELS-AN00 4.0.0.120"
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x0112] = 1  # orientation: upright
    sub = exif.get_ifd(_EXIF_IFD)
    sub[_DATETIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
    sub[_OFFSET_ORIGINAL] = "+08:00"
    sub[0xA420] = f"{number:032x}"  # ImageUniqueID

    def dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
        return (Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(10000))

    gps = exif.get_ifd(_GPS_IFD)
    gps[0] = b"\x02\x02\x00\x00"  # GPSVersionID
    gps[1], gps[2] = ("N" if site["latitude"] >= 0 else "S"), dms(site["latitude"])
    gps[3], gps[4] = ("E" if site["longitude"] >= 0 else "W"), dms(site["longitude"])
    return exif


@dataclass(frozen=True)
class CameraPhoto:
    path: Path
    sha256: str
    size: int
    taken: datetime


def _variant(scene: Image.Image, number: int, seed: int) -> Image.Image:
    """The scene with photo `number`'s own panel painted in: its pixels differ from every other photo's."""
    rng = random.Random(seed * 7919 + number)
    image = scene.copy()
    panel = _noise(rng, (64, 48), "RGB").resize((640, 480), Image.Resampling.BICUBIC)
    ImageDraw.Draw(panel).text((40, 40), f"No. {number:04d}", fill=(255, 255, 255), font=_font(90))
    image.paste(panel, (rng.randrange(0, WIDTH - 640), rng.randrange(0, HEIGHT - 480)))
    return image


class CameraRoll:
    """A directory of camera photos, made once: `photos(n)` returns photos 0..n-1 (files on disk).

    Photo n shows scene n % `distinct`; the scenes are drawn in memory, one at a time, and every
    photo of a scene is encoded while it is there. `seconds` is the time spent generating.
    """

    def __init__(self, folder: Path, distinct: int = 12, seed: int = 20261127, workers: int = 2):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.distinct = distinct
        self.seed = seed
        self.workers = workers
        self.seconds = 0.0

    def path(self, number: int) -> Path:
        return self.folder / f"IMG_20261127_{self.seed}_{number:04d}.jpg"

    def _make_scene_photos(self, index: int, numbers: list[int]) -> None:
        scene = _scene(self.seed + index)
        for number in numbers:
            taken = TAKEN_FROM + timedelta(minutes=3 * number)
            out = io.BytesIO()
            _variant(scene, number, self.seed).save(
                out, "JPEG", quality=QUALITY, exif=_exif(number, taken, SITE)
            )
            partial = self.path(number).with_suffix(".part")
            partial.write_bytes(out.getvalue())
            partial.rename(self.path(number))

    def photos(self, count: int) -> list[CameraPhoto]:
        missing: dict[int, list[int]] = {}
        for number in range(count):
            if not self.path(number).exists():
                missing.setdefault(number % self.distinct, []).append(number)
        if missing:
            started = time.perf_counter()
            # Pillow lets go of the GIL while it draws, scales and encodes: two scenes at a time.
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                for done in [pool.submit(self._make_scene_photos, i, n) for i, n in missing.items()]:
                    done.result()
            self.seconds += time.perf_counter() - started
        return [self.read(number) for number in range(count)]

    def read(self, number: int) -> CameraPhoto:
        data = self.path(number).read_bytes()
        taken = TAKEN_FROM + timedelta(minutes=3 * number)
        return CameraPhoto(
            path=self.path(number), sha256=hashlib.sha256(data).hexdigest(), size=len(data), taken=taken
        )


def shared_roll(distinct: int = 12) -> CameraRoll:
    """The camera roll kept across sessions in the temporary directory (files are written whole)."""
    return CameraRoll(Path(tempfile.gettempdir()) / f"chajian-camera-roll-v{VERSION}", distinct=distinct)
