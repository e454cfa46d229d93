#!/usr/bin/env python3
"""Generate Mitta's app icons (SVG sources + PNG renders) in static/icons/.

The artwork is deliberately neutral: a calm teal square with two overlapping
soft circles ("two friends"), so a phone's home screen does not show what
the app is about.

Outputs:
    app-icon.svg, app-icon-maskable.svg        (sources, 512x512 viewBox)
    icon-192.png, icon-512.png                 (purpose "any", transparent corners)
    icon-maskable-192.png, icon-maskable-512.png (purpose "maskable", full bleed)
    apple-touch-icon.png                       (180x180, opaque)
    favicon-32.png, favicon.ico (16/32/48)

The PNGs are drawn with Pillow from the same geometry as the SVGs
(supersampled 8x, then downscaled), then saved as palette PNGs.

Usage:  pip install pillow && python scripts/make_icons.py [--out static/icons]
"""

from __future__ import annotations

import argparse
import os

from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TEAL = "#0b6e69"
WHITE = "#ffffff"
SIZE = 512
RADIUS = 112  # corner radius of the "any" icon (rounded square)
# Two circles on a 512 grid, (cx, cy, r, opacity). Their union is centred, and
# every point lies within 166 px of the centre, i.e. inside the maskable
# safe zone (a circle of radius 0.4 * 512 = 204.8).
CIRCLES = [
    (221, 282, 110, 0.8),  # the bigger friend, lower left
    (321, 200, 80, 0.8),  # the smaller friend, upper right
]
MASKABLE_SCALE = 0.92  # a bit more breathing room when masked to a circle


def svg(maskable: bool) -> str:
    if maskable:
        bg = f'<rect width="{SIZE}" height="{SIZE}" fill="{TEAL}"/>'
        s = MASKABLE_SCALE
        c = SIZE / 2
        tf = f' transform="translate({c * (1 - s):g} {c * (1 - s):g}) scale({s:g})"'
    else:
        bg = f'<rect width="{SIZE}" height="{SIZE}" rx="{RADIUS}" fill="{TEAL}"/>'
        tf = ""
    circles = "".join(
        f'<circle cx="{x}" cy="{y}" r="{r}" fill-opacity="{o:g}"/>' for x, y, r, o in CIRCLES
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}">{bg}<g fill="{WHITE}"{tf}>{circles}</g></svg>\n'
    )


def render(size: int, maskable: bool, opaque: bool = False) -> Image.Image:
    ss = 8
    big = size * ss
    k = big / SIZE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable or opaque:
        d.rectangle([0, 0, big, big], fill=TEAL)
    else:
        d.rounded_rectangle([0, 0, big - 1, big - 1], radius=round(RADIUS * k), fill=TEAL)
    s = MASKABLE_SCALE if maskable else 1.0
    off = SIZE / 2 * (1 - s)
    for x, y, r, o in CIRCLES:
        layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        ld = ImageDraw.Draw(layer)
        cx, cy, rr = (off + x * s) * k, (off + y * s) * k, r * s * k
        ld.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=(255, 255, 255, round(255 * o)))
        img = Image.alpha_composite(img, layer)
    return img.resize((size, size), Image.LANCZOS)


def save_png(img: Image.Image, path: str, opaque: bool = False) -> None:
    if opaque:
        img = img.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    else:
        img = img.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    img.save(path, optimize=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "static", "icons"))
    args = ap.parse_args(argv)
    out = args.out
    os.makedirs(out, exist_ok=True)

    files = {
        "app-icon.svg": svg(False),
        "app-icon-maskable.svg": svg(True),
    }
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)

    save_png(render(192, False), os.path.join(out, "icon-192.png"))
    save_png(render(512, False), os.path.join(out, "icon-512.png"))
    save_png(render(192, True), os.path.join(out, "icon-maskable-192.png"), opaque=True)
    save_png(render(512, True), os.path.join(out, "icon-maskable-512.png"), opaque=True)
    # iOS rounds the corners itself and shows black behind transparency.
    save_png(render(180, False, opaque=True), os.path.join(out, "apple-touch-icon.png"), opaque=True)
    save_png(render(32, False), os.path.join(out, "favicon-32.png"))
    ico = render(48, False)
    ico.save(os.path.join(out, "favicon.ico"), sizes=[(16, 16), (32, 32), (48, 48)])

    for name in sorted(os.listdir(out)):
        p = os.path.join(out, name)
        if os.path.isfile(p):
            print(f"{os.path.getsize(p):7d}  {p}")


if __name__ == "__main__":
    main()
