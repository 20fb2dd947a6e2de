"""The layers, lowest first: core, ontology, graph, ingest, queries, then the CLI/API package and the
explorer. Every import in a package (top level, inside functions, under TYPE_CHECKING) goes down or
stays in its own layer; this reads the source, so an import that only runs on some path is checked too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "ontology", "graph", "ingest", "queries", "govkg", "app"]
RANK = {name: i for i, name in enumerate(LAYERS)}


def _sources(layer: str) -> list[Path]:
    return [ROOT / "app.py"] if layer == "app" else sorted((ROOT / layer).rglob("*.py"))


def _imported_layers(path: Path) -> list[tuple[int, str]]:
    """(line, top-level govkg package) for every absolute import of one of the layers in `path`."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
        out += [(node.lineno, n.split(".")[0]) for n in names if n.split(".")[0] in RANK]
    return out


@pytest.mark.parametrize("layer", LAYERS)
def test_no_package_imports_a_layer_above_it(layer):
    files = _sources(layer)
    assert files, f"no source files for layer {layer}"
    upward = [f"{p.relative_to(ROOT)}:{line} imports {target}"
              for p in files for line, target in _imported_layers(p) if RANK[target] > RANK[layer]]
    assert upward == []


def test_core_imports_nothing_of_govkg():
    assert [t for p in _sources("core") for _, t in _imported_layers(p) if t != "core"] == []


def test_the_check_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from queries.registry import QuerySpec\n", encoding="utf-8")
    assert _imported_layers(bad) == [(2, "queries")]
