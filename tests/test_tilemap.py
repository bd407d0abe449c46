"""The tile map of the provinces (parlib.publish.tile_layout, parlib.publish.tilemap): the shipped
positions, the 63- and 34-province layouts (no overlap, every province once, the country's shape
kept), and the SVG (one tile per province, band colours, missing results, escaping, numbers in the
page's language, the alt text's counts), on the national dataset's real 2012 and 2018 results."""

from __future__ import annotations

import itertools
import logging
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from parlib.config.dataset import load_dataset
from parlib.core import glossary
from parlib.core.labels import catalogue, number
from parlib.history.lineage import load_lineage
from parlib.ingest.readers import read_bands
from parlib.publish import palette, tile_layout, tilemap
from parlib.score.arithmetic import assign_bands

from . import leakscan
from .conftest import ROOT

NATIONAL = ROOT / "data" / "raw" / "vn-national"
SVG = "{http://www.w3.org/2000/svg}"
PHONE = 360  # px: the narrowest screen the map must stay legible on


@pytest.fixture(scope="module")
def lineage():
    return load_lineage(load_dataset("vn-national", ROOT / "data" / "raw"))


@pytest.fixture(scope="module")
def units_csv() -> pd.DataFrame:
    return pd.read_csv(NATIONAL / "units.csv", dtype=str, keep_default_na=False)


def provinces_in_force(units: pd.DataFrame, day: str) -> set[str]:
    """The provinces of units.csv in force on ``day`` (ISO), by their validity dates."""
    rows = units[units["kind"] == "province"]
    valid = ((rows["valid_from"] == "") | (rows["valid_from"] <= day)) & (
        (rows["valid_to"] == "") | (rows["valid_to"] >= day)
    )
    return set(rows.loc[valid, "unit_id"])


def national_frame(year: int, units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One year's frame as a report has it: every unit of the published file (ministries too,
    with their kind), its primary index, its band from the year's bands; and the bands."""
    published = pd.read_csv(NATIONAL / "published" / f"{year}.csv", dtype=str)
    primary = published[published["role"] == "primary"]
    wide = primary.pivot_table(index="unit_id", columns="measure", values="value", aggfunc="first")
    frame = units[["unit_id", "unit_name", "kind"]].merge(wide, left_on="unit_id", right_index=True)
    frame["index_pct"] = pd.to_numeric(frame["index_pct"], errors="coerce")
    bands = read_bands(NATIONAL / "bands.csv", year)
    bands = bands[bands["block"].isin(["", "provinces"])]
    frame["band"] = assign_bands(frame["index_pct"], bands).where(frame["index_pct"].notna(), "")
    return frame.reset_index(drop=True), bands


@pytest.fixture(scope="module")
def year_2018(units_csv):
    return national_frame(2018, units_csv)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def tiles_of(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-unit"): g for g in root.iter(f"{SVG}g") if g.get("class") == "par-tile"}


def fill(tile: ET.Element) -> str:
    return tile.find(f"{SVG}rect").get("fill")


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


# --- the shipped positions -------------------------------------------------------------------------


def test_the_centres_are_the_63_provinces_of_units_csv(units_csv):
    centres = tile_layout.centres()
    provinces = units_csv[(units_csv["kind"] == "province") & (units_csv["valid_from"] == "")]
    assert len(centres) == 63
    assert dict(zip(centres["unit_id"], centres["unit_name"])) == dict(
        zip(provinces["unit_id"], provinces["unit_name"])
    )
    assert centres["abbr"].is_unique and centres["abbr"].str.len().between(2, 4).all()
    assert centres["lat"].between(8.5, 23.5).all() and centres["lon"].between(102, 110).all()
    position = centres[["lat", "lon"]].to_numpy()
    assert np.allclose(np.round(position, 1), position)  # rounded to 0.1°, as SOURCES.md says


def test_a_broken_centres_file_names_the_row(tmp_path, monkeypatch):
    bad = tile_layout.CENTRES.read_text(encoding="utf-8").replace("22.8,105.0,HG", "42.8,105.0,HG")
    (tmp_path / "vn_province_centres.csv").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(tile_layout, "CENTRES", tmp_path / "vn_province_centres.csv")
    tile_layout._centres.cache_clear()
    try:
        with pytest.raises(Exception) as caught:
            tile_layout.centres()
        problem = caught.value.problems[0]
        assert (problem.check, problem.unit_id, problem.row) == (
            "centre_outside_vietnam",
            "ha-giang",
            2,
        )
    finally:
        tile_layout._centres.cache_clear()


# --- the layouts -----------------------------------------------------------------------------------

LAYOUTS = {  # year → (number of tiles, day the set is in force, ids by role)
    2024: (63, "2024-12-31", {"north": ["ha-giang", "cao-bang"], "south": "ca-mau",
                              "hanoi": "ha-noi", "haiphong": "hai-phong", "danang": "da-nang",
                              "hcm": "ho-chi-minh", "delta": ["can-tho", "an-giang", "bac-lieu"]}),
    2025: (34, "2025-12-31", {"north": ["tuyen-quang-2025", "cao-bang"], "south": "ca-mau-2025",
                              "hanoi": "ha-noi", "haiphong": "hai-phong-2025",
                              "danang": "da-nang-2025", "hcm": "ho-chi-minh-2025",
                              "delta": ["can-tho-2025", "an-giang-2025", "vinh-long-2025"]}),
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(LAYOUTS))
def test_every_province_once_and_no_two_tiles_overlap(year, lineage, units_csv):
    count, day, _ = LAYOUTS[year]
    layout = tile_layout.layout(year, lineage)
    ids = [t.unit_id for t in layout.tiles]
    assert len(ids) == count == len(set(ids))
    assert set(ids) == provinces_in_force(units_csv, day)
    cells = [(t.col, t.row) for t in layout.tiles]
    assert len(set(cells)) == len(cells)
    assert min(c for c, _ in cells) == 0 and min(r for _, r in cells) == 0
    labels = [t.abbr for t in layout.tiles]
    assert len(set(labels)) == len(labels) and all(1 <= len(a) <= 4 for a in labels)


@pytest.mark.parametrize("year", sorted(LAYOUTS))
def test_the_layout_keeps_the_shape_of_vietnam(year, lineage):
    _, _, ids = LAYOUTS[year]
    tiles = tile_layout.layout(year, lineage).by_id()
    south = tiles[ids["south"]]
    for north in ids["north"]:
        assert tiles[north].row < south.row  # Hà Giang / Cao Bằng above Cà Mau
    assert tiles[ids["hanoi"]].col < tiles[ids["haiphong"]].col  # Hà Nội west of Hải Phòng
    assert tiles[ids["hanoi"]].row < tiles[ids["danang"]].row < tiles[ids["hcm"]].row
    assert south.row == max(t.row for t in tiles.values())  # Cà Mau in the bottom row
    for delta in ids["delta"]:  # the Mekong delta below Đà Nẵng and west of the central coast
        assert tiles[delta].row > tiles[ids["danang"]].row
        assert tiles[delta].col < tiles[ids["danang"]].col
    # the north is wide, the middle narrow: more tiles in the top quarter's rows than the middle's
    rows = max(t.row for t in tiles.values()) + 1
    per_row = np.bincount([t.row for t in tiles.values()], minlength=rows)
    assert per_row[: rows // 4].mean() > 2 * per_row[rows * 3 // 8 : rows * 5 // 8].mean()


@pytest.mark.parametrize("year", sorted(LAYOUTS))
def test_far_apart_provinces_keep_their_order_and_every_tile_has_a_neighbour(year, lineage):
    layout = tile_layout.layout(year, lineage)
    gap = tile_layout.cell_degrees(len(layout.tiles))
    for a, b in itertools.combinations(layout.tiles, 2):
        if a.lat - b.lat >= 1.5 * gap:
            assert a.row < b.row, (a.unit_id, b.unit_id)  # north stays north
        if a.lon - b.lon >= 2 * gap:
            assert a.col > b.col, (a.unit_id, b.unit_id)  # east stays east
    cells = {(t.col, t.row) for t in layout.tiles}
    for t in layout.tiles:  # no island: a tile touches another at an edge or a corner
        around = {(t.col + dc, t.row + dr) for dc in (-1, 0, 1) for dr in (-1, 0, 1)} - {
            (t.col, t.row)
        }
        assert around & cells, t.unit_id


@pytest.mark.parametrize("year", sorted(LAYOUTS))
def test_the_assignment_is_optimal_so_no_pair_trades_places(year, lineage):
    points = tile_layout.provinces_at(year, lineage)
    xy = tile_layout.projected(points, tile_layout.cell_degrees(len(points)))
    cells = tile_layout.assign_cells(xy)
    for i, j in itertools.combinations(range(len(xy)), 2):
        # swapping two provinces' cells never lowers the sum of squared distances
        assert np.dot(xy[i] - xy[j], cells[i] - cells[j]) >= -1e-9, (i, j)


def test_the_layout_is_deterministic_and_ignores_the_lineage_order(lineage):
    first = tile_layout.layout(2025, lineage)
    shuffled = lineage.table.sample(frac=1, random_state=7).reset_index(drop=True)
    assert tile_layout.layout(2025, shuffled) == first == tile_layout.layout(2025, lineage)


def test_merged_provinces_sit_at_their_predecessors_mean(lineage):
    before = tile_layout.centres().set_index("unit_id")
    after = tile_layout.provinces_at(2025, lineage).set_index("unit_id")
    for new, olds in {
        "tuyen-quang-2025": ["ha-giang", "tuyen-quang"],
        "ho-chi-minh-2025": ["ho-chi-minh", "binh-duong", "ba-ria-vung-tau"],
        "hue": ["thua-thien-hue"],
    }.items():
        assert after.at[new, "lat"] == pytest.approx(before.loc[olds, "lat"].mean())
        assert after.at[new, "lon"] == pytest.approx(before.loc[olds, "lon"].mean())
    assert after.at["ha-noi", "lat"] == before.at["ha-noi", "lat"]  # unchanged province
    labels = after["abbr"].to_dict()
    assert (labels["an-giang-2025"], labels["ho-chi-minh-2025"], labels["hue"]) == (
        "AG",
        "HCM",
        "Huế",
    )
    assert "hue" not in set(tile_layout.provinces_at(2024, lineage)["unit_id"])


def test_abbreviations_made_from_names_stay_unique():
    assert tile_layout.abbreviation("Hà Nội") == "HN"
    assert tile_layout.abbreviation("TP. Hồ Chí Minh") == "HCM"
    assert tile_layout.abbreviation("Huế") == "Huế"
    assert tile_layout.abbreviation("Hà Nam", {"HN"}) == "HNa"


# --- the SVG ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def map_2018(year_2018, lineage):
    frame, bands = year_2018
    return {
        lang: tilemap.tile_map(frame, lang, 2018, lineage=lineage, bands=bands)
        for lang in ("vi", "en")
    }


def test_the_svg_has_one_tile_per_province_and_scales(map_2018):
    root = parse(map_2018["vi"])
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label")
    assert set(tiles_of(root)) == set(tile_layout.centres()["unit_id"])
    assert root.get("width") == "100%" and "height" not in root.attrib
    width = float(root.get("viewBox").split()[2])
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert min(sizes) * PHONE / width >= 10  # at least 10 px on a 360 px screen


def test_band_colours_and_the_band_letter_on_each_tile(map_2018, year_2018):
    frame, _ = year_2018
    assert frame.set_index("unit_id").at["quang-ninh", "band"] == "A"  # 89.06 ≥ 80 in 2018
    tiles = tiles_of(parse(map_2018["vi"]))
    assert fill(tiles["quang-ninh"]) == palette.band_colour("A")
    assert fill(tiles["ho-chi-minh"]) == palette.band_colour("B")  # 79.6
    assert texts(tiles["quang-ninh"]) == ["QN", "A"]
    assert texts(tiles["ho-chi-minh"]) == ["HCM", "B"]


def test_a_missing_result_is_grey_hatched_and_named_in_the_legend(map_2018):
    root = parse(map_2018["vi"])
    tiles = tiles_of(root)
    hatch = fill(tiles["phu-yen"])  # 2018: a rank only, no index
    assert hatch == fill(tiles["ca-mau"]) == "url(#par-tilemap-hatch)"
    pattern = next(p for p in root.iter(f"{SVG}pattern") if p.get("id") == "par-tilemap-hatch")
    assert pattern.find(f"{SVG}rect").get("fill") == tilemap.NO_RESULT
    assert texts(tiles["ca-mau"]) == ["CM", "–"]
    assert "không có số liệu công bố" in tiles["ca-mau"].find(f"{SVG}title").text
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "par-legend")
    assert texts(legend) == ["Xếp loại", "A: ≥ 80,00", "B: 75,00–80,00", "Không có số liệu công bố"]
    assert "No published result" in texts(
        next(g for g in parse(map_2018["en"]).iter(f"{SVG}g") if g.get("class") == "par-legend")
    )


def test_the_legend_shows_only_the_bands_drawn_and_does_not_cover_a_tile(map_2018):
    root = parse(map_2018["en"])
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "par-legend")
    assert [t for t in texts(legend) if re.match(r"^[A-E]:", t)] == ["A: ≥ 80.00", "B: 75.00–80.00"]
    boxes = [
        (float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
        for g in tiles_of(root).values()
        for r in [g.find(f"{SVG}rect")]
    ]
    for swatch in legend.iter(f"{SVG}rect"):
        x, y = float(swatch.get("x")), float(swatch.get("y"))
        assert not any(bx <= x + 16 and x <= bx + bw and by <= y + 13 and y <= by + bh
                       for bx, by, bw, bh in boxes)  # fmt: skip


def test_numbers_in_the_page_language(map_2018):
    vi = tiles_of(parse(map_2018["vi"]))["quang-ninh"].find(f"{SVG}title").text
    en = tiles_of(parse(map_2018["en"]))["quang-ninh"].find(f"{SVG}title").text
    assert vi == "Quảng Ninh: Chỉ số CCHC 89,06, xếp loại A"
    assert en == "Quảng Ninh: PAR Index 89.06, band A"
    assert "89.06" not in map_2018["vi"] and number(89.06, 2, "vi") in map_2018["vi"]


def test_the_alt_text_counts_the_provinces_per_band(map_2018, year_2018):
    frame, _ = year_2018
    provinces = frame[frame["kind"] == "province"]
    with_band = provinces[provinces["band"] != ""]
    expected = with_band["band"].value_counts().to_dict()
    none = 63 - len(provinces[provinces["index_pct"].notna() | (provinces["band"] != "")])
    label = parse(map_2018["vi"]).get("aria-label")
    assert label.startswith("Bản đồ ô 63 tỉnh, thành phố năm 2018")
    found = {b: int(n) for b, n in re.findall(r"xếp loại ([A-E]): (\d+)", label, re.I)}
    assert found == expected == {"A": 5, "B": 1}
    assert f"không có số liệu công bố: {none}" in label and none == 57
    en = parse(map_2018["en"]).get("aria-label")
    assert "Band A: 5; band B: 1; no published result: 57" in en


def test_hostile_unit_names_are_escaped(year_2018, lineage):
    frame, bands = year_2018
    frame = frame.copy()
    script, formula = "<script>alert(1)</script>", '=HYPERLINK("http://x.example","y")&'
    frame.loc[frame["unit_id"] == "ha-noi", "unit_name"] = script
    frame.loc[frame["unit_id"] == "da-nang", "unit_name"] = formula
    extra = {"unit_id": "x-1", "unit_name": script, "kind": "province", "band": "", "index_pct": 1}
    frame = pd.concat([frame, pd.DataFrame([extra])], ignore_index=True)
    svg = tilemap.tile_map(frame, "vi", 2018, lineage=lineage, bands=bands)
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    root = parse(svg)  # still well-formed
    assert not list(root.iter(f"{SVG}script"))
    tiles = tiles_of(root)
    assert tiles["ha-noi"].find(f"{SVG}title").text.startswith(script + ": ")
    assert tiles["da-nang"].find(f"{SVG}title").text.startswith(formula + ": ")
    assert any(script in text for text in texts(root))  # named under the map, as text


def test_ministries_are_left_out_and_an_unknown_province_is_reported(year_2018, lineage, caplog):
    frame, bands = year_2018
    assert (frame["kind"] == "ministry").any()
    with caplog.at_level(logging.WARNING, logger="parlib.publish.tilemap"):
        clean = tilemap.placed(frame, 2018, lineage)
    assert clean.unmapped == () and not caplog.records
    unknown = {"unit_id": "tinh-moi", "unit_name": "Tỉnh Mới", "kind": "province", "band": "A"}
    frame = pd.concat([frame, pd.DataFrame([{**unknown, "index_pct": 91.0}])], ignore_index=True)
    with caplog.at_level(logging.WARNING, logger="parlib.publish.tilemap"):
        svg = tilemap.tile_map(frame, "en", 2018, lineage=lineage, bands=bands)
    assert "tinh-moi" in caplog.text
    root = parse(svg)
    assert "tinh-moi" not in tiles_of(root)
    shown = " ".join(texts(root))
    assert "Not on the map" in shown and "Tỉnh Mới" in shown
    assert "not on the map: 1" in root.get("aria-label")


def test_a_2025_frame_uses_the_34_provinces(lineage, units_csv):
    ids = sorted(provinces_in_force(units_csv, "2025-12-31"))
    frame = pd.DataFrame({"unit_id": ids, "unit_name": ids, "band": "C", "index_pct": 75.5})
    frame["year"] = 2025
    frame.loc[len(frame)] = {"unit_id": "ha-giang", "unit_name": "Hà Giang", "band": "A",
                             "index_pct": 95.0, "year": 2025}  # fmt: skip
    placement = tilemap.placed(frame, lineage=lineage)  # the year from the frame
    assert placement.year == 2025 and len(placement.tiles) == 34
    assert placement.unmapped == (("ha-giang", "Hà Giang"),)  # merged into Tuyên Quang
    root = parse(tilemap.tile_map(frame, "vi", lineage=lineage))
    assert len(tiles_of(root)) == 34 and {fill(t) for t in tiles_of(root).values()} == {
        palette.band_colour("C")
    }
    width = float(root.get("viewBox").split()[2])
    assert min(float(t.get("font-size")) for t in root.iter(f"{SVG}text")) * PHONE / width >= 10


def test_an_index_without_a_band_is_white_and_says_so(units_csv, lineage):
    frame, bands = national_frame(2012, units_csv)  # 2012: indexes published, no bands
    assert bands.empty and frame["index_pct"].notna().sum() > 10
    root = parse(tilemap.tile_map(frame, "en", 2012, lineage=lineage))
    long_an = tiles_of(root)["long-an"]
    assert fill(long_an) == tilemap.NO_BAND
    assert long_an.find(f"{SVG}title").text == "Long An: PAR Index 79.96, no band"
    assert "Index, no band" in texts(root)
    assert root.get("aria-label").endswith("Index but no band: 20; no published result: 43.")


def test_bad_frames_are_refused_with_a_reason(year_2018, lineage):
    frame, _ = year_2018
    with pytest.raises(ValueError, match="band"):
        tilemap.tile_map(frame.drop(columns="band"), "vi", 2018, lineage=lineage)
    twice = pd.concat([frame, frame[frame["unit_id"] == "ha-noi"]], ignore_index=True)
    with pytest.raises(ValueError, match="ha-noi"):
        tilemap.tile_map(twice, "vi", 2018, lineage=lineage)
    with pytest.raises(ValueError, match="year"):
        tilemap.tile_map(frame, "vi", lineage=lineage)


def test_the_pages_speak_their_language(map_2018, units_csv):
    names = list(units_csv["unit_name"]) + list(tile_layout.centres()["abbr"])
    for lang, svg in map_2018.items():
        page = f'<html lang="{lang}"><body>{svg}</body></html>'
        assert leakscan.scan(page, lang, units_csv["unit_id"], names) == [], lang


def test_the_map_labels_use_the_glossary_and_no_english_in_vietnamese():
    labels = {k: v for k, v in catalogue().items() if k.startswith("tilemap_")}
    assert len(labels) >= 10
    for key, text in labels.items():
        assert text["vi"] and text["en"], key
        assert glossary.avoided(text["vi"]) == [], key
        shown = re.sub(r"\{\w+\}", " ", text["vi"])  # the placeholders are filled in
        words = [w for w in leakscan.WORD.findall(shown) if w.isascii()]
        assert not [w for w in words if w.casefold() in leakscan.ENGLISH_STOP], key
