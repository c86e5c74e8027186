"""The Hugging Face replica: `/api/daily_papers` and `/api/papers/{id}` as docs/sources.md §1 describes.

    GET /api/daily_papers?date=YYYY-MM-DD&limit=50&p=0   (or week=YYYY-Www / month=YYYY-MM)
        JSON array of items; `Link: <...&p=N+1>; rel="next"` while more pages exist;
        past the end []; malformed date -> 400 {"error": ...}; a date after
        `latest_date` -> 400 naming the latest allowed date; a day with no data -> [].
    GET /api/papers/{id}
        the paper object unwrapped; unknown id -> 404 {"error": "Paper not found"}.

Tests change the data through the service object that `register` returns.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date as Date
from datetime import datetime, timedelta
from urllib.parse import urlencode

from paperbrief.replica import fixtures
from paperbrief.replica.server import Replica, Request, Response

JSON = "application/json; charset=utf-8"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z$")


def _json(status: int, data: object, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    return Response(status, body, headers or {}, JSON)


RATE_QUOTA, RATE_WINDOW = 500, 300  # anonymous API bucket: 500 requests per 5-minute window (docs/sources.md §1.5)


def _error(status: int, message: str) -> Response:
    return _json(status, {"error": message})


def parse_day(value: str) -> str | None:
    """`YYYY-MM-DD` (or HF's full `%Y-%m-%dT%H:%M:%S.%fZ`) -> `YYYY-MM-DD`; None when malformed."""
    try:
        if _DAY.match(value):
            return Date.fromisoformat(value).isoformat()
        if _DATETIME.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").date().isoformat()
    except ValueError:
        return None
    return None


class HFService:
    """State of the HF replica: the listings per day and the latest day that may be asked for."""

    def __init__(self, days: dict[str, list[dict]] | None = None, latest_date: str | None = None) -> None:
        self.requests_served = 0  # drives the informational RateLimit header (no limit is enforced)
        if days is None:
            days = {d: fixtures.listing(d) for d in fixtures.listing_dates()}
        self.days: dict[str, list[dict]] = days
        self._latest_date = latest_date

    @property
    def latest_date(self) -> str:
        """Dates after this one get a 400. Defaults to the newest day that has data."""
        if self._latest_date:
            return self._latest_date
        return max(self.days) if self.days else Date.today().isoformat()

    @latest_date.setter
    def latest_date(self, value: str | None) -> None:
        self._latest_date = value

    def set_day(self, date: str, items: list[dict]) -> None:
        """Replace (or add) the listing of `date`."""
        self.days[date] = list(items)

    def paper(self, arxiv_id: str) -> dict | None:
        """The unwrapped paper object of `arxiv_id` from the newest day that lists it."""
        for day in sorted(self.days, reverse=True):
            for item in self.days[day]:
                paper = item.get("paper") if isinstance(item, dict) else None
                if isinstance(paper, dict) and paper.get("id") == arxiv_id:
                    out = copy.deepcopy(paper)
                    out.setdefault("linkedModels", [])
                    out.setdefault("numTotalModels", 0)
                    out.setdefault("linkedDatasets", [])
                    out.setdefault("numTotalDatasets", 0)
                    out.setdefault("linkedSpaces", [])
                    out.setdefault("numTotalSpaces", 0)
                    return out
        return None

    # -- handlers -------------------------------------------------------------

    def _rate_headers(self) -> dict[str, str]:
        self.requests_served += 1
        remaining = max(0, RATE_QUOTA - self.requests_served % RATE_QUOTA)
        return {
            "RateLimit": f'"api";r={remaining};t={RATE_WINDOW}',
            "RateLimit-Policy": f'"fixed window";"api";q={RATE_QUOTA};w={RATE_WINDOW}',
        }

    def _with_rate(self, handler):
        def wrapped(req: Request) -> Response:
            resp = handler(req)
            resp.headers.update(self._rate_headers())
            return resp

        return wrapped

    def _span(self, req: Request) -> tuple[list[str] | None, Response | None]:
        """The days asked for with `week=YYYY-Www` or `month=YYYY-MM` (None when neither is given)."""
        week, month = req.arg("week"), req.arg("month")
        try:
            if week is not None:
                if not re.fullmatch(r"\d{4}-W\d{2}", week):
                    raise ValueError
                monday = Date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
                return [(monday + timedelta(days=i)).isoformat() for i in range(7)], None
            if month is not None:
                if not re.fullmatch(r"\d{4}-\d{2}", month):
                    raise ValueError
                first = Date(int(month[:4]), int(month[5:]), 1)
                days = []
                while first.month == int(month[5:]):
                    days.append(first.isoformat())
                    first += timedelta(days=1)
                return days, None
        except ValueError:
            return None, _error(400, f"Invalid week or month {week or month!r}: expected YYYY-Www or YYYY-MM")
        return None, None

    def daily_papers(self, req: Request) -> Response:
        raw_date = req.arg("date")
        span, error = self._span(req) if raw_date is None else (None, None)
        if error is not None:
            return error
        if span is not None:
            day = ""
        elif raw_date is None:
            day = self.latest_date
        else:
            parsed = parse_day(raw_date)
            if parsed is None:
                return _error(400, f"Invalid date {raw_date!r}: expected YYYY-MM-DD")
            day = parsed
            if day > self.latest_date:
                return _error(
                    400,
                    f"Date must be less than or equal to {self.latest_date}T00:00:00.000Z",
                )
        try:
            limit = int(req.arg("limit", "50") or "50")
            page = int(req.arg("p", "0") or "0")
        except ValueError:
            return _error(400, "limit and p must be integers")
        if limit < 1 or page < 0:
            return _error(400, "limit must be >= 1 and p must be >= 0")
        items = [i for d in span for i in self.days.get(d, [])] if span is not None else self.days.get(day, [])
        chunk = items[page * limit : (page + 1) * limit]
        headers: dict[str, str] = {}
        if (page + 1) * limit < len(items):
            query = {k: v[0] for k, v in req.query.items() if v}
            query.update({"limit": str(limit), "p": str(page + 1)})
            if raw_date is not None:
                query["date"] = raw_date
            base = f"http://{req.headers['host']}" if "host" in req.headers else ""
            headers["Link"] = f'<{base}{req.path}?{urlencode(query)}>; rel="next"'
        return _json(200, chunk, headers)

    def paper_info(self, req: Request) -> Response:
        arxiv_id = req.path.removeprefix("/api/papers/").strip("/")
        paper = self.paper(arxiv_id) if arxiv_id else None
        if paper is None:
            return _error(404, "Paper not found")
        return _json(200, paper)


def register(replica: Replica) -> HFService:
    service = HFService()
    replica.route("GET", "/api/daily_papers", service._with_rate(service.daily_papers))
    replica.route("GET", "/api/papers/", service._with_rate(service.paper_info))
    return service
