"""The home page's chart: papers per top-level domain over the stored range, as a static SVG.

Made at build time (no JavaScript). Up to 90 days get one stacked bar each; a longer range
is grouped by week (Mondays), and more than two years by month, so bars stay readable.
The most frequent domains get their own colour; the rest are folded into "Other".
Every text in the SVG is XML-escaped: domains come from LLM output.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from xml.sax.saxutils import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D31", "#7B68EE")
OTHER_COLOUR = "#9E9E9E"


@dataclass
class Series:
    """Stacked-bar data: one bucket label per bar, one count list per domain (same order)."""

    buckets: list[str]
    unit: str  # day | week | month
    domains: list[str]  # top domains by total, then the "Other" label if anything was folded
    counts: dict[str, list[int]]
    colours: dict[str, str]


def domain_series(per_day: dict[str, Counter[str]], *, top: int = 8, other: str = "Other") -> Series:
    """Fold per-day domain counts into buckets and keep the `top` domains (the rest become `other`)."""
    if not per_day:
        return Series([], "day", [], {}, {})
    days = sorted(per_day)
    first, last = Date.fromisoformat(days[0]), Date.fromisoformat(days[-1])
    span = (last - first).days + 1
    unit = "day" if span <= 90 else "week" if span <= 730 else "month"

    def bucket(d: str) -> str:
        day = Date.fromisoformat(d)
        if unit == "week":
            return (day - timedelta(days=day.weekday())).isoformat()
        if unit == "month":
            return d[:7]
        return d

    totals: Counter[str] = Counter()
    for c in per_day.values():
        totals.update(c)
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    keep = ranked[:top]
    folded = len(ranked) > top
    domains = keep + ([other] if folded else [])

    buckets = sorted({bucket(d) for d in days})
    index = {b: i for i, b in enumerate(buckets)}
    counts = {d: [0] * len(buckets) for d in domains}
    for d, c in per_day.items():
        i = index[bucket(d)]
        for name, n in c.items():
            counts[name if name in counts and name != other else other][i] += n
    colours = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(keep)}
    if folded:
        colours[other] = OTHER_COLOUR
    return Series(buckets, unit, domains, counts, colours)


def svg_chart(series: Series, *, title: str, width: int = 720, height: int = 240) -> str:
    """A stacked bar chart as an SVG element (scales to its container; tooltips via <title>)."""
    left, right, top, bottom = 36, 8, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(series.buckets)
    totals = [sum(series.counts[d][i] for d in series.domains) for i in range(n)]
    peak = max(totals, default=0) or 1
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#888" stroke-width="1"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11" fill="#666">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11" fill="#666">0</text>',
    ]
    if n:
        step = plot_w / n
        bar = max(step * 0.8, 0.6)
        for i, label in enumerate(series.buckets):
            x = left + i * step + (step - bar) / 2
            y = float(top + plot_h)
            for d in series.domains:
                k = series.counts[d][i]
                if not k:
                    continue
                h = plot_h * k / peak
                y -= h
                out.append(
                    f'<rect x="{x:.2f}" y="{y:.2f}" width="{bar:.2f}" height="{h:.2f}" fill="{series.colours[d]}">'
                    f"<title>{escape(label)} · {escape(d)}: {k}</title></rect>"
                )
        ticks = sorted({0, n // 2, n - 1}) if n > 2 else list(range(n))
        for i in ticks:
            x = left + i * step + step / 2
            anchor = "start" if i == 0 and n > 2 else "end" if i == n - 1 and n > 2 else "middle"
            out.append(
                f'<text x="{x:.2f}" y="{height - 8}" text-anchor="{anchor}" font-size="11" fill="#666">'
                f"{escape(series.buckets[i])}</text>"
            )
    out.append("</svg>")
    return "".join(out)
