"""Draw the app icons (public/icons/*.png, public/favicon.svg) with Pillow: 查检 on the theme blue.

Run once after changing the design (`npm run icons`, needs Pillow and fonts-wqy-zenhei); the PNGs
are committed so builds need neither.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

THEME = (26, 79, 139)
WHITE = (255, 255, 255)
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
OUT = Path(__file__).resolve().parent.parent / "public"


def draw(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), THEME)
    pen = ImageDraw.Draw(image)
    # Maskable icons keep their content inside the central 80% safe zone.
    box = size * (0.56 if maskable else 0.70)
    font = ImageFont.truetype(FONT, int(box / 2))
    pen.text((size / 2, size / 2), "查检", font=font, fill=WHITE, anchor="mm")
    bar = size * 0.02
    pen.rectangle([size * 0.5 - box / 2, size * 0.5 + box * 0.36, size * 0.5 + box / 2, size * 0.5 + box * 0.36 + bar], fill=WHITE)
    return image


def main() -> None:
    (OUT / "icons").mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(OUT / "icons/icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icons/icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icons/maskable-512.png", optimize=True)
    draw(180, maskable=False).save(OUT / "icons/apple-touch-icon-180.png", optimize=True)
    (OUT / "favicon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<rect width="64" height="64" rx="12" fill="#1a4f8b"/>'
        '<path d="M14 44h36v4H14z" fill="#fff"/>'
        '<path d="M18 16h28v22H18z" fill="none" stroke="#fff" stroke-width="4"/></svg>\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
