"""The home page: every day by month with its counts, and a chart of the fields over time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from paperbrief.models import ReportSummary, SiteSnapshot
from paperbrief.render.chart import domain_series, svg_chart
from paperbrief.render.site.digest import DigestPage
from paperbrief.search import top_domain

TOP_DOMAINS = 8
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def home_page(env: Environment, L: dict[str, str], base_url: str, snapshot: SiteSnapshot,
              summaries: dict[str, ReportSummary], top: int = TOP_DOMAINS, digests: Sequence[DigestPage] = ()) -> bytes:
    """The home page; `summaries` are those of the papers' written reports (`Store.report_summaries`)."""
    per_day: dict[str, Counter[str]] = {}
    for d, ids in snapshot.days.items():
        c: Counter[str] = Counter()
        for pid in ids:
            summary = summaries.get(pid) if snapshot.papers[pid].written else None
            name = top_domain(summary.domain) if summary else ""
            if name:
                c[name] += 1
        per_day[d] = c
    series = domain_series(per_day, top=top, other=L["other"])
    chart_title = L[f"chart_{series.unit}"]
    chart = Markup(svg_chart(series, title=chart_title)) if series.buckets else None
    days: list[dict[str, Any]] = []
    for d in sorted(snapshot.days, reverse=True):
        written, failed = snapshot.counts(d)
        days.append({"date": d, "count": len(snapshot.days[d]), "written": written, "failed": failed})
    months: list[tuple[str, list[dict[str, Any]]]] = []
    for day_info in days:
        y, m = int(day_info["date"][:4]), int(day_info["date"][5:7])
        label = L["month"].format(year=y, month=m, month_name=_MONTHS[m - 1])
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(day_info)
    html = env.get_template("home.html").render(
        L=L, root="", days=days, months=months, total_papers=len(snapshot.papers), chart=chart,
        chart_title=chart_title, legend=[(name, series.colours[name]) for name in series.domains], digests=digests,
        canonical=f"{base_url}index.html" if base_url else None,
    )
    return html.encode("utf-8")
