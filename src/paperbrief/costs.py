"""What LLM calls cost: per-million-token prices from the settings, summed the one way.

A model without a configured price has an unknown cost (None), and any sum that
includes an unknown cost is unknown too: an estimate is never silently too low.
Prompt tokens the endpoint served from its prefix cache (`cached_tokens`, part of
`tokens_in`) cost the model's cached-input price when one is configured, else the
input price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

Prices = Mapping[str, tuple[float, float] | tuple[float, float, float]]


def cost_usd(prices: Prices, model: str, tokens_in: int, tokens_out: int, cached_tokens: int = 0) -> float | None:
    """Estimated cost in USD of one call or report, or None when the model has no price."""
    if model == "extractive":
        return 0.0
    price = prices.get(model)
    if price is None:
        return None
    cached = min(max(cached_tokens, 0), max(tokens_in, 0))
    cached_price = price[2] if len(price) > 2 else price[0]
    return round(((tokens_in - cached) * price[0] + cached * cached_price + tokens_out * price[1]) / 1_000_000, 6)


def total_cost(costs: Iterable[float | None]) -> float | None:
    """The sum of several costs; None as soon as one of them is unknown."""
    total = 0.0
    for c in costs:
        if c is None:
            return None
        total += c
    return round(total, 6)


class Usage(Protocol):
    """Anything that spent tokens on a model: an LLM call, a report, an overview or a digest's themes."""

    @property
    def model(self) -> str: ...
    @property
    def tokens_in(self) -> int: ...
    @property
    def tokens_out(self) -> int: ...
    @property
    def cached_tokens(self) -> int: ...


def usage_cost(prices: Prices, usage: Usage) -> float | None:
    """The cost of what `usage` spent (nothing spent costs nothing, whatever the model)."""
    if not (usage.tokens_in or usage.tokens_out):
        return 0.0
    return cost_usd(prices, usage.model, usage.tokens_in, usage.tokens_out, usage.cached_tokens)
