"""Start and stop tests/neo4j/server (Neo4j Community 5.26 embedded, Bolt on 127.0.0.1) from Python:
used by the test fixtures and by `python -m bench` when no Neo4j URI is given."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

SERVER = Path(__file__).resolve().parents[1] / "tests" / "neo4j" / "server"
TEST_PASSWORD = "govkg-test-pass"  # the default of tests/neo4j/server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_tools() -> list[str]:
    """What is missing to start the server here (java, mvn, the script itself)."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    return missing + ([str(SERVER)] if not SERVER.exists() else [])


class Neo4jTestServer:
    """tests/neo4j/server as a subprocess on a free port; `uri` once Bolt accepts connections."""

    def __init__(self, password: str = TEST_PASSWORD, import_dir: Path | None = None, timeout: float = 900.0,
                 heap: str | None = None):
        self.port = free_port()
        self.password = password
        self.import_dir = import_dir
        env = {**os.environ, "NEO4J_PASSWORD": password}
        if import_dir is not None:
            env["NEO4J_IMPORT_DIR"] = str(import_dir)
        if heap:
            env["NEO4J_TEST_HEAP"] = heap
        self.proc = subprocess.Popen([str(SERVER), str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env, start_new_session=True)
        self.stderr: list[str] = []
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()
        self.uri = self._wait_for_uri(timeout)

    def _wait_for_uri(self, timeout: float) -> str:
        expected = f"bolt://127.0.0.1:{self.port}"
        found: list[str] = []

        def read() -> None:
            for line in self.proc.stdout:
                if line.strip() == expected:
                    found.append(expected)
                    break
            for _ in self.proc.stdout:  # keep draining so the server never blocks on a full pipe
                pass

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not found and self.proc.poll() is None:
            time.sleep(0.1)
        if not found:
            self.stop()
            tail = " ".join("".join(self.stderr[-20:]).split())[-400:]
            raise RuntimeError(f"tests/neo4j/server did not start on port {self.port}: {tail}")
        return expected

    def stop(self) -> None:
        """SIGTERM (Neo4j shuts down cleanly and its data folder is deleted), SIGKILL after 60 s."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
