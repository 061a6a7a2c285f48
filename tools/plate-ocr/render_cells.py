"""Plates drawn glyph by glyph in fixed-pitch cells, the way Vietnamese plates are printed (v3 training data).

Real plates (Circular 79/2024/TT-BCA) set each character in its own cell: tall, narrow glyphs (height about
twice the width) of an even, medium stroke, wide gaps between them, a short dash between province and
series and a dot in the serial. A font's string rendering (render_plate.py) gives tight, kerned, often bold
text instead, and at 5 px per glyph that difference is most of what is left to see. Here each glyph is cut
from a Debian font at a large size, thinned or thickened, squeezed into its cell and placed at a fixed pitch;
the plate then goes through render_plate.py's warp, shrink (biased towards the tiny CCTV sizes) and line cut.
Only synthetic plates: the evaluation crops in ../shared/assets/data are never used.
"""
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import render
import render_plate

FONTS = [f for f in [
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Regular.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Medium.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
] if os.path.exists(f)]

GLYPH_H = 96
_glyphs = {}


def glyph(path, ch):
    """The ink of one character at GLYPH_H px, cropped to its box (white on black, L mode)."""
    key = (path, ch)
    if key not in _glyphs:
        f = render.font(path, int(GLYPH_H * 1.4))
        img = Image.new("L", (GLYPH_H * 2, GLYPH_H * 2), 0)
        ImageDraw.Draw(img).text((GLYPH_H // 4, 0), ch, font=f, fill=255)
        _glyphs[key] = img.crop(img.getbbox())
    return _glyphs[key]


def draw_line(text, path, cell_h, aspect, pitch, weight):
    """One printed line: glyphs squeezed to `aspect` (width/height) at a fixed `pitch` (cell width / glyph width)."""
    gw = max(3, round(cell_h * aspect))
    cells = []
    for ch in text:
        if ch == "-":
            # Plates print the dash anywhere from a bar most of a glyph wide to a short tick (a dot at CCTV size).
            cells.append(("dash", max(2, round(gw * random.choice([0.7, 0.7, 0.5, 0.35])))))
        elif ch == ".":
            cells.append(("dot", max(2, round(gw * 0.45))))
        elif ch == " ":
            cells.append(("gap", gw))
        else:
            cells.append((ch, gw))
    gap = max(1, round(gw * (pitch - 1)))
    width = sum(w for _, w in cells) + gap * (len(cells) + 1)
    line = Image.new("L", (width, cell_h), 0)
    d = ImageDraw.Draw(line)
    x = gap
    stroke = max(1, round(cell_h * random.uniform(0.09, 0.14)))
    for kind, w in cells:
        if kind == "dash":
            y = cell_h // 2 + random.randint(-1, 1)
            d.rectangle([x, y - stroke // 2, x + w - 1, y - stroke // 2 + stroke - 1], fill=255)
        elif kind == "dot":
            r = max(1, stroke // 2 + 1)
            cx = x + w // 2
            d.ellipse([cx - r, cell_h - 2 * r - 1, cx + r, cell_h - 1], fill=255)
        elif kind != "gap":
            g = glyph(path, kind)
            # Thin or thicken the stroke at the large size, then squeeze into the cell.
            if weight > 0:
                g = g.filter(ImageFilter.MaxFilter(weight * 2 + 1))
            elif weight < 0:
                g = g.filter(ImageFilter.MinFilter(-weight * 2 + 1))
            g = g.resize((w, cell_h), Image.LANCZOS)
            line.paste(255, (x, 0), g)
        x += w + gap
    return line


def draw_plate(lines):
    """A whole plate (white text mask → grey levels) and its line rows, like render_plate.draw_plate."""
    path = random.choice(FONTS)
    two = len(lines) == 2
    cell_h = random.randint(40, 64)
    aspect = random.uniform(0.38, 0.56) if two else random.uniform(0.42, 0.6)
    pitch = random.uniform(1.15, 1.6)
    weight = random.choice([-3, -2, -1, 0, 0, 1, 2])
    masks = [draw_line(t, path, cell_h, aspect, pitch, weight) for t in lines]
    if two:  # the top line of a motorbike plate is printed a little narrower or wider than the serial
        masks[0] = masks[0].resize((max(8, round(masks[0].width * random.uniform(0.85, 1.15))), cell_h))
    bg, fg = random.randint(190, 250), random.randint(0, 60)
    kind = random.random()
    if kind < 0.06:
        bg, fg = random.randint(30, 110), random.randint(200, 250)
    elif kind < 0.25:
        bg = random.randint(140, 210)
    pad_x, pad_y = random.randint(4, 16), random.randint(3, 12)
    gap = random.randint(2, 12)
    pw = max(m.width for m in masks) + 2 * pad_x
    ph = sum(m.height for m in masks) + 2 * pad_y + gap * (len(masks) - 1)
    plate = Image.new("L", (pw, ph), bg)
    d = ImageDraw.Draw(plate)
    if random.random() < 0.85:
        d.rounded_rectangle([1, 1, pw - 2, ph - 2], radius=random.randint(2, 10), outline=fg, width=random.randint(2, 6))
    if random.random() < 0.3:
        for sx in (pw * 0.2, pw * 0.8):
            d.ellipse([sx - 3, 3, sx + 3, 9], fill=random.randint(60, 160))
    y = pad_y
    rows = []
    for m in masks:
        x = (pw - m.width) // 2 + random.randint(-3, 3)
        plate.paste(fg, (x, y), m)
        rows.append((y, y + m.height))
        y += m.height + gap
    return plate, rows


def render_line():
    lines = render_plate.plate_lines()
    plate, _ = draw_plate(lines)
    w, h = plate.size
    m = int(max(w, h) * 0.3)
    img = render_plate.warp(plate, m)
    crop, _ = render_plate.crop_plate(img, m, w, h)
    two = len(lines) == 2
    # Biased towards CCTV sizes: two-line plates mostly 16-34 px high (lines of 7-15 px), one-line 9-24 px.
    target = random.choice([random.randint(16, 26), random.randint(20, 34), random.randint(26, 70)]) if two \
        else random.choice([random.randint(9, 16), random.randint(12, 24), random.randint(18, 50)])
    small, _ = render_plate.shrink(crop, target)
    label_i = random.randrange(len(lines))
    if not two:
        line = small
    else:
        g = np.asarray(small)
        row = render_plate.split_row(g)
        # The reader cuts lines by the projection split or by the text detector's rows; on a tilted plate either
        # cut takes in a strip of the other line, so the overlap varies from 4 % to about a fifth of the plate.
        ov = max(1, round(small.height * random.choice([0.04, 0.04, 0.08, 0.12, 0.18])))
        line = small.crop((0, 0, small.width, min(small.height, row + ov))) if label_i == 0 else small.crop((0, max(0, row - ov), small.width, small.height))
    label = "".join(c for c in lines[label_i] if c in render.PLATE_ALPHABET)
    return render.to_input(line), label


def render_any():
    """Mostly cell-drawn CCTV plates; some of render_plate's whole plates and render.py's loose lines."""
    r = random.random()
    return render_line() if r < 0.7 else render_plate.render_line() if r < 0.9 else render.render_line()


if __name__ == "__main__":
    import sys
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    tiles, labels = [], []
    for _ in range(n):
        x, y = render_line()
        tiles.append(x)
        labels.append(y)
    print(labels)
    Image.fromarray(np.vstack(tiles)).resize((render.W * 2, render.H * 2 * n)).save("/tmp/plate_samples3.png")
