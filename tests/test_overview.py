"""The overview and the rankings (issue #13, items 2 and 3): main points first, caveats with links
to their evidence, rankings with band, group rank and rank interval, comparable groups without
groups of one unit (the merge rule) and their ranges in the page's number format.

Pure functions on hand-made tables; the rendered pages of a run are checked in
``test_consistency`` (one run for both).
"""

from __future__ import annotations

import json
import re

import pandas as pd
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from parlib.fairness import bias as fairness
from parlib.publish import block_pages, caveats, main_points, views
from parlib.publish import group_text as gt


def units(maxima, indexes, **extra):
    n = len(maxima)
    df = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(n)],
            "unit_name": [f"U{i}" for i in range(n)],
            "kind": ["department"] * n,
            "group": [""] * n,
            "max_points": maxima,
            "index_pct": indexes,
            **extra,
        }
    )
    df["rank"] = df["index_pct"].rank(ascending=False, method="min").astype("Int64")
    df["rank_of"] = n
    return df


# --- comparable groups: the merge rule -----------------------------------------------------------


def test_a_group_of_one_joins_the_nearest_group():
    # greedy (tolerance 5): 60, 62 | 70 | 84, 86 | 96.25 → 70 is 8 above 62 and 14 below 84: it
    # joins 60–62; 96.25 is alone and joins 84–86 (the only neighbour)
    maxima = pd.Series([60, 62, 70, 84, 86, 96.25])
    bounds = fairness.comparable_bounds(maxima, 5)
    assert list(bounds["max_group"]) == ["60–70"] * 3 + ["84–96.25"] * 3
    assert list(bounds["max_group_lo"]) == [60, 60, 60, 84, 84, 84]
    assert list(bounds["max_group_hi"]) == [70, 70, 70, 96.25, 96.25, 96.25]
    assert bool(bounds["max_group_merged"].all())
    # a tie goes to the group of smaller maxima: 70 is 8 from both 60–62 and 78–80
    tie = fairness.comparable_bounds(pd.Series([60, 62, 70, 78, 80]), 5)
    assert list(tie["max_group"]) == ["60–70"] * 3 + ["78–80"] * 2
    # groups that need no merge are as before, and not marked merged
    plain = fairness.comparable_bounds(pd.Series([60, 62, 84, 86]), 5)
    assert list(plain["max_group"]) == ["60–62", "60–62", "84–86", "84–86"]
    assert not plain["max_group_merged"].any()
    # one unit: its own group (nothing to merge with)
    assert list(fairness.comparable_groups(pd.Series([77.0]), 5)) == ["77"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(40, 100, allow_nan=False).map(lambda x: round(x * 4) / 4), min_size=2),
    st.floats(0, 10),
)
def test_no_group_has_one_unit(maxima, tolerance):
    bounds = fairness.comparable_bounds(pd.Series(maxima), tolerance)
    sizes = bounds["max_group"].value_counts()
    assert sizes.min() >= 2
    for _, g in bounds.assign(m=maxima).groupby("max_group"):
        assert (
            g["m"].min() == g["max_group_lo"].iloc[0] and g["m"].max() == g["max_group_hi"].iloc[0]
        )


def test_group_ranks_store_the_bounds_and_rank_in_real_groups():
    df = units([60, 61, 100, 100, 99, 80], [98, 97, 90, 85, 80, 70])
    g = fairness.group_ranks(df, 5).set_index("unit_id")
    assert g.loc["u5", "size_max_group"] >= 2  # 80 was alone: merged
    assert {"max_group_lo", "max_group_hi", "max_group_merged"} <= set(g.columns)
    assert (g["size_max_group"] >= 2).all()


# --- the page's text of groups -------------------------------------------------------------------


def test_group_ranges_use_the_page_number_format():
    assert gt.group_range(77.25, 82, "vi") == "77,25–82"
    assert gt.group_range(77.25, 82, "en") == "77.25–82"
    assert gt.group_range(60.5, 60.5, "vi") == "60,5"
    groups = fairness.group_ranks(units([60.25, 62.5, 65, 90, 92.75], [99, 90, 80, 95, 85]), 5)
    text = gt.worked_example(groups, "vi")
    assert "60,25" in text and not re.search(r"\d\.\d", text)
    assert gt.worked_example(groups, "en").count("60.25") >= 1
    rule = gt.group_rule_sentence(groups, 5, "vi")
    assert "gộp" in rule


def test_worked_example_is_a_real_unit_of_its_group():
    groups = fairness.group_ranks(units([60, 61, 100, 100, 99], [98, 97, 90, 85, 80]), 5)
    text = gt.worked_example(groups, "en")
    # U2 moves most (overall 3rd, 1st of 3 in 99–100)
    assert text.startswith("For example: U2 has an applicable maximum of 100")
    assert "3 units with maxima from 99 to 100 (U2, U3, U4)" in text and "ranks 1 of 3" in text


# --- the ranking: official rank, band, group rank, rank interval ---------------------------------


def ranked(n=5):
    df = units([60, 61, 100, 100, 99][:n], [98, 97, 90, 85, 80][:n], band=["A"] * n)
    df["achieved_points"] = df["max_points"] * df["index_pct"] / 100
    df["appraisal_points"] = df["achieved_points"]
    df["source"] = "computed"
    return df


def test_ranking_shows_group_rank_and_interval_and_says_which_is_official():
    df = ranked()
    groups = fairness.group_ranks(df, 5)
    intervals = df[["unit_id"]].assign(rank_p05=[1, 1, 2, 3, 4], rank_p95=[2, 3, 4, 5, 5])
    html = block_pages.rankings_html(df, "vi", peers=(groups, intervals), links=False)
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert "Hạng chính thức là hạng theo Chỉ số" in text
    rows = {
        tr.find_all("td")[1].get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in BeautifulSoup(html, "html.parser").find_all("tr")
        if len(tr.find_all("td")) > 6
    }
    assert "1/3" in rows["U2"] and "2–4" in rows["U2"] and "99–100" in rows["U2"]
    assert "Ví dụ: U2" in text
    without = block_pages.rankings_html(df, "vi", links=False)
    assert "Hạng chính thức" not in without and "1/3" not in without


def test_a_one_unit_block_is_not_compared_with_itself():
    one = ranked(1).assign(source="published", rank=20, rank_of=63)
    html = block_pages.key_figures_html(one, "vi", "Khối A")
    assert "20/63" in html and "1/1" not in html
    assert "Chỉ số trung bình" not in html and "Đơn vị dẫn đầu" not in html
    said = main_points.headline(one, "vi")
    assert "hạng công bố 20/63" in said and "trung bình" not in said
    groups = fairness.group_ranks(one, 5)
    page = block_pages.rankings_html(one, "vi", peers=(groups, None), links=False)
    assert "1/1" not in page and "<th>Xếp hạng</th>" not in page  # no rank "1 of 1"
    # a computed unit (Long An 2012) with its published rank in the year's published figures
    alone = ranked(1)
    printed = pd.DataFrame(
        {"unit_id": ["u0", "u0"], "measure": ["rank", "rank_of"], "value": [20, 63]}
    )
    html = block_pages.rankings_html(alone, "vi", links=False, published=printed)
    assert "20/63" in html and "1/1" not in html and "Chỉ số trung bình" not in html
    assert "<th>Xếp hạng</th>" not in html
    assert "20/63" in main_points.headline(alone, "vi", printed)


def test_published_only_headline_says_whose_mean():
    df = ranked().assign(source="published")
    df.loc[df["unit_id"] == "u4", "index_pct"] = float("nan")
    said = main_points.headline(df, "vi")
    assert "4/5 đơn vị có chỉ số công bố" in said and "của 4 đơn vị này" in said
    assert "trung vị" in said
    figures = block_pages.key_figures_html(df, "en")
    assert "Mean index (4 units with published figures)" in figures
    # one published index among five: that unit's, no mean or median of one
    one = df.assign(index_pct=[95.88] + [float("nan")] * 4)
    said = main_points.headline(one, "vi")
    assert "chỉ một đơn vị có chỉ số công bố: U0 (95,88)" in said and "trung vị" not in said
    assert "Mean index" not in block_pages.key_figures_html(one, "en")


def test_main_points_give_mean_median_leader_and_movers():
    now = ranked().assign(index_pct=[98, 97, 90, 85, 60])  # mean 86, median 90
    before = now.assign(index_pct=[90, 97, 98, 85, 60])
    before["rank"] = before["index_pct"].rank(ascending=False, method="min").astype("Int64")
    html = main_points.main_points_html(now, "en", [], previous=before, previous_year=2023)
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert "mean index 86.00, median 90.00" in text and "the leader is U0 (98.00)" in text
    # U0 from 3rd to 1st (+2, index +8.00); U2 from 1st to 3rd (−2, −8.00)
    assert "U0 rose most (+2 places, index +8.00 points)" in text
    assert "U2 fell most (−2 places, index −8.00 points)" in text
    assert 'id="main-points"' in html and "data-caveats" not in html


# --- caveats -------------------------------------------------------------------------------------


def write_year(out, **tables):
    out.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        if name.endswith("_json"):
            (out / f"{name[:-5]}.json").write_text(text, encoding="utf-8")
        else:
            (out / f"{name}.csv").write_text(text, encoding="utf-8")
    return out


UNITS = "unit_id,unit_name,index_pct,rank,block\na,Sở A,90,1,all\nb,Sở B,80,2,all\n"
SURVEY = (
    "unit_id,unit_name,n_respondents,straightliner_share,straightliner_chance_share,"
    "excess_straightlining,too_few,survey_points_file,survey_points_answers,difference,gap,block\n"
    "a,Sở A,20,0.5,0.01,True,False,14.28,11.82,-2.46,True,all\n"
    "b,Sở B,4,0,0,False,True,12,12,0,False,all\n"
)
BIAS = (
    "scope,n_units,spearman_rho,p_value,finding,block\n"
    "all,31,-0.5612,0.001,negative,all\ncommune,12,-0.1,0.8,none,all\n"
)
RECON = (
    "year,unit_id,measure,computed,published,difference,tolerance,status\n"
    "2024,a,survey_total,12,14,-2,0.005,mismatch\n2024,b,index_pct,80,80,0,0.005,match\n"
)
CONFLICTS = (
    "unit_id,measure,value,role,source,source_file,source_row,values_differ\n"
    "a,index_pct,90,primary,x,f,1,True\na,index_pct,91,alternative,y,f,2,True\n"
)
VALIDATION = json.dumps(
    {
        "problems": [
            {
                "severity": "warning",
                "unit_id": "b",
                "message": "the published index_pct of Sở B is odd",
                "message_vi": "index_pct công bố của Sở B lạ",
            }
        ]
    }
)


def test_collect_reads_every_kind_with_its_evidence(tmp_path):
    out = write_year(
        tmp_path / "ds" / "2024",
        unit_index=UNITS,
        survey_quality=SURVEY,
        fairness_bias=BIAS,
        reconciliation=RECON,
        conflicts=CONFLICTS,
        validation_json=VALIDATION,
    )
    found = caveats.collect(out)
    kinds = [c.kind for c in found]
    assert kinds == ["validation"] + ["survey"] * 3 + ["fairness", "reconciliation", "conflict"]
    gap = next(c for c in found if c.unit_id == "a" and "11" in c.text_vi)
    assert "14,28" in gap.text_vi and "11,82" in gap.text_vi and "14.28" in gap.text_en
    assert gap.evidence == "04_fairness.html#survey-quality"
    bias = next(c for c in found if c.kind == "fairness")
    assert "−0,56" in bias.text_vi or "-0,56" in bias.text_vi
    assert bias.evidence == "04_fairness.html#max-bias"
    recon = next(c for c in found if c.kind == "reconciliation")
    assert "survey_total" not in recon.text_vi + recon.text_en
    assert "điều tra" in recon.text_vi and recon.evidence == "03_index.html#reconciliation"
    assert [c.unit_id for c in caveats.for_unit(found, "b")] == ["b", "b"]
    checked = found[0]  # the suite's message quotes a measure by its code: shown in words
    assert checked.text_vi == "Sở B: Chỉ số (%) công bố của Sở B lạ"
    assert "index_pct" not in checked.text_en and checked.evidence.endswith("#validation-warnings")
    assert caveats.collect(write_year(tmp_path / "ds" / "2023", unit_index=UNITS)) == []


def test_caveats_box_counts_and_links(tmp_path):
    out = write_year(tmp_path / "ds" / "2024", unit_index=UNITS, survey_quality=SURVEY)
    found = caveats.collect(out)
    html = caveats.caveats_html(found, "en", base="../")
    assert f'data-caveats="{len(found)}"' in html
    assert 'href="../04_fairness.en.html#survey-quality"' in html
    assert 'href="04_fairness.html#survey-quality"' in caveats.caveats_html(found, "vi")
    assert caveats.caveats_html([], "vi") == ""
    page = main_points.main_points_html(pd.read_csv(out / "unit_index.csv"), "vi", found)
    assert sum(int(n) for n in re.findall(r'data-caveats="(\d+)"', page)) == len(found)


def test_appraisal_deductions_and_additions_are_apart_never_netted():
    """A unit that lost 1,00 on 1.1 and gained 0,50 on 1.2 was deducted 1,00 and added 0,50, not
    "deducted 0,50"; the parent row 1 is not a leaf; unknown self-assessment shows nothing."""
    crit = pd.DataFrame(
        {
            "unit_id": ["a", "a", "a", "b", "b"],
            "code": ["1", "1.1", "1.2", "1.1", "1.2"],
            "max_points": [10.0, 6.0, 4.0, 6.0, 4.0],
            "self_points": [9.0, 6.0, 3.0, 5.0, 4.0],
            "appraised_points": [8.5, 5.0, 3.5, 5.0, 4.0],
        }
    )
    split = views.appraisal_split(crit).set_index("unit_id")
    assert split.loc["a"].tolist() == [1.0, 0.5]
    assert split.loc["b"].tolist() == [0.0, 0.0] and str(split.loc["b", "appraisal_added"]) == "0.0"
    ui = pd.DataFrame(
        {"unit_id": ["a", "b"], "self_known": [True, False], "source": ["computed"] * 2}
    )
    shown = views.with_appraisal_split(ui, crit).set_index("unit_id")
    assert shown.loc["a", "appraisal_deducted"] == 1.0
    assert pd.isna(shown.loc["b", "appraisal_deducted"]) and pd.isna(
        shown.loc["b", "appraisal_added"]
    )
    cols = [c.name for c in block_pages.ranking_columns(pd.DataFrame(), "vi", True, False, False)]
    assert {"appraisal_deducted", "appraisal_added"} <= set(cols) and "points_deducted" not in cols
