"""Provenance once per dataset-year: the footers read the runner's record (``provenance.json``)
instead of hashing every input and asking git again; run by hand, a session collects it once; the
trends page reads the published years' records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parlib.config import provenance
from parlib.config.dataset import load_dataset
from parlib.publish.session import Session


@pytest.fixture
def shown(monkeypatch):
    """The HTML a session displays, instead of IPython's display."""
    pages: list[str] = []
    monkeypatch.setattr(Session, "show", lambda self, html: pages.append(html))
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
    s = Session("tiny", 2024, "en", str(tiny_raw), str(tmp_path / "p"), str(tmp_path / "r"),
                top_n=5)
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


def test_trends_footer_reads_the_published_years_records(tiny_raw, tmp_path, monkeypatch, shown):
    cfg = load_dataset("tiny", tiny_raw)
    (cfg.folder / "lineage.csv").write_text(
        "unit_id,unit_name,predecessor_id,predecessor_name,from_year,source\n", encoding="utf-8")
    processed = tmp_path / "p"
    record = {**provenance.collect(cfg, 2024, {}), "git_commit": "abc1234"}
    record["inputs"] = [{**i, "sha256": "ab" * 32} for i in record["inputs"]]
    published = processed / "tiny" / "2024"
    published.mkdir(parents=True)
    (published / "run.json").write_text(json.dumps({**record, "outcome": "success"}),
                                         encoding="utf-8")
    hashed = []
    monkeypatch.setattr(provenance, "sha256", lambda path: hashed.append(Path(path).name) or "cd" * 32)
    monkeypatch.setattr(provenance, "git_commit", lambda *a: pytest.fail("git called"))
    monkeypatch.setattr(provenance, "collect", lambda *a: pytest.fail("collected again"))
    s = Session("tiny", 2024, "vi", str(tiny_raw), str(processed), str(tmp_path / "r"),
                history_root=str(processed))
    s.footer(all_years=True)
    assert hashed == ["lineage.csv"]  # the only file no published record lists
    assert "abababababababab" in shown[-1] and "cdcdcdcdcdcdcdcd" in shown[-1]
    assert "(git abc1234)" in shown[-1]


def test_session_has_no_warn():
    assert not hasattr(Session, "warn")  # it had no caller: sentences.methodology_warnings shows them
