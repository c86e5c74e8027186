"""Costs: per-million-token prices, cached prompt tokens at the cached-input price, sums."""

from __future__ import annotations

from paperbrief.costs import cost_usd, total_cost

PRICES = {"cached-model": (2.0, 8.0, 0.5), "plain-model": (2.0, 8.0)}


def test_cached_tokens_cost_the_cached_price_when_the_model_has_one():
    # 1,000,000 tokens in (400,000 of them cached), 100,000 out
    assert cost_usd(PRICES, "cached-model", 1_000_000, 100_000) == 2.8
    assert cost_usd(PRICES, "cached-model", 1_000_000, 100_000, cached_tokens=400_000) == 2.2
    assert cost_usd(PRICES, "plain-model", 1_000_000, 100_000, cached_tokens=400_000) == 2.8  # input price


def test_odd_cache_figures_never_make_a_cost_negative_or_unknown():
    assert cost_usd(PRICES, "cached-model", 1000, 0, cached_tokens=5000) == 0.0005  # at most all of tokens_in
    assert cost_usd(PRICES, "cached-model", 1000, 0, cached_tokens=-3) == 0.002
    assert cost_usd(PRICES, "unknown-model", 1000, 0, cached_tokens=10) is None
    assert cost_usd(PRICES, "extractive", 0, 0) == 0.0
    assert total_cost([0.1, 0.2]) == 0.3 and total_cost([0.1, None]) is None
