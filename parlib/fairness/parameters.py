"""Notebook 04's parameters, declared: what an analyst may change about the fairness analyses,
each with its type, range or allowed values and meaning (``FairnessParameters``; strict, NaN and
infinities refused, a bad value is a ``UsageError`` naming it, see ``parlib.core.declared``).

Its own module so that checking parameters (``parlib run -p``, every notebook's first code cell)
does not import scipy (``bias``); ``tests/test_parameters.py`` checks that the allowed groupings are
``bias.GROUPINGS``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from parlib.core.declared import Declared

MAX_DRAWS = 100_000  # Monte Carlo draws at most (the ranks of every draw are held in memory)
MAX_SEED = 2**32 - 1  # the largest seed every NumPy generator takes
MAX_TOP_N = 1000  # rows shown at most of a list in a report (every row is saved)


class FairnessParameters(Declared):
    """What an analyst may change about the fairness analyses: notebook 04's parameters, each with
    its type, range or allowed values and meaning. The defaults are the notebook's;
    ``tests/test_parameters.py`` checks that they agree."""

    group_tolerance_points: float = Field(
        5.0,
        ge=0,
        description="units whose applicable maxima differ by at most this many points are compared",
    )
    alpha: float = Field(
        0.05,
        gt=0,
        lt=1,
        description="significance level of the max-points bias test; "
        "the confidence interval of rho is 1 − alpha",
    )
    like_for_like_groups: Literal["declared", "max", "all"] = Field(
        "declared", description="groups the like-for-like index is computed within"
    )
    mc_draws: int | None = Field(
        None,
        ge=1,
        le=MAX_DRAWS,
        description="Monte Carlo draws; None: as declared in alternatives.toml (else 1000)",
    )
    mc_seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description="Monte Carlo seed; None: as declared in alternatives.toml (else 20241123)",
    )
    min_respondents: int = Field(
        10, ge=1, description="a unit with fewer survey respondents is flagged (too few answers)"
    )
    straightline_min_questions: int = Field(
        5,
        ge=2,
        description="a respondent giving one same answer to at least this many questions "
        "straight-lines",
    )
    straightline_excess: float = Field(
        0.15,
        ge=0,
        le=1,
        description="flag a unit whose straight-lining share exceeds the chance share by more",
    )
    survey_gap_points: float = Field(
        1.0,
        ge=0,
        description="flag a unit whose survey points from the answers and the scores file "
        "differ by more",
    )
    top_n: int = Field(
        15, ge=1, le=MAX_TOP_N, description="rows shown of the longest lists (every row is saved)"
    )

    def as_dict(self) -> dict[str, object]:
        """The parameters by name, in declaration order, as a report's footer lists them: None
        (as declared in ``alternatives.toml``) is shown as ``declared``."""
        return {name: "declared" if v is None else v for name, v in self.model_dump().items()}
