"""The home page: every day by month with its counts, and a chart of the fields over time."""

from __future__ import annotations

from collections import Counter
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from paperbrief.render.chart import domain_series, svg_chart
from paperbrief.render.site.snapshot import PaperData
from paperbrief.search import top_domain

TOP_DOMAINS = 8
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def home_page(env: Environment, L: dict[str, str], base_url: str, papers: dict[str, PaperData],
              day_papers: dict[str, list[str]], counts: dict[str, tuple[int, int]], info: dict[str, dict[str, str]],
              top: int = TOP_DOMAINS) -> bytes:
    per_day: dict[str, Counter[str]] = {}
    for d, ids in day_papers.items():
        c: Counter[str] = Counter()
        for pid in ids:
            meta = papers[pid].report_meta
            if meta and not meta[2] and pid in info:
                name = top_domain(info[pid]["domain"])
                if name:
                    c[name] += 1
        per_day[d] = c
    series = domain_series(per_day, top=top, other=L["other"])
    chart_title = L[f"chart_{series.unit}"]
    chart = Markup(svg_chart(series, title=chart_title)) if series.buckets else None
    days: list[dict[str, Any]] = [{"date": d, "count": len(day_papers[d]), "written": counts[d][0], "failed": counts[d][1]}
            for d in sorted(day_papers, reverse=True)]
    months: list[tuple[str, list[dict[str, Any]]]] = []
    for day_info in days:
        y, m = int(day_info["date"][:4]), int(day_info["date"][5:7])
        label = L["month"].format(year=y, month=m, month_name=_MONTHS[m - 1])
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(day_info)
    html = env.get_template("home.html").render(
        L=L, root="", days=days, months=months, total_papers=len(papers), chart=chart, chart_title=chart_title,
        legend=[(name, series.colours[name]) for name in series.domains],
        canonical=f"{base_url}index.html" if base_url else None,
    )
    return html.encode("utf-8")
