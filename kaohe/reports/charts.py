"""Small server-rendered charts: stacked or grouped bars and lines, as SVG and as PNG.

A chart is first laid out as a few shapes (rectangles, polylines, texts); the same shapes are
then written as SVG markup (shown inline and downloadable) or drawn with Pillow into a PNG.
No JavaScript: the charts work on old intranet browsers and under a strict Content-Security-
Policy (presentation attributes only, no style attributes, no scripts).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from kaohe.lib.escaping import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 56, 44
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
INK, MUTED, GRID = "#1f2933", "#5f6b7a", "#d9dee5"
PALETTE = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#9e9d24",
           "#5d4037", "#ad1457", "#455a64"]
# Fonts with Chinese glyphs for the PNG (Debian's fonts-noto-cjk first).
FONT_FILES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    color: str = ""


# A chart's shapes are made by the hundred for a page, and never changed: plain slotted
# classes, which are made five times faster than frozen ones.
@dataclass(slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str = ""
    data: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2


@dataclass(slots=True)
class Text:
    x: float
    y: float
    text: str
    size: int = 12
    anchor: str = "start"  # start, middle, end
    fill: str = INK


@dataclass
class Chart:
    name: str
    title: str
    shapes: list[Rect | Line | Text] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    top: float = TOP  # where the plot starts, below the title and the legend

    def svg(self) -> SafeString:
        return mark_safe(to_svg(self))  # noqa: S308 (every text inside is escaped)


def _colored(series: Sequence[Series]) -> list[Series]:
    return [s if s.color else Series(s.name, s.values, PALETTE[i % len(PALETTE)])
            for i, s in enumerate(series)]


def _nice_max(value: float) -> float:
    """A round top for the value axis: 1, 2, 5 × 10^n."""
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if factor * step >= value:
            return factor * step
    return 10 * step


def _char_width(ch: str, size: int) -> float:
    """Roughly: Chinese glyphs are square, Latin ones about half as wide."""
    return size if ord(ch) > 0x2E80 else size * 0.6


def _text_width(text: str, size: int) -> float:
    return sum(_char_width(ch, size) for ch in text)


def _short(text: str, width: float, size: int) -> str:
    """The text, or its longest beginning that fits with "…" after it."""
    if _text_width(text, size) <= width:
        return text
    ellipsis, used = _char_width("…", size), 0.0
    for i, ch in enumerate(text):
        used += _char_width(ch, size)
        if used + ellipsis > width:
            return text[:i] + "…"
    return text + "…"


def _count_max(value: float) -> float:
    """A top for counts whose four grid steps are whole numbers."""
    nice = _nice_max(value)
    return nice if nice > 20 else max(math.ceil(value / 4) * 4, 4)


def _frame(chart: Chart, series: Sequence[Series], top: float, percent: bool) -> None:
    """Title, legend (wrapped onto as many rows as it needs), value axis with grid lines."""
    chart.shapes.append(Text(LEFT, 20, chart.title, size=14))
    x, y = float(LEFT), 30.0
    for s in series:
        name = _short(s.name, 160, 11)
        width = 14 + _text_width(name, 11) + 12
        if x + width > chart.width - RIGHT and x > LEFT:
            x, y = LEFT, y + 16
        chart.shapes.append(Rect(x, y, 10, 10, s.color))
        chart.shapes.append(Text(x + 14, y + 9, name, size=11, fill=MUTED))
        x += width
    chart.top = y + 26
    plot_h = chart.height - chart.top - BOTTOM
    for i in range(5):
        value = top * i / 4
        y_line = chart.height - BOTTOM - plot_h * i / 4
        chart.shapes.append(Line(((LEFT, y_line), (chart.width - RIGHT, y_line)), GRID, 1))
        label = f"{value * 100:.0f}%" if percent else f"{value:g}"
        chart.shapes.append(Text(LEFT - 4, y_line + 4, label, size=10, anchor="end",
                                 fill=MUTED))


def _x_labels(chart: Chart, labels: Sequence[str], slot: float) -> None:
    for i, label in enumerate(labels):
        chart.shapes.append(Text(LEFT + slot * (i + 0.5), chart.height - BOTTOM + 16,
                                 _short(label, slot - 4, 11), size=11, anchor="middle",
                                 fill=MUTED))


def bars(name: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
         stacked: bool = True, percent: bool = False) -> Chart:
    """Vertical bars, one slot per label; the series stacked or side by side."""
    chart, series = Chart(name, title), _colored(series)
    totals = [sum(s.values[i] for s in series) if stacked else
              max((s.values[i] for s in series), default=0) for i in range(len(labels))]
    top = 1.0 if percent else _count_max(max(totals, default=0))
    _frame(chart, series, top, percent)
    plot_h = chart.height - chart.top - BOTTOM
    slot = (chart.width - LEFT - RIGHT) / max(len(labels), 1)
    bar_w = min(slot * 0.6, 90) / (1 if stacked else max(len(series), 1))
    pad = (slot - bar_w * (1 if stacked else len(series))) / 2
    for i, label in enumerate(labels):
        base: float = chart.height - BOTTOM
        for j, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / top if top else 0
            x = LEFT + slot * i + pad + (0 if stacked else j * bar_w)
            shown = f"{value * 100:.1f}%" if percent else f"{value:g}"
            if value:
                chart.shapes.append(Rect(x, base - h, bar_w, h, s.color,
                                         tip=f"{label} · {s.name}: {shown}",
                                         data=(("label", label), ("series", s.name),
                                               ("value", f"{value:g}"))))
            if stacked:
                base -= h
    _x_labels(chart, labels, slot)
    return chart


def lines(name: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
          percent: bool = True) -> Chart:
    """One line per series across the labels (quarters, years)."""
    chart, series = Chart(name, title), _colored(series)
    top = 1.0 if percent else _count_max(max((v for s in series for v in s.values),
                                             default=0))
    _frame(chart, series, top, percent)
    plot_h = chart.height - chart.top - BOTTOM
    slot = (chart.width - LEFT - RIGHT) / max(len(labels), 1)
    for s in series:
        points = tuple((LEFT + slot * (i + 0.5), chart.height - BOTTOM - plot_h * v / top)
                       for i, v in enumerate(s.values))
        if len(points) > 1:
            chart.shapes.append(Line(points, s.color))
        for (x, y), label, value in zip(points, labels, s.values, strict=True):
            shown = f"{value * 100:.1f}%" if percent else f"{value:g}"
            chart.shapes.append(Rect(x - 3, y - 3, 6, 6, s.color, tip=f"{label} · {s.name}: "
                                     f"{shown}", data=(("label", label), ("series", s.name),
                                                       ("value", f"{value:g}"))))
    _x_labels(chart, labels, slot)
    return chart


# --- writers -----------------------------------------------------------------------------------


def _attrs(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f' data-{key}="{escape(value)}"' for key, value in pairs)


def to_svg(chart: Chart) -> str:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} '
           f'{chart.height}" width="{chart.width}" height="{chart.height}" role="img" '
           f'aria-label="{escape(chart.title)}" data-chart="{escape(chart.name)}" '
           f'font-family="{FONT}">',
           f"<title>{escape(chart.title)}</title>",
           f'<rect x="0" y="0" width="{chart.width}" height="{chart.height}" fill="#fff"/>']
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            tip = f"<title>{escape(shape.tip)}</title>" if shape.tip else ""
            out.append(f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.w:.1f}" '
                       f'height="{shape.h:.1f}" fill="{shape.fill}"{_attrs(shape.data)}>'
                       f"{tip}</rect>")
        elif isinstance(shape, Line):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
            out.append(f'<polyline points="{points}" fill="none" stroke="{shape.stroke}" '
                       f'stroke-width="{shape.width:g}"/>')
        else:
            out.append(f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size}" '
                       f'text-anchor="{shape.anchor}" fill="{shape.fill}">'
                       f"{escape(shape.text)}</text>")
    out.append("</svg>")
    return "".join(out)


@lru_cache(maxsize=8)
def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def to_png(chart: Chart, scale: int = 2) -> bytes:
    """The same shapes drawn with Pillow: a PNG without a browser on the server."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            box = [shape.x * scale, shape.y * scale, (shape.x + shape.w) * scale,
                   (shape.y + shape.h) * scale]
            draw.rectangle(box, fill=shape.fill)
        elif isinstance(shape, Line):
            draw.line([(x * scale, y * scale) for x, y in shape.points], fill=shape.stroke,
                      width=max(int(shape.width * scale), 1))
        else:
            draw.text((shape.x * scale, shape.y * scale), shape.text, fill=shape.fill,
                      font=_font(shape.size * scale), anchor=anchors[shape.anchor])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
