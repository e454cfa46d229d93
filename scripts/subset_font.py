#!/usr/bin/env python3
"""Build the Khmer web-font subset(s) shipped in static/fonts/.

Keeps every Khmer code point plus the joiners and the dotted circle, and ALL
OpenType layout features (GSUB/GPOS for the 'khmr' script: pres, blwf, abvf,
pstf, pref, abvs, blws, psts, clig, liga, abvm, blwm, dist ...), so HarfBuzz /
the browser shapes coeng clusters and vowel re-ordering exactly as with the
full font. Hinting is dropped and glyph names are not kept, to save bytes.

Requirements (build time only): pip install fonttools brotli
Optional, for --verify:        pip install uharfbuzz

Usage (from the repository root):
    python scripts/subset_font.py                       # Regular, Debian source
    python scripts/subset_font.py --source path/to/NotoSansKhmer-Regular.ttf \
        --out static/fonts/noto-sans-khmer-subset.woff2 --verify
    python scripts/subset_font.py --bold                # also try the Bold weight

The source may be the Debian file (package fonts-noto-core) or any upstream
NotoSansKhmer TTF (e.g. https://github.com/notofonts/khmer releases).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys

from fontTools import subset
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SOURCE = "/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf"
DEFAULT_OUT = os.path.join(ROOT, "static", "fonts", "noto-sans-khmer-subset.woff2")
BOLD_LIMIT = 25 * 1024  # only ship Bold if it is this cheap

# Code points kept (inclusive ranges). Keep in sync with static/fonts/README.md
# and with the @font-face unicode-range in the CSS.
RANGES = [
    (0x0020, 0x0020),  # SPACE
    (0x00A0, 0x00A0),  # NO-BREAK SPACE
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer Symbols (lunar dates)
    (0x200B, 0x200D),  # ZWSP (Khmer word separator), ZWNJ, ZWJ
    (0x25CC, 0x25CC),  # DOTTED CIRCLE (shown for orphan marks)
]

UNICODE_RANGE_CSS = "U+0020, U+00A0, U+1780-17FF, U+19E0-19FF, U+200B-200D, U+25CC"

# Shaping test strings used by --verify.
SAMPLES = [
    "ស្រោមអនាម័យ",  # condom
    "មិត្ត",  # friend
    "សុខភាព",
    "ស្ត្រី",
    "ក្សត្រ",
    "គ្រូពេទ្យ",
    "ព្រះរាជាណាចក្រកម្ពុជា",
    "ជំនួយ អេដស៍ ឆ្នាំ ៛ ។",
    "បុរស\u200bស្ត្រី",
    "\u17c1\u17b6",  # orphan marks -> dotted circle
]


def unicodes() -> list[int]:
    out: list[int] = []
    for lo, hi in RANGES:
        out.extend(range(lo, hi + 1))
    return out


def make_options() -> subset.Options:
    opts = subset.Options()
    opts.layout_features = ["*"]  # keep every GSUB/GPOS feature
    opts.layout_scripts = ["*"]
    opts.glyph_names = False  # post table format 3
    opts.hinting = False  # drop instructions / fpgm / prep / cvt
    opts.notdef_outline = True  # visible .notdef box, like the original
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright + licence
    opts.name_languages = [0x0409]
    opts.flavor = "woff2"
    opts.drop_tables += ["DSIG", "gasp"]
    return opts


def build(source: str, out: str) -> int:
    font = TTFont(source)
    opts = make_options()
    sub = subset.Subsetter(options=opts)
    sub.populate(unicodes=unicodes())
    sub.subset(font)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    subset.save_font(font, out, opts)
    return os.path.getsize(out)


# --------------------------------------------------------------------- verify
def _sfnt_bytes(path: str) -> bytes:
    """Decode WOFF/WOFF2 to plain sfnt bytes (HarfBuzz cannot read WOFF2)."""
    f = TTFont(path)
    f.flavor = None
    buf = io.BytesIO()
    f.save(buf)
    return buf.getvalue()


def _shape(font_bytes: bytes, text: str):
    import uharfbuzz as hb

    tt = TTFont(io.BytesIO(font_bytes))
    gs = tt.getGlyphSet()
    order = tt.getGlyphOrder()
    face = hb.Face(font_bytes)
    font = hb.Font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    seq = []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
        pen = RecordingPen()
        gs[order[info.codepoint]].draw(pen)
        outline = hashlib.sha1(repr(pen.value).encode()).hexdigest()[:10]
        seq.append((outline, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset))
    return seq


def verify(source: str, out: str, exhaustive: bool = True) -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        print("uharfbuzz not installed; skipping shaping check", file=sys.stderr)
        return True
    orig = open(source, "rb").read()
    subs = _sfnt_bytes(out)
    texts = list(SAMPLES)
    if exhaustive:
        cons = [chr(c) for c in range(0x1780, 0x17A3)]
        vowels = [chr(c) for c in range(0x17B6, 0x17C6)]
        signs = [chr(c) for c in range(0x17C6, 0x17D4)] + ["\u17dd"]
        for a in cons:
            texts.extend(a + "\u17d2" + b for b in cons)  # every coeng pair
            texts.extend(a + v for v in vowels)
            texts.extend(a + s for s in signs)
            texts.extend(a + "\u17d2\u179a" + v for v in vowels)  # C+coeng RO+V
        texts.append("".join(chr(c) for c in range(0x19E0, 0x1A00)))
        texts.append("".join(chr(c) for c in range(0x17E0, 0x17EA)))
    bad = 0
    for t in texts:
        a, b = _shape(orig, t), _shape(subs, t)
        if a != b:
            bad += 1
            if bad <= 10:
                print("MISMATCH", repr(t), a, b, file=sys.stderr)
    print(f"shaping check: {len(texts) - bad}/{len(texts)} strings identical")
    for t in SAMPLES[:2]:
        print(f"  {t}: {len(_shape(subs, t))} glyphs, identical={_shape(orig, t) == _shape(subs, t)}")
    return bad == 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", default=DEFAULT_SOURCE, help="NotoSansKhmer Regular TTF")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output .woff2")
    ap.add_argument("--bold", action="store_true",
                    help="also subset the Bold weight (same dir, -Bold in source name) "
                         f"and keep it only if < {BOLD_LIMIT // 1024} KB")
    ap.add_argument("--bold-source", default=None)
    ap.add_argument("--verify", action="store_true", help="compare shaping with uharfbuzz")
    args = ap.parse_args(argv)

    size = build(args.source, args.out)
    print(f"{args.out}: {size} bytes ({size / 1024:.1f} KB) from {args.source}")
    print(f"unicode-range: {UNICODE_RANGE_CSS}")
    ok = True
    if args.verify:
        ok = verify(args.source, args.out)

    if args.bold:
        bsrc = args.bold_source or args.source.replace("-Regular", "-Bold")
        bout = args.out.replace("subset", "bold-subset") if "subset" in args.out else args.out + ".bold.woff2"
        if not os.path.exists(bsrc):
            print(f"bold source {bsrc} not found; skipping Bold")
        else:
            bsize = build(bsrc, bout)
            if bsize < BOLD_LIMIT:
                print(f"{bout}: {bsize} bytes ({bsize / 1024:.1f} KB) - kept")
                if args.verify:
                    ok = verify(bsrc, bout) and ok
            else:
                os.remove(bout)
                print(f"Bold would be {bsize} bytes (>= {BOLD_LIMIT}); not shipped, "
                      "browsers will synthesise bold from Regular")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
