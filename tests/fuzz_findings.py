"""Run one fuzz example in a forked child and judge what happened: fail, tolerate a known bug,
or (for long exploratory runs) record it and go on.

Each example runs in a child process (``isolated``) with a memory limit and a time limit, so
an alias bomb, an endless loop or a crash in aftershock becomes a finding instead of taking
the test run (or the machine) down. Inside the child, ``attempt`` runs one library step and
notes anything that is not a result or an InputError; the parent then decides.

Every unexpected exception gets a signature: its type and the innermost aftershock frame that
raised it (``ValueError@model/load.py:_short``); a step that never returns is
``hang@STEP``, a child killed by a signal ``crash@STEP``. Three modes:

- default: an unknown signature fails the example (Hypothesis shrinks it to a minimal input);
  a signature listed in ``KNOWN_BUGS`` (issue 9, open) is tolerated and counted, and the
  counts are printed at the end of the run, so CI stays green while they are being fixed and
  a new class of bug still fails it. The pinned examples of each known bug run strictly
  (test_fuzz*.py, marked xfail).
- ``AFTERSHOCK_FUZZ_STRICT=1``: nothing is tolerated (is everything fixed yet?).
- ``AFTERSHOCK_FUZZ_FINDINGS=DIR``: nothing fails; each distinct signature is written to DIR
  (the smallest inputs seen, the traceback, a count) and the run goes on to find the next.
  This is how long ``make test-deep`` runs are triaged.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import select
import signal
import time
import traceback
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aftershock

T = TypeVar("T")
PACKAGE = Path(aftershock.__file__).parent
FINDINGS = os.environ.get("AFTERSHOCK_FUZZ_FINDINGS")
STRICT = os.environ.get("AFTERSHOCK_FUZZ_STRICT") == "1"
SLOW_S = 2.0
"""Bad input is refused within this many seconds (recorded in findings mode only: timing in
a shared CI runner is no test)."""
HANG_S = 60.0
"""An example still running after this long is stopped and reported as a hang."""
MEMORY_HEADROOM = 2 << 30
"""Address space an example may add to the process: a blow-up becomes a MemoryError."""
KEEP = 4
"""Inputs kept per signature in findings mode (the smallest seen)."""

BUGS: dict[str, str] = {}
"""The classes of bug the fuzzers found that are still open (issue 9), by a short key."""

KNOWN_BUGS: dict[str, str] = {}
"""Signature -> key in BUGS. Remove an entry when its bug is fixed (its pinned examples then
pass: their xfail(strict=False) shows XPASS)."""

tolerated: Counter[str] = Counter()
"""Known-bug signatures met in this run (printed by conftest at the end)."""
examples: Counter[str] = Counter()
"""Examples run per test in this process (findings mode writes them to DIR/examples-PID.json,
so a long run stopped by a timeout still says how far it got)."""


class UnexpectedError(AssertionError):
    """An exception other than InputError escaped aftershock: exit code 3 for a user."""


@dataclass(frozen=True)
class Trouble:
    """Something an example did that it must not: ``sig`` classifies it."""

    sig: str
    step: str
    detail: str


# ---- in the child ---------------------------------------------------------------------------

_pipe: list[int] = []
"""The write end of the pipe to the parent while a child runs (empty in the parent)."""


def _send(kind: str, value: Any) -> None:
    if not _pipe:
        raise RuntimeError("attempt() and problem() run inside isolated()")
    data = pickle.dumps((kind, value))
    os.write(_pipe[0], len(data).to_bytes(4, "big") + data)


def signature(exc: BaseException) -> str:
    """Return ``Type@module/path.py:function`` of the innermost aftershock frame of ``exc``."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).is_relative_to(PACKAGE)]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    if where is None:
        return type(exc).__name__
    path = Path(where.filename)
    shown = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name
    return f"{type(exc).__name__}@{shown}:{where.name}"


def attempt(step: str, call: Callable[[], T]) -> T | None:
    """Return ``call()``, or None when it raised an InputError (bad input, said clearly) or
    anything else (reported to the parent as a Trouble)."""
    _send("step", step)
    started = time.perf_counter()
    try:
        result = call()
    except aftershock.InputError:
        _timed(step, started)
        _send("event", f"{step}: InputError")
        return None
    except Exception as exc:
        unexpected(step, exc)
        return None
    _timed(step, started)
    _send("event", f"{step}: ok")
    return result


def unexpected(step: str, exc: BaseException) -> None:
    """Report an exception that should have been an InputError."""
    _send("trouble", Trouble(signature(exc), step, "".join(traceback.format_exception(exc))))


def problem(sig: str, step: str, detail: str) -> None:
    """Report a misbehaviour that is not an exception (raw control characters in the output,
    a model the importer wrote that does not load, a finite number that is not)."""
    _send("trouble", Trouble(sig, step, detail))


def _timed(step: str, started: float) -> None:
    elapsed = time.perf_counter() - started
    if elapsed > SLOW_S:
        _send("trouble", Trouble(f"slow@{step}", step, f"{elapsed:.1f} s"))


def _child(example: Callable[[], None], write: int, headroom: int) -> None:
    import resource

    _pipe.append(write)
    status = Path("/proc/self/status")
    size = re.search(r"VmSize:\s+(\d+)", status.read_text()) if status.exists() else None
    if size:
        limit = int(size.group(1)) * 1024 + headroom
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    try:
        example()
    except BaseException as exc:
        _send(
            "trouble", Trouble(signature(exc), "example", "".join(traceback.format_exception(exc)))
        )


# ---- in the parent --------------------------------------------------------------------------


def isolated(
    example: Callable[[], None],
    evidence: dict[str, Any],
    *,
    strict: bool = False,
    timeout: float = HANG_S,
    headroom: int = MEMORY_HEADROOM,
) -> None:
    """Run ``example`` in a forked child; judge each Trouble it reports (see the module
    docstring). ``strict``: tolerate no known bug (pinned inputs run so)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        os.close(read)
        code = 0
        try:
            _child(example, write, headroom)
        except BaseException:
            code = 70
        os._exit(code)
    os.close(write)
    _count()
    troubles, events, step = _collect(read, pid, timeout)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and not any(t.sig.startswith("hang@") for t in troubles):
        name = signal.Signals(os.WTERMSIG(status)).name
        troubles.append(Trouble(f"crash@{step}", step, f"the child died of {name}"))
    _forward(events)
    for trouble in troubles:
        judge(trouble, evidence, strict=strict)


def _collect(read: int, pid: int, timeout: float) -> tuple[list[Trouble], list[str], str]:
    troubles: list[Trouble] = []
    events: list[str] = []
    step = "start"
    buffer = b""
    deadline = time.monotonic() + timeout
    with os.fdopen(read, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([pipe], [], [], max(0.0, left))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                troubles.append(Trouble(f"hang@{step}", step, f"no result after {timeout:.0f} s"))
                break
            chunk = pipe.read(1 << 16)
            if not chunk:
                break
            buffer += chunk
            while len(buffer) >= 4 and len(buffer) >= 4 + int.from_bytes(buffer[:4], "big"):
                size = int.from_bytes(buffer[:4], "big")
                kind, value = pickle.loads(buffer[4 : 4 + size])
                buffer = buffer[4 + size :]
                if kind == "step":
                    step = value
                elif kind == "event":
                    events.append(value)
                else:
                    troubles.append(value)
    return troubles, events, step


def _count() -> None:
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    examples[test] += 1
    if FINDINGS and examples[test] % 50 == 1:
        Path(FINDINGS).mkdir(parents=True, exist_ok=True)
        out = Path(FINDINGS) / f"examples-{os.getpid()}.json"
        out.write_text(json.dumps(dict(examples), indent=1))


def _forward(events: list[str]) -> None:
    """Count what the example reached (``--hypothesis-show-statistics`` shows it)."""
    from hypothesis import event
    from hypothesis.errors import InvalidArgument

    for text in dict.fromkeys(events):
        with suppress(InvalidArgument):  # outside a Hypothesis test (a pinned case)
            event(text)


def judge(trouble: Trouble, evidence: dict[str, Any], *, strict: bool = False) -> None:
    """Record, tolerate or raise ``trouble`` (see the module docstring)."""
    slow = trouble.sig.startswith("slow@")
    if FINDINGS and not strict:
        record(trouble, evidence)
        return
    if slow:
        return  # timing is judged only in findings mode
    if trouble.sig in KNOWN_BUGS and not (strict or STRICT):
        tolerated[trouble.sig] += 1
        return
    raise UnexpectedError(f"{trouble.step}: {trouble.sig}\n{trouble.detail[-3000:]}")


def _slug(sig: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", sig)[:120]


def record(trouble: Trouble, evidence: dict[str, Any]) -> None:
    """Write one finding below $AFTERSHOCK_FUZZ_FINDINGS/<signature>/: the traceback of the
    first occurrence, a count, and the ``KEEP`` smallest inputs with their arguments."""
    assert FINDINGS
    folder = Path(FINDINGS) / _slug(trouble.sig)
    folder.mkdir(parents=True, exist_ok=True)
    count_file = folder / "count"
    count = int(count_file.read_text()) + 1 if count_file.exists() else 1
    count_file.write_text(str(count))
    if not (folder / "traceback.txt").exists():
        (folder / "traceback.txt").write_text(
            f"{trouble.sig}\nstep: {trouble.step}\n\n{trouble.detail}"
        )
    data: bytes = evidence.get("data", b"")
    kept = sorted(folder.glob("input-*.bin"), key=lambda p: p.stat().st_size)
    if len(kept) >= KEEP and len(data) >= kept[-1].stat().st_size:
        return
    if len(kept) >= KEEP:
        kept[-1].unlink()
        kept[-1].with_suffix(".json").unlink(missing_ok=True)
    stem = f"input-{count:06d}"
    (folder / f"{stem}.bin").write_bytes(data)
    meta = {k: v for k, v in evidence.items() if k != "data"}
    (folder / f"{stem}.json").write_text(
        json.dumps(
            {"step": trouble.step, "detail": trouble.detail[-2000:], **meta},
            default=repr,
            indent=1,
        )
    )
