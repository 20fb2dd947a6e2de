"""The Python API (govkg.open → KnowledgeGraph) and the README's "Python API" example, run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

import govkg
from conftest import REPO, SHARED, need_shared
from govkg.errors import GovkgError, InputError, QueryError


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    """The bundled sample corpus in a fresh store, through the API (rules only: quicker)."""
    from conftest import SAMPLE

    graph = govkg.open(tmp_path_factory.mktemp("api") / "graph.db", mode="rules")
    report = graph.ingest(SAMPLE)
    assert len(report.added) == 4 and report.exit_code == 0, report.summary()
    yield graph
    graph.close()


def test_one_entry_point_is_exported_and_documented():
    assert govkg.open is govkg.api.open and "govkg.open" in govkg.__doc__
    for doc in (govkg.api.__doc__, govkg.open.__doc__, govkg.KnowledgeGraph.ingest.__doc__, govkg.KnowledgeGraph.extract.__doc__,
                govkg.KnowledgeGraph.query.__doc__):
        assert doc and (">>>" in doc or "kg." in doc)


def test_ingest_reports_added_unchanged_skipped_and_missing(tmp_path, sample_copy):
    (sample_copy / "empty.txt").write_bytes(b"")
    seen = []
    with govkg.open(tmp_path / "g.db", mode="rules") as graph:
        report = graph.ingest([sample_copy, tmp_path / "nope.txt"], progress=lambda path, status: seen.append(status))
        assert (len(report.added), len(report.unchanged), len(report.skipped), report.missing) == (4, 0, 1, [str(tmp_path / "nope.txt")])
        assert report.exit_code == 1 and "4 new article(s), 0 already stored, 1 skipped, 1 missing" in report.summary()
        assert sorted(seen) == ["added"] * 4 + ["skipped"]
        again = graph.ingest(str(sample_copy))  # one path as a string
        assert len(again.unchanged) == 4 and not again.added and again.exit_code == 0
        assert graph.stats()["articles"] == 4
        with pytest.raises(GovkgError, match="workers must be at least 1"):
            graph.ingest(sample_copy, workers=0)


def test_default_store_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVKG_STORE", str(tmp_path / "env.db"))
    with govkg.open(mode="rules") as graph:
        assert graph.stats()["articles"] == 0
    assert (tmp_path / "env.db").is_file()


def test_extract_a_file_or_a_text_without_storing(kg):
    from ingest.model import Extraction

    before = kg.stats()["articles"]
    extraction = kg.extract(REPO / "govkg" / "sample_corpus" / "02_chenghua_longtan.txt")
    assert isinstance(extraction, Extraction) and extraction.article.sentences
    text = "成华区猛追湾街道望平社区与成都智汇科技有限公司签约共建“邻里通”平台。"
    prediction = kg.extract(text=text, prediction=True)
    assert prediction["article"] == "text.txt"
    assert {("望平社区", "Community"), ("成都智汇科技有限公司", "Organization")} <= {(e["name"], e["type"]) for e in prediction["entities"]}
    typed = kg.extract(text=text, name="note.txt")
    assert typed.article.path == "note.txt"
    for e in typed.entities.values():  # offsets point into the cleaned text, inside the evidence sentence
        for m in e.mentions:
            assert 0 <= m.start < m.end <= len(typed.article.text) and typed.article.text[m.start:m.end] in m.sentence
    assert kg.stats()["articles"] == before


def test_extract_errors_are_one_line(kg, tmp_path):
    with pytest.raises(GovkgError, match="exactly one of them"):
        kg.extract()
    with pytest.raises(GovkgError, match="exactly one of them"):
        kg.extract("a.txt", text="x")
    with pytest.raises(InputError, match="no such file"):
        kg.extract(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="no Chinese text"):
        kg.extract(text="only English words here")
    with pytest.raises(InputError):
        kg.extract(text="   ")


def test_query_returns_rows_and_columns(kg):
    result = kg.query("cobuild", district="锦江区", org_kind="any")
    assert result.columns[:3] == ("organization", "org_kind", "community")
    assert result.rows and all(set(r) == set(result.columns) for r in result.rows)
    assert kg.query("cobuild", {"district": "锦江区"}, org_kind="any").rows == result.rows  # a dict, keywords, or both
    assert kg.query("neighbors", entity="水碾河社区", types=["Organization", "Initiative"], limit="3").rows  # lists, strings
    names = [q.name for q in kg.queries()]
    assert names == [q.name for q in govkg.list_queries()] and {"cobuild", "duplicates", "neighbors", "path"} <= set(names)


@pytest.mark.parametrize("name, params, message", [
    ("cobuild", {"limit": 0}, "parameter limit must be >= 1, got 0"),
    ("cobuild", {"limit": -5}, "parameter limit must be >= 1, got -5"),
    ("cobuild", {"limit": True}, "parameter limit must be int"),
    ("neighbors", {"entity": "水碾河社区", "hops": -1}, "parameter hops must be >= 1, got -1"),
    ("cobuild", {"org_kind": "company"}, "parameter org_kind: 'company' is not an Organization kind"),
    ("neighbors", {"entity": "水碾河社区", "types": "Foo"}, "parameter types: 'Foo' is not a node type"),
    ("neighbors", {"entity": "水碾河社区", "predicates": ["RUNS", "FOO"]}, "parameter predicates: 'FOO' is not a relation"),
    ("cobuild", {"min_confidence": float("nan")}, "parameter min_confidence must be a finite number"),
    ("cobuild", {"colour": "red"}, "query cobuild has no parameter colour"),
    ("nosuch", {}, "no query named 'nosuch'"),
])
def test_the_api_refuses_what_the_cli_refuses(kg, name, params, message):
    with pytest.raises(QueryError) as info:
        kg.query(name, params)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_the_explorer_gets_the_same_checks(kg):
    from govkg.explorer import neighbourhood_elements

    centre = kg.query("search", q="水碾河社区").rows[0]["id"]
    assert neighbourhood_elements(kg.store, centre, hops=1)["nodes"]
    with pytest.raises(QueryError, match="parameter predicates: 'FOO' is not a relation"):
        neighbourhood_elements(kg.store, centre, predicates={"FOO"})
    with pytest.raises(QueryError, match="parameter hops must be >= 1"):
        neighbourhood_elements(kg.store, centre, hops=0)


def test_export_checks_the_path_then_writes(kg, tmp_path):
    with pytest.raises(GovkgError, match="does not exist; create it first"):
        kg.export("ttl", tmp_path / "missing" / "g.ttl")
    with pytest.raises(GovkgError, match="unknown export format 'pdf'"):
        kg.export("pdf", tmp_path / "g.pdf")
    out = kg.export("ttl", tmp_path / "g.ttl")
    assert out.stat().st_size > 0


def test_bad_mode_fails_before_the_store_is_created(tmp_path):
    with pytest.raises(GovkgError, match="unknown extraction mode 'fast'"):
        govkg.open(tmp_path / "g.db", mode="fast")
    assert not (tmp_path / "g.db").exists()


# ------------------------------------------------------------------------------ the README, as written
def readme_python_api_block() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)
    assert len(section) == 2, "README has a 'Python API' section"
    blocks = re.findall(r"```python\n(.*?)```", section[1].split("\n## ", 1)[0], flags=re.S)
    assert blocks, "the Python API section has a python code block"
    return blocks[0]


def test_readme_python_api_example_runs_as_written(tmp_path):
    need_shared()
    code = readme_python_api_block()
    work = tmp_path / "work"  # the example runs "from this repository's folder, with ../shared beside it"
    work.mkdir()
    (tmp_path / "shared").symlink_to(SHARED.resolve(), target_is_directory=True)
    script = work / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GOVKG_STORE", None)
    proc = subprocess.run([sys.executable, str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    articles = len(list((SHARED / "corpus").glob("*.txt")))
    out = proc.stdout
    assert f"ingested {articles} new article(s), 0 already stored, 0 skipped, 0 missing" in out
    assert "('organization', 'org_kind', 'community'" in out and "↔" in out
    assert "refused: parameter org_kind: 'company' is not an Organization kind" in out
    assert re.search(r"^cobuild — district=None, kind=None \(Partnership kind\)", out, flags=re.M)
    with govkg.open(work / "govkg-data" / "graph.db") as graph:  # the store the example built
        assert graph.stats()["articles"] == articles
