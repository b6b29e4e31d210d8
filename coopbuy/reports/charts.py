"""Bar charts as SVG, written here in plain Python (no chart library, no script, no style).

Each chart is an `<svg role="img">` named by the heading that states its finding and described by
a sentence; every bar carries a `<title>` with its label and value, and the page puts the same
numbers in a table beside the chart. Colours come from classes in app.css; the sizes are the
viewBox's, so the chart scales with its container (a phone's 375 px included).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 36


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


def _fmt(value: Decimal) -> str:
    return f"{float(value):.1f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    heading_id: str,
    description: str,
    bars: Sequence[Bar],
    show: Callable[[Decimal], str],
    top: Decimal | None = None,
) -> str:
    """The SVG of one bar per value, zero-based (negative values hang below the axis).

    `heading_id`: the id of the heading that states the finding; `show` formats a value for
    the bars' titles and the axis; `top`: the axis maximum (e.g. 1 for ratios), else the data's.
    """
    desc_id = f"{heading_id}-desc"
    values = [b.value for b in bars]
    high = max([Decimal(0), *values] + ([top] if top is not None else []))
    low = min([Decimal(0), *values])
    span = (high - low) or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: Decimal) -> Decimal:
        return TOP + (high - value) / span * plot_h

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{escape(heading_id)} {escape(desc_id)}" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    for value in (high, low) if low < 0 else (high, (high + low) / 2):
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{_fmt(y(value))}" y2="{_fmt(y(value))}"/>'
            f'<text class="chart-axis" x="{LEFT - 4}" y="{_fmt(y(value) + 4)}" '
            f'text-anchor="end">{escape(show(value))}</text>'
        )
    zero = y(Decimal(0))
    parts.append(
        f'<line class="chart-zero" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{_fmt(zero)}" y2="{_fmt(zero)}"/>'
    )
    if bars:
        step = Decimal(plot_w) / len(bars)
        width = step * Decimal("0.7")
        every = max(1, -(-len(bars) // 8))  # at most 8 labels under the axis
        for i, bar in enumerate(bars):
            x = LEFT + step * i + (step - width) / 2
            top_y, bottom_y = sorted((y(bar.value), zero))
            css = "chart-bar negative" if bar.value < 0 else "chart-bar"
            parts.append(
                f'<rect class="{css}" x="{_fmt(x)}" y="{_fmt(top_y)}" width="{_fmt(width)}" '
                f'height="{_fmt(max(bottom_y - top_y, Decimal("0.5")))}">'
                f"<title>{escape(bar.label)}: {escape(show(bar.value))}</title></rect>"
            )
            if i % every == 0:
                parts.append(
                    f'<text class="chart-label" x="{_fmt(x + width / 2)}" '
                    f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                    f"{escape(bar.label[:14])}</text>"
                )
    parts.append("</svg>")
    return "".join(parts)
