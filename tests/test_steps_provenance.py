"""Provenance once per dataset-year: the footers read the runner's record (``provenance.json``)
instead of hashing every input and asking git again; run by hand, a session collects it once; the
trends page reads the published years' records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from parlib.config import provenance
from parlib.config.dataset import load_dataset
from parlib.publish.session import Session
from parlib.run import pipeline


@pytest.fixture
def shown(monkeypatch):
    """The HTML a session displays, instead of IPython's display."""
    pages: list[str] = []
    monkeypatch.setattr(Session, "show", lambda self, html, place="": pages.append(html))
    return pages


def no_hashing_no_git(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("provenance collected again")

    monkeypatch.setattr(provenance, "git_commit", refuse)
    monkeypatch.setattr(provenance, "sha256", refuse)
    monkeypatch.setattr(provenance, "collect", refuse)


def test_footer_reads_the_runners_record_and_calls_no_git(tiny_raw, tmp_path, monkeypatch, shown):
    cfg = load_dataset("tiny", tiny_raw)
    record = provenance.collect(cfg, 2024, {"lang": "vi"})
    record["git_commit"] = "c0ffee1"
    s = Session(
        "tiny", 2024, "en", str(tiny_raw), str(tmp_path / "p"), str(tmp_path / "r"), top_n=5
    )
    provenance.save(record, s.out)
    no_hashing_no_git(monkeypatch)
    s.footer()
    s.footer()
    html = shown[-1]
    assert "(git c0ffee1)" in html and record["inputs"][0]["sha256"][:16] in html
    assert "top_n=5" in html and "lang=en" in html  # this notebook's parameters, not the runner's
    assert record["generated_at"] in html


def test_footer_run_by_hand_collects_once(tiny_raw, tmp_path, monkeypatch, shown):
    calls = []
    collect = provenance.collect
    monkeypatch.setattr(provenance, "collect", lambda *a: calls.append(a) or collect(*a))
    s = Session("tiny", 2024, "vi", str(tiny_raw), str(tmp_path / "p"), str(tmp_path / "r"))
    s.footer()
    s.footer()
    assert len(calls) == 1 and "units.csv" in shown[-1]


@pytest.fixture
def three_years(tiny_raw):
    """The tiny dataset scored in 2022, 2023 and 2024 (one scores file per year), with a lineage."""
    ds = tiny_raw / "tiny"
    toml = (ds / "dataset.toml").read_text(encoding="utf-8")
    for year in (2022, 2023):
        (ds / "scores" / f"{year}.csv").write_bytes((ds / "scores" / "2024.csv").read_bytes())
        toml += f'\n[years.{year}]\nframework = "tiny"\nscores = "scores/{year}.csv"\n'
    (ds / "dataset.toml").write_text(toml, encoding="utf-8")
    (ds / "lineage.csv").write_text(
        "unit_id,unit_name,predecessor_id,predecessor_name,from_year,source\n", encoding="utf-8"
    )
    return load_dataset("tiny", tiny_raw)


def test_trends_footer_reads_the_published_years_records(three_years, tmp_path, monkeypatch, shown):
    """2023 and 2024 are published (their run.json lists their inputs with hashes), 2022 is not:
    only its own scores file and the lineage are hashed, git is not asked."""
    cfg = three_years
    processed = tmp_path / "p"
    for year, digest in ((2023, "ab"), (2024, "ef")):
        record = {**provenance.collect(cfg, year, {}), "git_commit": f"abc{year}"}
        record["inputs"] = [{**i, "sha256": digest * 32} for i in record["inputs"]]
        published = processed / "tiny" / str(year)
        published.mkdir(parents=True)
        (published / "run.json").write_text(
            json.dumps({**record, "outcome": "success"}), encoding="utf-8"
        )
    hashed = []
    monkeypatch.setattr(
        provenance, "sha256", lambda path: hashed.append(Path(path).name) or "cd" * 32
    )
    monkeypatch.setattr(provenance, "git_commit", lambda *a: pytest.fail("git called"))
    monkeypatch.setattr(provenance, "collect", lambda *a: pytest.fail("collected again"))
    s = Session(
        "tiny",
        2024,
        "vi",
        str(cfg.folder.parent),
        str(processed),
        str(tmp_path / "r"),
        history_root=str(processed),
    )
    s.footer(all_years=True)
    assert sorted(hashed) == ["2022.csv", "lineage.csv"]  # what no published record lists
    html = shown[-1]
    shown_inputs = re.findall(r"<code>([^<]+)</code> — [^<]+<code>([0-9a-f]{16})…", html)
    assert [(Path(p).name, h[:2]) for p, h in shown_inputs] == [
        ("dataset.toml", "ef"),
        ("units.csv", "ef"),
        ("tiny.csv", "ef"),
        ("2024.csv", "ef"),
        ("2022.csv", "cd"),
        ("2023.csv", "ab"),
        ("lineage.csv", "cd"),
    ]
    assert "(git abc2024)" in html and "2022, 2023, 2024" in html


def test_session_has_no_warn():
    assert not hasattr(
        Session, "warn"
    )  # it had no caller: sentences.methodology_warnings shows them


@pytest.mark.slow
def test_a_run_shows_the_runners_record_in_every_footer_and_publishes_it_in_run_json(first_run):
    """Every footer of a real run shows the time the runner collected the record (a footer that
    collected its own would show a later one), the trends page the published inputs' hashes, and
    the hand-off file is not published (run.json carries the record)."""
    project, code, code_en = first_run.project, first_run.code, first_run.code_en
    assert (code, code_en) == (0, 0)
    for ds, year in (("vn-provinces", 2012), ("synthetic-province", 2024)):
        processed = project / "data" / "processed" / ds / str(year)
        assert not (processed / provenance.FILE).exists()
        manifest = json.loads((processed / "run.json").read_text(encoding="utf-8"))
        assert set(provenance.RECORD_KEYS) <= set(manifest)
        reports = project / "reports" / ds / str(year)
        pages = [reports / f"{stem}.html" for stem, _ in pipeline.NOTEBOOKS]
        pages += sorted((reports / "units").glob("*.html"))
        for page in pages:
            # the record's own time, kept as ISO in <time datetime> (shown in Vietnam time)
            assert f'datetime="{manifest["generated_at"]}"' in page.read_text("utf-8"), page
        trends = (project / "reports" / ds / "trends.html").read_text(encoding="utf-8")
        assert all(i["sha256"][:16] in trends for i in manifest["inputs"])
