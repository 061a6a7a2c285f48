"""Render whole Vietnamese plates at CCTV size and cut their lines as the reader does (v2 training data).

The reader (src/plates/lines.ts) gets a tiny plate crop (two-line plates are about 25-35 px high in traffic
CCTV), splits two-line plates at the quietest row of a gradient profile and resizes each line to 32 px high.
The line model must therefore learn lines that were ~8-16 px high *before* the resize, JPEG-compressed at
that size, with the plate rim and a sliver of the other line in the crop. render.py's lines are degraded
one by one; here the whole plate is drawn (several condensed fonts, rim, screws, surround), warped,
shrunk, blurred and compressed, then split with the same profile rule as lines.ts.
Only synthetic plates: the evaluation crops in ../shared/assets/data are never used.
"""
import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import render

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Medium.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
]
FONTS = [f for f in FONTS if __import__("os").path.exists(f)]
LETTERS = render.LETTERS


def plate_lines():
    p = str(random.choice(render.PROVINCES))
    r = random.random()
    serial = render.serial_text
    if r < 0.25:  # one-line car plate
        series = random.choice(LETTERS) + (random.choice(LETTERS) if random.random() < 0.1 else "")
        return [p + series + "-" + serial()]
    if r < 0.4:  # square car plate 77A / 036.23
        series = random.choice(LETTERS) + (random.choice(LETTERS) if random.random() < 0.15 else "")
        return [p + series, serial()]
    # motorbike 77-L1 / 591.66, 77-AA / 046.60, 77-E1 / 167.79
    u = random.random()
    second = random.choice(LETTERS) if u < 0.2 else ("" if u < 0.25 else random.choice("0123456789"))
    sep = "-" if random.random() < 0.9 else " "
    return [p + sep + random.choice(LETTERS) + second, serial()]


def draw_plate(lines):
    f = render.font(random.choice(FONTS), 64)
    bg, fg = random.randint(200, 250), random.randint(0, 50)
    kind = random.random()
    if kind < 0.08:
        bg, fg = random.randint(30, 110), random.randint(200, 250)
    elif kind < 0.25:
        bg = random.randint(150, 215)
    squeeze = random.uniform(0.55, 0.9) if len(lines) == 2 else random.uniform(0.6, 0.95)
    tall = random.uniform(1.0, 1.35)
    imgs = []
    for t in lines:
        box = f.getbbox(t)
        tw, th = box[2] - box[0], box[3] - box[1]
        img = Image.new("L", (tw + 8, th + 8), bg)
        d = ImageDraw.Draw(img)
        d.text((4 - box[0], 4 - box[1]), t, font=f, fill=fg, stroke_width=random.choice([0, 0, 1, 2]), stroke_fill=fg)
        imgs.append(img.resize((max(8, int(img.width * squeeze)), int(img.height * tall))))
    pad_x, pad_y = random.randint(6, 20), random.randint(5, 14)
    gap = random.randint(2, 14)
    pw = max(i.width for i in imgs) + 2 * pad_x
    ph = sum(i.height for i in imgs) + 2 * pad_y + gap * (len(imgs) - 1)
    plate = Image.new("L", (pw, ph), bg)
    d = ImageDraw.Draw(plate)
    if random.random() < 0.85:
        d.rounded_rectangle([1, 1, pw - 2, ph - 2], radius=random.randint(2, 10), outline=fg, width=random.randint(2, 5))
    if random.random() < 0.3:  # screws
        for sx in (pw * 0.2, pw * 0.8):
            d.ellipse([sx - 3, 3, sx + 3, 9], fill=random.randint(60, 160))
    y = pad_y
    line_rows = []
    for i in imgs:
        x = (pw - i.width) // 2 + random.randint(-3, 3)
        plate.paste(i, (x, y))
        line_rows.append((y, y + i.height))
        y += i.height + gap
    return plate, line_rows


def warp(plate, m):
    """Plate on a surround, small rotation/shear/perspective; returns the image and the plate quad's bbox."""
    w, h = plate.size
    surround = Image.new("L", (w + 2 * m, h + 2 * m), random.randint(0, 255))
    if random.random() < 0.5:  # some texture in the surround
        arr = np.asarray(surround).astype(np.float32) + np.random.normal(0, random.uniform(5, 40), (h + 2 * m, w + 2 * m))
        surround = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(2))
    surround.paste(plate, (m, m))
    ang = random.uniform(-7, 7)
    sh = random.uniform(-0.2, 0.2)
    cx, cy = surround.width / 2, surround.height / 2
    a, b = math.cos(math.radians(ang)), math.sin(math.radians(ang))
    # inverse affine: output (x,y) -> input
    mat = (a, b + sh, cx - a * cx - (b + sh) * cy, -b, a, cy + b * cx - a * cy)
    out = surround.transform(surround.size, Image.AFFINE, mat, resample=Image.BILINEAR)
    return out


def crop_plate(img, m, w, h):
    """A detector-like crop around the plate: margins between -4 % and +18 % of its size on each side."""
    mx = lambda: random.uniform(-0.04, 0.18) * w
    my = lambda: random.uniform(-0.04, 0.18) * h
    box = (max(0, m - mx()), max(0, m - my()), min(img.width, m + w + mx()), min(img.height, m + h + my()))
    return img.crop(tuple(int(round(v)) for v in box)), box


def shrink(img, target_h):
    s = target_h / img.height
    if random.random() < 0.3:  # a blurrier optical path: blur before the shrink
        img = img.filter(ImageFilter.GaussianBlur(random.uniform(0.3, 1.2) / max(s, 1e-3) * 0.25))
    small = img.resize((max(6, round(img.width * s)), max(6, target_h)), random.choice([Image.BILINEAR, Image.BOX, Image.LANCZOS]))
    if random.random() < 0.4:
        small = small.filter(ImageFilter.GaussianBlur(random.uniform(0.2, 0.8)))
    arr = np.asarray(small).astype(np.float32)
    arr = arr * random.uniform(0.5, 1.3) + random.uniform(-50, 50)
    grad = np.linspace(random.uniform(-35, 35), random.uniform(-35, 35), arr.shape[1])[None, :]
    arr = arr + grad + np.random.normal(0, random.uniform(0, 6), arr.shape)
    small = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if random.random() < 0.8:
        buf = io.BytesIO()
        small.convert("RGB").save(buf, format="JPEG", quality=random.randint(25, 90))
        small = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return small, s


def split_row(g):
    """lines.ts findSplitRow: the quietest row of the smoothed |d/dx| profile in the middle band."""
    h, w = g.shape
    x0, x1 = int(w * 0.08), math.ceil(w * 0.92)
    gi = g.astype(np.float32)
    prof = np.abs(np.diff(gi[:, x0:x1], axis=1)).sum(axis=1)
    sm = np.array([(prof[max(0, y - 1)] + prof[y] + prof[min(h - 1, y + 1)]) / 3 for y in range(h)])
    lo, hi = int(h * 0.3), max(int(h * 0.3) + 1, math.ceil(h * 0.7))
    best, bv = round(h / 2), float("inf")
    for y in range(lo, hi):
        v = sm[y] * (1 + 0.6 * abs(y / h - 0.5))
        if v < bv:
            bv, best = v, y
    return best


def render_line():
    lines = plate_lines()
    plate, rows = draw_plate(lines)
    w, h = plate.size
    m = int(max(w, h) * 0.3)
    img = warp(plate, m)
    crop, box = crop_plate(img, m, w, h)
    two = len(lines) == 2
    target = random.choice([random.randint(18, 34), random.randint(22, 48), random.randint(30, 90)]) if two \
        else random.choice([random.randint(9, 18), random.randint(12, 30), random.randint(20, 60)])
    small, s = shrink(crop, target)
    label_i = random.randrange(len(lines))
    if not two:
        line = small
    else:
        g = np.asarray(small)
        row = split_row(g)
        ov = max(1, round(small.height * 0.04))
        line = small.crop((0, 0, small.width, row + ov)) if label_i == 0 else small.crop((0, row - ov, small.width, small.height))
    label = "".join(c for c in lines[label_i] if c in render.PLATE_ALPHABET)
    return render.to_input(line), label


def render_any():
    """Mostly whole-plate CCTV lines; some of render.py's loose detector-box lines of larger plates."""
    return render_line() if random.random() < 0.75 else render.render_line()


if __name__ == "__main__":
    import sys
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    tiles, labels = [], []
    for _ in range(n):
        x, y = render_any()
        tiles.append(x)
        labels.append(y)
    print(labels)
    Image.fromarray(np.vstack(tiles)).resize((render.W * 2, render.H * 2 * n)).save("/tmp/plate_samples2.png")
