"""The command line as scripts use it: exit codes, one-line errors, parameter checks, progress, `--store`
anywhere, and `govkg app` taking its Streamlit server down with it. Real subprocesses throughout."""

from __future__ import annotations

import json
import os
import pty
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

FAST = ("--mode", "rules")  # extraction mode does not matter to these tests; rules only is quicker


def run(*args, cwd=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("GOVKG_STORE", None)
    return subprocess.run([sys.executable, "-m", "govkg.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=timeout)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """The single stderr line of a failed command (and no traceback)."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


# ------------------------------------------------------------------------------------------- ingest
def test_missing_path_exits_1_names_it_and_the_rest_is_ingested(tmp_path, sample_copy):
    store = tmp_path / "g.db"
    proc = run("ingest", tmp_path / "nope.txt", sample_copy, "-q", *FAST, "--store", store)
    assert proc.returncode == 1
    assert one_error_line(proc) == f"govkg: error: {tmp_path / 'nope.txt'}: no such file or folder; the other paths are ingested"
    assert "ingested 4 new article(s), 0 already stored, 0 skipped, 1 missing" in proc.stdout
    assert f"missing {tmp_path / 'nope.txt'}" in proc.stdout
    assert json.loads(run("stats", "--json", "--store", store).stdout)["articles"] == 4


def test_bad_content_is_skipped_and_counted_with_exit_0(tmp_path, sample_copy):
    (sample_copy / "empty.txt").write_bytes(b"")
    (sample_copy / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (sample_copy / "english.txt").write_text("Nothing here is Chinese text at all.\n", encoding="utf-8")
    proc = run("ingest", sample_copy, "-q", *FAST, "--store", tmp_path / "g.db")
    assert proc.returncode == 0, proc.stderr
    assert "ingested 4 new article(s), 0 already stored, 3 skipped, 0 missing" in proc.stdout
    for name in ("empty.txt", "binary.txt", "english.txt"):
        assert f"skipped {sample_copy / name}: " in proc.stdout
    assert proc.stderr == ""


def test_every_file_skipped_or_every_path_missing_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    proc = run("ingest", tmp_path / "empty.txt", "-q", *FAST, "--store", tmp_path / "g.db")
    assert proc.returncode == 1 and "0 new article(s), 0 already stored, 1 skipped, 0 missing" in proc.stdout
    proc = run("ingest", tmp_path / "a.txt", tmp_path / "b", *FAST, "--store", tmp_path / "none.db")
    assert proc.returncode == 1 and "2 missing" in proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 2 and "Traceback" not in proc.stderr
    assert not (tmp_path / "none.db").exists()  # nothing to ingest: the store is not even created


def test_reingest_is_exit_0_unchanged(tmp_path, sample_copy):
    store = tmp_path / "g.db"
    assert run("ingest", sample_copy, "-q", *FAST, "--store", store).returncode == 0
    proc = run("ingest", sample_copy, "-q", *FAST, "--store", store)
    assert proc.returncode == 0 and "0 new article(s), 4 already stored, 0 skipped, 0 missing" in proc.stdout


def test_plain_progress_lines_when_stderr_is_not_a_terminal(tmp_path, sample_copy):
    proc = run("ingest", sample_copy, *FAST, "--store", tmp_path / "g.db")
    assert proc.returncode == 0
    lines = proc.stderr.splitlines()
    assert lines and all(line.startswith("  ingest: ") for line in lines), proc.stderr
    assert lines[-1].startswith("  ingest: 4/4 files (4 added, 0 unchanged, 0 skipped)") and "elapsed" in lines[-1]
    assert "\x1b[" not in proc.stderr  # no terminal escapes in logs
    assert "ingested 4 new article(s)" in proc.stdout  # the summary goes to stdout


def test_quiet_prints_only_the_summary(tmp_path, sample_copy):
    proc = run("ingest", sample_copy, "-q", *FAST, "--store", tmp_path / "g.db")
    assert proc.stderr == "" and proc.stdout.startswith("ingested 4 new article(s)")


def test_progress_bar_with_count_and_eta_on_a_terminal(tmp_path, sample_copy):
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm-256color", "COLUMNS": "140"}
    for name in ("GOVKG_STORE", "NO_COLOR", "TTY_COMPATIBLE", "FORCE_COLOR"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "govkg.cli", "ingest", str(sample_copy), *FAST, "--store", str(tmp_path / "g.db")],
                            stdout=subprocess.PIPE, stderr=slave, env=env, text=True)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    stdout, _ = proc.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(master)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, screen
    assert "4/4" in screen and "ETA" in screen and "4 added" in screen, screen
    assert "ingest: 4/4 files (" not in screen  # the bar, not the plain lines
    assert "ingested 4 new article(s)" in stdout


# ------------------------------------------------------------------------------------------- usage
def test_usage_errors_are_one_line_exit_2(tmp_path):
    for args in (["ingest"], ["nosuchcommand"], ["query"], ["ingest", "x.txt", "--min-confidence", "3"],
                 ["ingest", "x.txt", "--workers", "many"], ["export", "--format", "pdf", "--out", "x"]):
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == 2, args
        line = one_error_line(proc)
        assert "error:" in line and "--help" in line, line
    proc = run("ingest", tmp_path, "--workers", "0", "--store", tmp_path / "g.db")
    assert proc.returncode == 2 and one_error_line(proc) == "govkg: error: workers must be at least 1, got 0"


@pytest.mark.parametrize("param, message", [
    ("limit=0", "parameter limit must be >= 1, got 0"),
    ("limit=-5", "parameter limit must be >= 1, got -5"),
    ("limit=ten", "parameter limit must be int (a whole number), got 'ten'"),
    ("min_confidence=high", "parameter min_confidence must be float (a number), got 'high'"),
    ("min_confidence=1.5", "parameter min_confidence must be between 0 and 1, got 1.5"),
    ("org_kind=company", "parameter org_kind: 'company' is not an Organization kind; use one of enterprise, "),
    ("kind=合伙", "parameter kind: '合伙' is not a Partnership kind; use one of "),
    ("colour=red", "query cobuild has no parameter colour; it takes district, kind, org_kind, min_confidence, limit"),
    ("limit", "--param takes key=value, got 'limit'"),
])
def test_cobuild_parameters_are_checked_with_one_line(tmp_path, param, message):
    proc = run("query", "cobuild", "--param", param, "--store", tmp_path / "g.db")
    assert proc.returncode == 2
    assert one_error_line(proc).startswith(f"govkg: error: {message}")
    assert not (tmp_path / "g.db").exists()  # checked before the store is opened


@pytest.mark.parametrize("name, param, message", [
    ("neighbors", "hops=-1", "parameter hops must be >= 1, got -1"),
    ("neighbors", "types=Foo", "parameter types: 'Foo' is not a node type; use one or more of Area, Community, Organization, "),
    ("neighbors", "types=Community,Foo", "parameter types: 'Foo' is not a node type"),
    ("neighbors", "predicates=FOO", "parameter predicates: 'FOO' is not a relation; use one or more of AFFILIATED_WITH, "),
    ("path", "max_hops=0", "parameter max_hops must be >= 1, got 0"),
    ("duplicates", "min_similarity=120", "parameter min_similarity must be between 0 and 100, got 120.0"),
    ("duplicates", "kind=Foo", "parameter kind: 'Foo' is not an Initiative kind; use one of activity, "),
    ("search", "type=Foo", "parameter type: 'Foo' is not a node type"),
    ("awards", "year=twenty", "parameter year must be int (a whole number), got 'twenty'"),
    ("articles", "limit=2.5", "parameter limit must be int (a whole number), got '2.5'"),
])
def test_other_query_parameters_are_checked_against_the_ontology(tmp_path, name, param, message):
    proc = run("query", name, "--param", param, "--store", tmp_path / "g.db")
    assert proc.returncode == 2
    assert one_error_line(proc).startswith(f"govkg: error: {message}")


def test_valid_ontology_names_pass(tmp_path, sample_copy):
    store = tmp_path / "g.db"
    run("ingest", sample_copy, "-q", *FAST, "--store", store)
    proc = run("query", "neighbors", "--param", "entity=水碾河社区", "--param", "types=Organization,Initiative",
               "--param", "predicates=RUNS,SUPPORTS,COOPERATES_WITH", "--param", "hops=2", "--format", "json", "--store", store)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and {r["type"] for r in rows} <= {"Organization", "Initiative"}
    proc = run("query", "cobuild", "--param", "org_kind=any", "--param", "kind=", "--format", "json", "--store", store)
    assert proc.returncode == 0 and json.loads(proc.stdout)  # an empty kind is no filter


def test_queries_lists_what_each_parameter_accepts(tmp_path):
    out = run("queries", cwd=tmp_path).stdout
    assert "limit=200 (int >= 1)" in out and "min_confidence=0.0 (float 0..1)" in out
    assert "org_kind='enterprise' (Organization kind, or any)" in out and "types=None (comma-separated node types)" in out


# ------------------------------------------------------------------------------------------- --store
def test_store_before_or_after_the_subcommand(tmp_path, sample_copy):
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    assert run("--store", before, "ingest", "-q", *FAST, sample_copy).returncode == 0
    assert run("ingest", "-q", *FAST, sample_copy, "--store", after).returncode == 0
    assert before.is_file() and after.is_file() and not (tmp_path / "govkg-data").exists()
    a = run("query", "cobuild", "--store", before, "--format", "json", cwd=tmp_path)
    b = run("--store", after, "query", "cobuild", "--format", "json", cwd=tmp_path)
    assert a.returncode == b.returncode == 0 and json.loads(a.stdout) == json.loads(b.stdout) != []
    assert json.loads(run("stats", "--json", "--store", after).stdout)["articles"] == 4
    # given twice, the one after the subcommand wins
    proc = run("--store", before, "stats", "--json", "--store", tmp_path / "other.db")
    assert proc.returncode == 2 and f"no govkg store at {tmp_path / 'other.db'}" in one_error_line(proc)


def test_reading_commands_refuse_a_store_that_does_not_exist(tmp_path):
    missing = tmp_path / "no" / "such" / "graph.db"
    for args in (["stats"], ["query", "cobuild"], ["export", "--out", tmp_path / "g.ttl"]):
        proc = run(*args, "--store", missing)
        assert proc.returncode == 2, args
        assert one_error_line(proc).startswith(f"govkg: error: no govkg store at {missing} (--store {missing})")
    proc = run("migrate", "--from", missing, "--to", tmp_path / "copy.db")
    assert proc.returncode == 2 and "no govkg store at" in one_error_line(proc) and "--from" in proc.stderr
    assert not (tmp_path / "no").exists() and not (tmp_path / "copy.db").exists()  # nothing created by a typo


# ------------------------------------------------------------------------------------------- export
def test_export_path_problems_are_one_line_exit_2(tmp_path, sample_copy):
    store = tmp_path / "g.db"
    run("ingest", "-q", *FAST, sample_copy, "--store", store)
    a_file = tmp_path / "exists.txt"
    a_file.write_text("keep me", encoding="utf-8")
    cases = [
        (["--out", "/missing/dir/x"], "govkg: error: cannot export to /missing/dir/x: folder /missing/dir does not exist; create it first"),
        (["--format", "csv", "--out", a_file], f"govkg: error: cannot export to {a_file}: it is a file, and csv export writes a folder"),
        (["--format", "ttl", "--out", tmp_path], f"govkg: error: cannot export to {tmp_path}: it is a folder, and ttl export writes one file"),
        (["--format", "graphml", "--out", a_file / "x.graphml"], f"govkg: error: cannot export to {a_file / 'x.graphml'}: {a_file} is not a folder"),
        (["--format", "csv", "--out", tmp_path / "no" / "such" / "csv"], "does not exist; create it first"),
    ]
    for args, message in cases:
        proc = run("export", *args, "--store", store)
        assert proc.returncode == 2, args
        assert message in one_error_line(proc)
    assert a_file.read_text(encoding="utf-8") == "keep me" and not (tmp_path / "no").exists()
    proc = run("export", "--format", "ttl", "--out", tmp_path / "g.ttl", "--store", store)
    assert proc.returncode == 0 and (tmp_path / "g.ttl").stat().st_size > 0
    proc = run("export", "--format", "csv", "--out", tmp_path / "csv", "--store", store)
    assert proc.returncode == 0 and (tmp_path / "csv" / "nodes.csv").is_file()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write into read-only folders")
def test_export_into_a_read_only_folder_is_one_line(tmp_path, sample_copy):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = run("export", "--out", locked / "g.ttl", "--store", tmp_path / "g.db")
        assert proc.returncode == 2 and "is not writable" in one_error_line(proc)
    finally:
        locked.chmod(0o700)


# ------------------------------------------------------------------------------------------- no traceback
def test_unexpected_errors_are_one_line_exit_3_and_os_errors_exit_2(monkeypatch, capsys):
    from govkg import cli

    def boom(args):
        raise RuntimeError("something\nbroke")

    monkeypatch.delenv("GOVKG_DEBUG", raising=False)
    monkeypatch.setattr(cli, "cmd_queries", boom)
    assert cli.main(["queries"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("govkg: internal error: RuntimeError: something broke (GOVKG_DEBUG=1")

    def disk_full(args):
        raise OSError(28, "No space left on device", "/data/out.ttl")

    monkeypatch.setattr(cli, "cmd_queries", disk_full)
    assert cli.main(["queries"]) == 2
    assert capsys.readouterr().err == "govkg: error: /data/out.ttl: No space left on device\n"


# ------------------------------------------------------------------------------------------- app
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(x) for x in (task / "children").read_text().split()]
    return found


def _streamlit_processes(port: int) -> list[int]:
    """Live processes whose command line runs streamlit on `port`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"streamlit" in b" ".join(argv) and str(port).encode() in argv and state != "Z":
            pids.append(int(entry.name))
    return pids


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the server's processes")
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_stopping_govkg_app_stops_its_streamlit_server(tmp_path, signum, code):
    port = _free_port()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GOVKG_STORE", None)
    app = subprocess.Popen([sys.executable, "-m", "govkg.cli", "app", "--port", str(port), "--store", str(tmp_path / "g.db")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while not _listening(port):
            assert app.poll() is None, f"govkg app exited early: {app.stderr.read().decode()}"
            assert time.monotonic() < deadline, "the explorer never listened"
            time.sleep(0.3)
        children = _children(app.pid)
        assert children and _streamlit_processes(port), "streamlit runs as a child of govkg"
        app.send_signal(signum)
        assert app.wait(timeout=60) == code
        assert "Traceback" not in app.stderr.read().decode()
        deadline = time.monotonic() + 10
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listening(port), "the port is still taken"
        assert not _streamlit_processes(port), "a streamlit process outlived govkg app"
        assert not [c for c in children if Path(f"/proc/{c}").exists()]
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        for pid in _streamlit_processes(port):
            os.kill(pid, signal.SIGKILL)
