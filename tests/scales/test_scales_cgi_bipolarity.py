"""CGI-S, CGI-I and the Bipolarity Index."""

from __future__ import annotations

import pytest
from scales_strategies import make

from trdkit.scales import score_scales


@pytest.mark.parametrize(
    ("instrument", "rating", "band"),
    [
        ("cgi_s", 1, "normal"),
        ("cgi_s", 4, "moderately_ill"),
        ("cgi_s", 7, "extremely_ill"),
        ("cgi_i", 1, "very_much_improved"),
        ("cgi_i", 4, "no_change"),
        ("cgi_i", 7, "very_much_worse"),
    ],
)
def test_cgi__each_rating_is_its_own_band(instrument: str, rating: int, band: str) -> None:
    (result,) = score_scales([make(instrument, total=rating)])
    assert (result.total, result.band, result.items_assessed) == (rating, band, False)


def test_bipolarity_index__sum_of_domains_at_50_is_positive() -> None:
    domains = {"episode": 20, "age_at_onset": 15, "course": 10, "response": 5, "family_history": 0}
    (result,) = score_scales([make("bipolarity_index", domains=domains)])
    assert (result.total, result.positive, result.items_assessed) == (50, True, True)
    assert any("Aiken 2015" in b for b in result.because)


def test_bipolarity_index__below_50_is_negative() -> None:
    domains = {"episode": 20, "age_at_onset": 15, "course": 10, "response": 2, "family_history": 2}
    (result,) = score_scales([make("bipolarity_index", domains=domains)])
    assert (result.total, result.positive, result.band) == (49, False, None)
