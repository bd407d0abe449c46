"""The criterion review (issue #15): its measures on a small hand-made frame with answers worked
out by hand, its flags on the shipped SYNTHETIC year (exactly the criteria the generator plants
at ceiling), a published-only year skipped, the flags' history, and the page in both languages
without leaks."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from parlib import ingest, score
from parlib.config.dataset import load_dataset
from parlib.core import paths
from parlib.core.labels import number, t
from parlib.fairness import criteria
from parlib.fairness.criteria import CriterionReview, ReviewThresholds
from parlib.publish import criteria_page, markup
from tests import leakscan

# scripts/make_synthetic.py, CEILING_LEAVES: every unit scores these in full, every year
PLANTED = ["7.1.1", "7.1.3", "7.2.2"]


def _frame(leaves: dict[str, tuple[float, dict[str, float | None], dict[str, float]]]):
    """A ``criterion_index`` of one block from leaves: code → (maximum, unit → points or None
    when it does not arise, unit → points deducted); the areas' rows are their leaves' sums."""
    rows = []
    for code, (mx, got, deducted) in leaves.items():
        for unit, points in got.items():
            live = points is not None
            rows.append(
                {
                    "unit_id": unit,
                    "code": code,
                    "achieved_points": points if live else 0.0,
                    "max_points": mx if live else 0.0,
                    "max_points_full": mx,
                    "points_deducted": deducted.get(unit, 0.0),
                    "level": "criterion",
                }
            )
    leaf = pd.DataFrame(rows)
    leaf["area"] = leaf["code"].str.split(".").str[0]
    area = leaf.groupby(["unit_id", "area"], as_index=False)[
        ["achieved_points", "max_points", "max_points_full", "points_deducted"]
    ].sum()
    area = area.rename(columns={"area": "code"}).assign(level="area")
    out = pd.concat([leaf.drop(columns="area"), area], ignore_index=True)
    out["index_pct_exact"] = (out["achieved_points"] / out["max_points"] * 100).where(
        out["max_points"] > 0
    )
    out["name_vi"], out["name_en"], out["block"] = out["code"], out["code"], "b"
    return out


UNITS = [f"u{i}" for i in range(1, 7)]
HAND = _frame(
    {
        "1.1": (2.0, dict.fromkeys(UNITS, 2.0), {}),  # everyone at the maximum
        "1.2": (4.0, dict(zip(UNITS, [0.0, 1.0, 2.0, 3.0, 4.0, 4.0])), {"u1": 4.0}),
        "1.3": (4.0, {"u1": 1.0, **dict.fromkeys(UNITS[1:])}, {"u1": 1.0}),  # arises once
    }
)
UNIT_INDEX = pd.DataFrame({"unit_id": UNITS, "self_known": True})


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    return criteria.review(HAND, UNIT_INDEX).table.set_index("code")


def test_ceiling_and_not_arising_shares(hand):
    assert list(hand.index) == ["1.1", "1.2", "1.3"]  # areas are not reviewed
    assert hand.loc["1.1", "ceiling_share"] == 1.0
    assert hand.loc["1.2", "ceiling_share"] == pytest.approx(2 / 6)  # u5, u6 score 4 of 4
    assert hand.loc["1.2", "not_arising_share"] == 0.0
    assert hand.loc["1.3", "not_arising_share"] == pytest.approx(5 / 6)
    assert hand.loc["1.3", "n_arising"] == 1 and hand.loc["1.3", "n_units"] == 6


def test_spread_and_deducted_share(hand):
    # index of 1.2: 0, 25, 50, 75, 100, 100; mean 58.33, squares sum 8333.33, / 5 → sd 40.82
    assert hand.loc["1.2", "sd_index"] == pytest.approx(math.sqrt(8333.3333 / 5), rel=1e-6)
    # quartiles (linear): 25 + 0.25 × 25 = 31.25 and 75 + 0.75 × 25 = 93.75
    assert hand.loc["1.2", "iqr_index"] == pytest.approx(62.5)
    # 4 of the 5 points deducted are on 1.2, 1 on 1.3
    assert hand.loc["1.2", "deducted_share"] == pytest.approx(0.8)
    assert hand.loc["1.3", "deducted_share"] == pytest.approx(0.2)


def test_item_rest_correlation_by_hand(hand):
    # without 1.2, u1 scores (2 + 1) / (2 + 4) = 50 %, every other unit 2 / 2 = 100 %.
    # ranks of 1.2: 1, 2, 3, 4, 5.5, 5.5; of the rest: 1, 4, 4, 4, 4, 4
    # deviations: (-2.5, -1.5, -0.5, 0.5, 2, 2) and (-2.5, 0.5, 0.5, 0.5, 0.5, 0.5)
    # ρ = 7.5 / √(17 × 7.5)
    assert hand.loc["1.2", "discrimination"] == pytest.approx(7.5 / math.sqrt(17 * 7.5))


def test_a_single_unit_or_flat_criterion_gives_nan_not_an_error(hand):
    assert math.isnan(hand.loc["1.3", "discrimination"])  # one unit
    assert math.isnan(hand.loc["1.1", "discrimination"])  # no variance
    assert math.isnan(criteria.item_rest(pd.Series([1.0]), pd.Series([2.0]), 5))


def test_flags_and_no_double_flag_for_the_ceiling(hand):
    assert hand.loc["1.1", "flags"] == "at_ceiling"  # flat too, but the ceiling is the cause
    assert hand.loc["1.3", "flags"] == "rarely_arises"  # too few units to say it does not separate
    assert hand.loc["1.2", "flags"] == ""


def test_a_redundant_pair_is_found_over_enough_common_units():
    units = [f"v{i}" for i in range(10)]
    a = [0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    frame = _frame(
        {
            "2.1": (10.0, dict(zip(units, a)), {}),
            "2.2": (10.0, dict(zip(units, [x / 2 + 1 for x in a])), {}),  # same order as 2.1
            "2.3": (10.0, dict(zip(units, [5.0, 9, 1, 7, 3, 8, 2, 6, 0, 4])), {}),
        }
    )
    rv = criteria.review(frame, pd.DataFrame({"unit_id": units, "self_known": True}))
    assert rv.pairs[["code_a", "code_b", "n_common"]].values.tolist() == [["2.1", "2.2", 10]]
    assert rv.pairs["correlation"].iloc[0] == pytest.approx(1.0)
    table = rv.table.set_index("code")
    assert "redundant" in table.loc["2.1", "flags"] and table.loc["2.1", "same_as"] == "2.2"
    assert "redundant" not in table.loc["2.3", "flags"]
    stricter = criteria.review(
        frame, pd.DataFrame({"unit_id": units}), ReviewThresholds(min_common_units=11)
    )
    assert stricter.pairs.empty


def test_two_leaves_that_the_same_one_unit_misses_are_no_pair():
    """Nine units score both in full and one misses both: ρ = 1, but the pair says nothing."""
    units = [f"v{i}" for i in range(10)]
    full = [10.0] * 9 + [4.0]
    frame = _frame(
        {
            "2.1": (10.0, dict(zip(units, full)), {}),
            "2.2": (10.0, dict(zip(units, full)), {}),
        }
    )
    rv = criteria.review(frame, pd.DataFrame({"unit_id": units, "self_known": True}))
    assert rv.pairs.empty
    loose = criteria.review(
        frame, pd.DataFrame({"unit_id": units}), ReviewThresholds(min_varied_units=1)
    )
    assert loose.pairs[["code_a", "code_b"]].values.tolist() == [["2.1", "2.2"]]


def test_a_weak_correlation_is_flagged_only_when_even_its_upper_bound_is_weak():
    # 31 units: ρ = 0.05 may well be 0.4 (no flag); ρ = -0.5 is surely below 0.1 (flag)
    assert criteria.upper_bound(0.05, 31) > 0.3
    assert criteria.upper_bound(-0.5, 31) < 0.1
    # Fisher's z by hand: tanh(atanh(0.2) + 1.959964 * 1.06 / sqrt(97)) for 100 units
    assert criteria.upper_bound(0.2, 100) == pytest.approx(
        math.tanh(math.atanh(0.2) + 1.959964 * 1.06 / math.sqrt(97))
    )
    assert math.isnan(criteria.upper_bound(0.5, 3)) and math.isnan(
        criteria.upper_bound(math.nan, 9)
    )


def test_the_synthetic_year_flags_nothing_but_the_planted_criteria(synthetic_2024):
    """2024: exactly the three planted criteria, at ceiling, and no other flag of any kind."""
    rv = criteria.review(synthetic_2024.criterion_index, synthetic_2024.unit_index)
    flagged = rv.table[rv.table["flags"].fillna("") != ""]
    assert sorted(flagged["code"]) == sorted(PLANTED)
    assert set(flagged["flags"]) == {"at_ceiling"}


@pytest.fixture(scope="module")
def synthetic_2024():
    cfg = load_dataset("synthetic-province")
    return score.compute(ingest.load_year(cfg, 2024))


def test_the_synthetic_year_flags_exactly_the_planted_criteria_at_ceiling(synthetic_2024):
    rv = criteria.review(synthetic_2024.criterion_index, synthetic_2024.unit_index)
    assert rv.flagged("at_ceiling") == PLANTED
    rows = rv.table.set_index("code").loc[PLANTED]
    assert (rows["ceiling_share"] == 1.0).all() and (rows["n_arising"] >= 5).all()


def test_the_review_saves_and_reads_back(synthetic_2024, tmp_path):
    rv = criteria.review(synthetic_2024.criterion_index, synthetic_2024.unit_index)
    out = paths.year_dir(tmp_path, "synthetic-province", 2023)
    out.mkdir(parents=True)
    rv.save(out)
    back = CriterionReview.load(out)
    assert back.flagged("at_ceiling") == PLANTED and len(back.table) == len(rv.table)
    past = criteria.flag_history(tmp_path, "synthetic-province", [2022, 2023])
    assert set(past.loc[past["flag"] == "at_ceiling", "code"]) == set(PLANTED)
    assert set(past["year"]) == {2023}  # 2022 has no saved review: left out
    shown = criteria_page.flagged_table(rv, past, "en").set_index("code")
    assert shown.loc["7.1.3", "history"] == "also flagged in 2023"
    assert list(shown.index[:3]) == PLANTED  # at ceiling first, the first concern


def test_a_published_only_year_is_skipped():
    cfg = load_dataset("vn-national")
    year = sorted(cfg.years)[-1]
    results = score.compute(ingest.load_year(cfg, year))
    rv = criteria_page.analyse(results)
    assert rv.skipped == "skip_published_criteria" and rv.table.empty
    assert criteria.review(results.criterion_index.iloc[0:0], results.unit_index).skipped
    page = _Page("vi")
    for show in (
        criteria_page.show_thresholds,
        criteria_page.show_measures,
        criteria_page.show_pairs,
    ):
        show(page, rv)
    criteria_page.show_flagged(page, rv, pd.DataFrame(columns=["block", "code", "flag", "year"]))
    assert "".join(page.parts) == criteria_page.skipped(
        rv.skipped, "vi", title_key="crit_flagged_title"
    )


class _Page:
    """What the page functions show, collected as HTML (a Session without a notebook)."""

    def __init__(self, lang: str):
        self.lang, self.parts = lang, []

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def num(self, value, decimals: int = 2) -> str:
        return number(value, decimals, self.lang)

    def show(self, html: str, place: str = "") -> None:
        self.parts.append(html)

    def say(self, text: str) -> None:
        self.parts.append(f"<p>{markup.esc(text)}</p>")

    def section(self, title: str, reading: str = "", level: int = 2, anchor: str = "") -> None:
        self.parts.append(f"<h{level}>{markup.esc(title)}</h{level}><p>{markup.esc(reading)}</p>")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_has_no_leak_in_either_language(synthetic_2024, lang):
    rv = criteria.review(synthetic_2024.criterion_index, synthetic_2024.unit_index)
    past = pd.DataFrame(
        {
            "block": rv.table["block"].iloc[0],
            "code": ["7.1.3"],
            "flag": ["at_ceiling"],
            "year": [2023],
        }
    )
    page = _Page(lang)
    criteria_page.show_thresholds(page, rv)
    criteria_page.show_flagged(page, rv, past)
    criteria_page.show_measures(page, rv)
    criteria_page.show_pairs(page, rv)
    html = f'<html lang="{lang}"><body>{"".join(page.parts)}</body></html>'
    assert leakscan.scan(html, lang, synthetic_2024.unit_index["unit_id"]) == []
    assert t("crit_flag_at_ceiling", lang) in html
    assert ("2023" in html) and (t("crit_history_first", lang) in html)


@pytest.fixture(scope="module")
def synthetic_2025():
    cfg = load_dataset("synthetic-2025")
    return score.compute(ingest.load_year(cfg, 2025))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_year_of_several_blocks_names_its_blocks_and_its_criteria(synthetic_2025, lang):
    """The review of a year of three blocks (departments, wards, communes): each block by its
    name in the page's language, never its code, and every criterion by its name; the bonus and
    penalty criteria (10.1–10.4 of the departments' framework, 8.1–8.3 of the wards' and
    communes': no maximum in any unit) are listed as having no measures, not as rows of blanks.
    A redundant criterion's partner is named "tiêu chí 6.2", MoHA's numbering, not a decimal."""
    rv = criteria_page.analyse(synthetic_2025)
    assert rv.table["block"].nunique() == 3
    bonus = rv.table[rv.table["code"].str.startswith("10.")]
    assert list(bonus["code"]) == ["10.1", "10.2", "10.3", "10.4"]
    assert (bonus["n_units"] == 0).all() and (bonus["name_vi"] != "").all()
    assert list(bonus["name_en"])[0] == "Recognised PAR initiatives"  # frameworks/dept-2025.csv
    page = _Page(lang)
    criteria_page.show_measures(page, rv)
    criteria_page.show_pairs(page, rv)
    criteria_page.show_flagged(page, rv, pd.DataFrame(columns=["block", "code", "flag", "year"]))
    html = f'<html lang="{lang}"><body>{"".join(page.parts)}</body></html>'
    assert leakscan.scan(html, lang, synthetic_2025.unit_index["unit_id"]) == []
    names = synthetic_2025.unit_index.drop_duplicates("block")[f"block_name_{lang}"]
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert set(names) <= set(cells)
    assert not {"departments", "wards", "communes"} & set(cells)
    measures = html.split(t("crit_unmaximised", lang))[0]  # the table of measures
    assert "<code>10.1</code>" not in measures and "<code>10.1</code>" in html
    listed = html.split(t("crit_unmaximised", lang))[1].split("</table>")[0]
    bonus_and_penalty = ["10.1", "10.2", "10.3", "10.4"] + ["8.1", "8.2", "8.3"] * 2  # 2 blocks
    assert re.findall(r"<code>([\d.]+)</code>", listed) == bonus_and_penalty
