"""Colour names (English and Chinese) to RGB, for recolor and for the planner."""

from __future__ import annotations

import re

# Hair and fabric colours people ask for, beside the plain names; values are typical sRGB tones.
COLORS: dict[str, tuple[int, int, int]] = {
    "black": (20, 20, 22),
    "white": (245, 245, 245),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "silver": (192, 192, 196),
    "red": (200, 30, 35),
    "dark red": (120, 15, 20),
    "crimson": (220, 20, 60),
    "burgundy": (110, 20, 40),
    "maroon": (128, 0, 0),
    "pink": (240, 140, 170),
    "hot pink": (255, 105, 180),
    "magenta": (220, 40, 160),
    "purple": (120, 50, 160),
    "violet": (143, 80, 200),
    "lavender": (180, 160, 220),
    "blue": (35, 80, 200),
    "light blue": (150, 195, 235),
    "sky blue": (110, 180, 235),
    "navy": (20, 30, 90),
    "dark blue": (20, 40, 120),
    "teal": (0, 128, 128),
    "turquoise": (64, 200, 200),
    "cyan": (0, 190, 210),
    "green": (40, 150, 60),
    "dark green": (20, 80, 35),
    "light green": (140, 210, 120),
    "olive": (110, 115, 40),
    "lime": (150, 210, 40),
    "neon green": (57, 255, 20),
    "neon yellow": (225, 255, 30),
    "neon pink": (255, 30, 180),
    "neon orange": (255, 110, 20),
    "neon blue": (30, 80, 255),
    "emerald": (30, 140, 90),
    "yellow": (240, 210, 40),
    "gold": (212, 175, 55),
    "golden": (212, 175, 55),
    "orange": (240, 130, 30),
    "coral": (250, 120, 95),
    "peach": (250, 190, 150),
    "beige": (220, 200, 170),
    "cream": (245, 235, 205),
    "tan": (205, 170, 125),
    "khaki": (195, 180, 130),
    "brown": (110, 70, 40),
    "dark brown": (60, 38, 25),
    "light brown": (165, 120, 80),
    "chocolate": (90, 50, 25),
    "chestnut": (130, 60, 35),
    "auburn": (145, 50, 30),
    "copper": (185, 95, 50),
    "ginger": (190, 95, 40),
    "brunette": (85, 55, 35),
    "blonde": (225, 195, 130),
    "blond": (225, 195, 130),
    "platinum": (230, 225, 210),
    "platinum blonde": (235, 228, 205),
    "light gray": (200, 200, 200),
    "light grey": (200, 200, 200),
    "dark gray": (70, 70, 72),
    "dark grey": (70, 70, 72),
    "charcoal": (54, 69, 79),
    "gunmetal": (42, 52, 57),
    "off-white": (245, 240, 228),
    "off white": (245, 240, 228),
    "jet black": (12, 12, 14),
    "ivory": (255, 250, 235),
    "light pink": (250, 190, 205),
    "baby pink": (245, 194, 194),
    "baby blue": (137, 207, 240),
    "royal blue": (65, 105, 225),
    "indigo": (75, 0, 130),
    "aqua": (0, 200, 200),
    "mint": (152, 230, 180),
    "mint green": (152, 230, 180),
    "sage": (160, 175, 135),
    "sage green": (160, 175, 135),
    "forest green": (34, 100, 34),
    "mustard": (215, 170, 40),
    "amber": (255, 180, 0),
    "scarlet": (230, 30, 20),
    "fuchsia": (230, 50, 190),
    "lilac": (200, 160, 210),
    "mauve": (190, 140, 170),
    "taupe": (140, 125, 110),
    "caramel": (190, 120, 60),
    "camel": (195, 150, 100),
    "bronze": (175, 110, 50),
    "brass": (181, 166, 66),
    "rose gold": (220, 160, 150),
    "champagne": (240, 225, 190),
    "wooden": (150, 105, 65),
    "wood": (150, 105, 65),
    "rainbow": (200, 100, 200),
    "dusty rose": (200, 140, 145),
    "burnt orange": (205, 85, 20),
    "nude pink": (230, 180, 170),
    "electric blue": (40, 120, 255),
    "rose pink": (240, 150, 170),
    "blush pink": (235, 180, 175),
    "salmon pink": (250, 140, 120),
    "terracotta": (200, 100, 70),
    "rust orange": (180, 80, 40),
    "cobalt": (0, 70, 170),
    "dusty blue": (130, 160, 185),
    "periwinkle": (160, 160, 230),
    "plum purple": (120, 50, 100),
    "wine red": (115, 20, 45),
    "ochre": (200, 140, 40),
    "jade": (0, 160, 110),
    "chartreuse": (180, 220, 40),
    "seafoam": (150, 220, 190),
    "pastel yellow": (250, 240, 160),
    "pastel pink": (250, 200, 210),
    "pastel blue": (175, 205, 240),
    "pastel green": (180, 230, 180),
    "pastel purple": (205, 180, 230),
}

CHINESE_COLORS: dict[str, str] = {
    "金黄色": "blonde",
    "金色": "gold",
    "金发": "blonde",
    "亚麻色": "blonde",
    "银色": "silver",
    "银白": "silver",
    "白金": "platinum",
    "黑色": "black",
    "黑": "black",
    "白色": "white",
    "白": "white",
    "灰色": "gray",
    "灰": "gray",
    "深红": "dark red",
    "酒红": "burgundy",
    "红色": "red",
    "红": "red",
    "粉红": "pink",
    "粉色": "pink",
    "粉": "pink",
    "紫色": "purple",
    "紫": "purple",
    "天蓝": "sky blue",
    "浅蓝": "light blue",
    "深蓝": "navy",
    "藏青": "navy",
    "蓝色": "blue",
    "蓝": "blue",
    "青色": "cyan",
    "墨绿": "dark green",
    "浅绿": "light green",
    "绿色": "green",
    "绿": "green",
    "黄色": "yellow",
    "黄": "yellow",
    "橙色": "orange",
    "橘色": "orange",
    "橙": "orange",
    "棕色": "brown",
    "咖啡色": "brown",
    "褐色": "brown",
    "栗色": "chestnut",
    "棕": "brown",
    "米色": "beige",
    "卡其": "khaki",
    "木色": "wooden",
    "木头": "wooden",
    "木质": "wooden",
}

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def parse_color(text: str) -> tuple[int, int, int] | None:
    """RGB for a colour name (English or Chinese, any case) or a #rgb/#rrggbb code; None if unknown."""
    name = text.strip().lower().replace("-", " ").replace("_", " ")
    name = re.sub(r"\s+", " ", name)
    if name in COLORS:
        return COLORS[name]
    if name in CHINESE_COLORS:
        return COLORS[CHINESE_COLORS[name]]
    m = _HEX.match(name)
    if m:
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    for suffix in (" color", " colour", " colored", " coloured", "ish"):
        if name.endswith(suffix) and name[: -len(suffix)].strip() in COLORS:
            return COLORS[name[: -len(suffix)].strip()]
    # "emerald green", "army green": a shade before a base colour; the shade when it is known
    words = name.split(" ")
    if len(words) == 2 and words[1] in COLORS:
        return COLORS.get(words[0], COLORS[words[1]])
    if len(words) > 2 and words[0] in ("light", "dark", "pale", "deep", "bright", "soft", "muted"):
        return parse_color(" ".join(words[1:]))  # "light blush pink": a shade of a colour of two words
    return None


def find_color(text: str) -> str | None:
    """The canonical English name of the first colour mentioned in `text` (longest match wins)."""
    lowered = text.lower()
    best: tuple[int, int, str] | None = None  # (position, -length, name)
    for name in COLORS:
        m = re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", lowered)
        if m:
            cand = (m.start(), -len(name), name)
            best = min(best, cand) if best else cand
    for zh, name in CHINESE_COLORS.items():
        pos = text.find(zh)
        if pos >= 0:
            cand = (pos, -len(zh), name)
            best = min(best, cand) if best else cand
    hexm = re.search(r"#[0-9a-fA-F]{6}\b", text)
    if hexm:
        cand = (hexm.start(), -7, hexm.group(0).lower())
        best = min(best, cand) if best else cand
    return best[2] if best else None
