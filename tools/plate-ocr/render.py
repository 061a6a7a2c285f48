"""Render synthetic Vietnamese plate text lines for training the plate line recogniser.

Never uses the evaluation images: plates are drawn with a condensed sans font (DejaVu Sans Condensed
Bold, stretched to the tall, narrow look of the plate font), then cropped like the reader crops lines
(loose margins, a sliver of the other line) and degraded like traffic CCTV (downscale to a few pixels
high, blur, noise, JPEG, uneven light, colour plates in grey).

Output of `render_line()`: a uint8 grey image of height H (32) and width W (128) and its label
(characters of PLATE_ALPHABET only, separators are drawn but not labelled).
"""
import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

PLATE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PROVINCES = [11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37,
             38, 39, 40, 41, 43, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68,
             69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 88, 89, 90, 92, 93, 94, 95, 97, 98,
             99]
LETTERS = "ABCDEFGHKLMNPRSTUVXYZ"
FONT_PATHS = ["/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"]
H, W = 32, 128
_fonts = {}


def font(path, size):
    key = (path, size)
    if key not in _fonts:
        _fonts[key] = ImageFont.truetype(path, size)
    return _fonts[key]


def digits(n):
    return "".join(random.choice("0123456789") for _ in range(n))


def serial_text():
    if random.random() < 0.65:
        d = digits(5)
        return d[:3] + "." + d[3:]
    return digits(4)


def plate_lines():
    """(lines as printed, two_line)."""
    p = str(random.choice(PROVINCES))
    r = random.random()
    if r < 0.35:  # one-line car plate
        series = random.choice(LETTERS) + (random.choice(LETTERS) if random.random() < 0.1 else "")
        return [p + series + "-" + serial_text()], False
    if r < 0.5:  # square car plate: 77A / 036.23
        series = random.choice(LETTERS) + (random.choice(LETTERS) if random.random() < 0.15 else "")
        return [p + series, serial_text()], True
    # motorbike: 29-B1 / 123.45, 29-AB / 123.45
    second = random.choice(LETTERS) if random.random() < 0.2 else random.choice("0123456789")
    return [p + "-" + random.choice(LETTERS) + second, serial_text()], True


def draw_plate(lines, two_line):
    """Whole plate on its background; returns (image L, [(line text, box)])."""
    fpath = random.choice(FONT_PATHS)
    size = 64
    f = font(fpath, size)
    bg, fg = 235, 20
    kind = random.random()
    if kind < 0.12:  # blue/red plates: light text on a darker background
        bg, fg = random.randint(40, 110), random.randint(200, 250)
    elif kind < 0.3:  # yellow plates in grey
        bg = random.randint(170, 215)
    squeeze = random.uniform(0.6, 0.85)
    rendered = []
    for t in lines:
        box = f.getbbox(t)
        tw, th = box[2] - box[0], box[3] - box[1]
        img = Image.new("L", (tw + 8, th + 8), bg)
        ImageDraw.Draw(img).text((4 - box[0], 4 - box[1]), t, font=f, fill=fg)
        img = img.resize((max(8, int(img.width * squeeze)), int(img.height * random.uniform(1.0, 1.25))))
        rendered.append(img)
    pad_x = random.randint(6, 22)
    pad_y = random.randint(6, 16)
    gap = random.randint(4, 16)
    pw = max(r.width for r in rendered) + 2 * pad_x
    ph = sum(r.height for r in rendered) + 2 * pad_y + gap * (len(rendered) - 1)
    plate = Image.new("L", (pw, ph), bg)
    d = ImageDraw.Draw(plate)
    d.rectangle([1, 1, pw - 2, ph - 2], outline=fg, width=random.randint(2, 4))
    boxes = []
    y = pad_y
    for t, r in zip(lines, rendered):
        x = (pw - r.width) // 2
        plate.paste(r, (x, y))
        boxes.append((t, (x, y, x + r.width, y + r.height)))
        y += r.height + gap
    # A surround (bumper, body) so crops may include some of it.
    m = random.randint(10, 40)
    surround = Image.new("L", (pw + 2 * m, ph + 2 * m), random.randint(0, 255))
    surround.paste(plate, (m, m))
    boxes = [(t, (b[0] + m, b[1] + m, b[2] + m, b[3] + m)) for t, b in boxes]
    return surround, boxes


def degrade(img):
    # Perspective-ish shear and small rotation.
    if random.random() < 0.7:
        sh = random.uniform(-0.15, 0.15)
        img = img.transform(img.size, Image.AFFINE, (1, sh, -sh * img.height / 2, random.uniform(-0.06, 0.06), 1, 0),
                            resample=Image.BILINEAR)
    # Down to CCTV size: the line ends up 5–30 px high.
    target_h = random.choice([random.randint(5, 12), random.randint(8, 20), random.randint(12, 32)])
    scale = target_h / img.height
    small = img.resize((max(4, int(img.width * scale)), max(4, target_h)), Image.BILINEAR)
    if random.random() < 0.5:
        small = small.filter(ImageFilter.GaussianBlur(random.uniform(0.2, 0.9)))
    arr = np.asarray(small).astype(np.float32)
    # Uneven light, contrast, gamma, noise.
    a = random.uniform(0.4, 1.3)
    b = random.uniform(-50, 60)
    arr = arr * a + b
    grad = np.linspace(random.uniform(-30, 30), random.uniform(-30, 30), arr.shape[1])[None, :]
    arr = arr + grad + np.random.normal(0, random.uniform(0, 10), arr.shape)
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    small = Image.fromarray(arr)
    if random.random() < 0.7:
        buf = io.BytesIO()
        small.save(buf, format="JPEG", quality=random.randint(20, 85))
        small = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return small


def to_input(img):
    """Resize to height H keeping aspect (width ≤ W), pad right by replicating the last column."""
    w = max(8, min(W, round(img.width * H / img.height)))
    r = np.asarray(img.resize((w, H), Image.BILINEAR))
    out = np.empty((H, W), np.uint8)
    out[:, :w] = r
    out[:, w:] = r[:, -1:]
    return out


def render_line():
    lines, two = plate_lines()
    plate, boxes = draw_plate(lines, two)
    i = random.randrange(len(boxes))
    text, (x1, y1, x2, y2) = boxes[i]
    h = y2 - y1
    # Loose crop like the reader's line boxes: margins, sometimes a sliver of the other line.
    jx = lambda: random.uniform(-0.1, 0.45) * h
    jy = lambda: random.uniform(-0.08, 0.3) * h
    box = (max(0, x1 - jx()), max(0, y1 - jy()), min(plate.width, x2 + jx()), min(plate.height, y2 + jy()))
    line = plate.crop(tuple(int(v) for v in box))
    line = degrade(line)
    label = "".join(c for c in text if c in PLATE_ALPHABET)
    return to_input(line), label


if __name__ == "__main__":
    import sys
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    tiles = []
    for _ in range(n):
        x, y = render_line()
        tiles.append(x)
        print(y)
    Image.fromarray(np.vstack(tiles)).resize((W * 3, H * 3 * n)).save("/tmp/plate_samples.png")
