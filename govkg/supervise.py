"""Run a server as a child process that never outlives govkg (used by `govkg app` for Streamlit)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))
GRACE_SECONDS = 10.0  # how long the child may take to stop after SIGTERM before it is killed


def run_supervised(cmd: list[str], env: dict | None = None, grace: float = GRACE_SECONDS) -> int:
    """Run `cmd` until it exits, or until this process gets SIGTERM, SIGINT or SIGHUP: then send the
    child SIGTERM, wait up to `grace` seconds, kill it if it is still there, and return 128 + the
    signal number (130 for SIGINT, 143 for SIGTERM). On Linux the child also gets SIGTERM if govkg
    dies without a chance to clean up (SIGKILL), through PR_SET_PDEATHSIG."""
    child = subprocess.Popen(cmd, env=env, preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    received: list[int] = []

    def on_signal(signum, _frame) -> None:
        received.append(signum)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, on_signal) for s in STOP_SIGNALS}
    deadline = None
    try:
        while True:
            try:
                code = child.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + grace
                if deadline is not None and time.monotonic() > deadline:
                    child.kill()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if child.poll() is None:  # an unexpected exception in this loop: never leave the server behind
            child.kill()
            child.wait()
    return 128 + received[0] if received else code


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the parent dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not glibc/Linux: the signal handlers above still apply
        pass
