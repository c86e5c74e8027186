"""What LLM calls cost: per-million-token prices from the settings, summed the one way.

A model without a configured price has an unknown cost (None), and any sum that
includes an unknown cost is unknown too: an estimate is never silently too low.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Prices = Mapping[str, tuple[float, float]]


def cost_usd(prices: Prices, model: str, tokens_in: int, tokens_out: int) -> float | None:
    """Estimated cost in USD of one call or report, or None when the model has no price."""
    if model == "extractive":
        return 0.0
    price = prices.get(model)
    if price is None:
        return None
    return round((tokens_in * price[0] + tokens_out * price[1]) / 1_000_000, 6)


def total_cost(costs: Iterable[float | None]) -> float | None:
    """The sum of several costs; None as soon as one of them is unknown."""
    total = 0.0
    for c in costs:
        if c is None:
            return None
        total += c
    return round(total, 6)
