"""Readers for the rule data files of `ingest/data/` (and for users' own lexicons).

Two formats, both UTF-8, `#` starting a comment line, blank lines ignored:

- word lists (`data/words/*.txt`): one entry per line;
- tables (`data/*.tsv`): TAB-separated columns, a fixed number per file.

Every problem is reported as one `RuleDataError` line naming the file and line number.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import GovkgError, OntologyError
from ontology import ONTOLOGY

DATA = Path(__file__).with_name("data")


class RuleDataError(GovkgError, ValueError):
    """A rule data file cannot be read; the message is one line: `file:line: what is wrong`."""


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def data_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of every non-comment, non-blank line of `path`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RuleDataError(f"{_display(path)}: no such file") from None
    except IsADirectoryError:
        raise RuleDataError(f"{_display(path)}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise RuleDataError(f"{_display(path)}:{text_line_of(path, exc.start)}: not UTF-8 text") from None
    except OSError as exc:
        raise RuleDataError(f"{_display(path)}: cannot read ({exc.strerror or exc})") from None
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append((number, line))
    return out


def text_line_of(path: Path, byte_offset: int) -> int:
    """1-based line number of a byte offset in `path`."""
    try:
        return path.read_bytes()[:byte_offset].count(b"\n") + 1
    except OSError:
        return 1


def fail(path: Path, line: int, message: str) -> RuleDataError:
    """The one-line error for `path:line`."""
    return RuleDataError(f"{_display(path)}:{line}: {message}")


def read_words(path: Path) -> list[str]:
    """The entries of a word list, in file order, duplicates dropped."""
    words: list[str] = []
    seen: set[str] = set()
    for number, line in data_lines(path):
        word = line.strip()
        if "\t" in word or " " in word:
            raise fail(path, number, f"one entry per line expected, got {word!r}")
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def read_table(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a TSV table with exactly `columns` cells per line (trailing empty cells allowed)."""
    rows = []
    for number, line in data_lines(path):
        cells = [c.strip() for c in line.split("\t")]
        while len(cells) > columns and not cells[-1]:
            cells.pop()
        if len(cells) > columns:
            raise fail(path, number, f"{columns} TAB-separated columns expected, got {len(cells)}")
        cells += [""] * (columns - len(cells))
        if not cells[0]:
            raise fail(path, number, "the first column is empty")
        rows.append((number, cells))
    return rows


def check_type_kind(path: Path, line: int, node_type: str, kind: str | None) -> None:
    """Raise the file:line error when the ontology does not know `node_type` or `kind` for it."""
    try:
        ONTOLOGY.check_type(node_type)
        ONTOLOGY.check_kind(node_type, kind)
    except OntologyError as exc:
        raise fail(path, line, str(exc)) from None


def read_typed_table(path: Path) -> list[tuple[str, str, str | None]]:
    """(word, type, kind) rows of a `word<TAB>type<TAB>kind` table, checked against the ontology."""
    rows = []
    for number, (word, node_type, kind) in read_table(path, 3):
        if not node_type:
            raise fail(path, number, "the type column is empty")
        check_type_kind(path, number, node_type, kind or None)
        rows.append((word, node_type, kind or None))
    return rows


def words(name: str) -> list[str]:
    """The word list `data/words/<name>.txt`."""
    return read_words(DATA / "words" / f"{name}.txt")
