"""Time and memory budgets for every RPC and CHECK path: measuring, and inputs that expand.

Budget: every call answers within BUDGET_SECONDS with at most BUDGET_BYTES of backend memory beyond its
baseline, for any JSON or text input up to 1 MiB. Memory is the backend's peak resident set (VmHWM in
/proc/<pid>/status; the cluster is local, and the harness runs it as the current user or, under root, as
an account root can read):

* ``measure_fresh`` opens a new connection per case, reads VmHWM after acting as the actor (the baseline),
  makes the call, and reads VmHWM again. This is the verdict.
* ``HighWaterMark`` measures calls on a long-lived connection (the fuzz gate's) by resetting VmHWM to the
  current resident set before each call (``/proc/<pid>/clear_refs``). Cheap enough for every call; a call
  it finds over budget is measured again with ``measure_fresh`` before it counts as a finding.

Wall time is measured around execute and fetch, client side. A case over the time budget is measured again
(``RETRIES`` fresh runs, the fastest counts): two cores shared with other work make single timings noisy,
memory is not.

The strategies target what makes a document's text form, or the work on it, larger than its input: huge and
tiny exponents (``1e131071`` prints 131,072 digits, ``0e-16383`` 16,385 characters), long digit strings,
wide and deep documents, long whitespace, all up to 1 MiB.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import psycopg.sql
from gates_world import ACTORS
from hypothesis import strategies as st

KIB = 1 << 10
MB = 1 << 20
BUDGET_SECONDS = 0.100
BUDGET_BYTES = 32 * MB
RETRIES = 3
# Ends a runaway case on a database without the bounds, so a failing gate still finishes.
GUARD_TIMEOUT = "5s"


# Measuring -------------------------------------------------------------------------------------------


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise LookupError(f"{key} not in /proc/{pid}/status")


def peak_bytes(pid: int) -> int:
    """The backend's peak resident set so far (VmHWM), in bytes."""
    return _status_kib(pid, "VmHWM") * KIB


def act_as_sql(actor: str) -> str:
    who = ACTORS[actor]
    quote = psycopg.sql.quote
    return (
        f"select pg_catalog.set_config('request.jwt.claims', {quote(json.dumps(who.claims()))}, true), "
        f"pg_catalog.set_config('role', {quote(who.role)}, true)"
    )


@dataclass(frozen=True)
class Measurement:
    function: str  # a signature, or "CHECK <column>" for a write through a constraint
    actor: str
    shape: str  # what the input looked like, short
    seconds: float
    memory: int  # peak resident bytes beyond the baseline
    outcome: str  # "ok" or a SQLSTATE

    @property
    def over(self) -> list[str]:
        found = []
        if self.seconds > BUDGET_SECONDS:
            found.append(f"{self.seconds * 1000:.0f} ms > {BUDGET_SECONDS * 1000:.0f} ms")
        if self.memory > BUDGET_BYTES:
            found.append(f"{self.memory / MB:.1f} MB > {BUDGET_BYTES // MB} MB")
        return found


def measure_once(
    url: str, actor: str, query: str, params: list[object], before: str | None = None
) -> tuple[float, int, str]:
    """One call on a new connection: (seconds, peak bytes beyond the baseline, outcome). Rolled back.

    The same call with a tiny input runs first, in a savepoint: a pooled API connection (PostgREST's) has
    its functions compiled and its caches filled, so the measured call is the steady state, not the first.
    ``before``, run next with the same parameters, is what the call does that is not its own work (converting
    a write's jsonb value): its time is subtracted and its peak is part of the baseline."""
    with psycopg.connect(url) as conn:
        pid = conn.info.backend_pid
        conn.execute(f"set statement_timeout = '{GUARD_TIMEOUT}'")  # type: ignore[arg-type]
        conn.execute(act_as_sql(actor))  # type: ignore[arg-type]
        conn.execute("savepoint warm_up")
        with contextlib.suppress(psycopg.Error):
            conn.execute(query, ["{}"])  # type: ignore[arg-type]
        conn.execute("rollback to savepoint warm_up")
        offset = 0.0
        if before is not None:
            start = time.perf_counter()
            try:
                conn.execute(before, params).fetchall()  # type: ignore[arg-type]
            except psycopg.Error as exc:  # the input itself is refused (54001): so is the call, in the same place
                return 0.0, 0, exc.sqlstate or type(exc).__name__
            offset = time.perf_counter() - start
        baseline = peak_bytes(pid)
        outcome = "ok"
        start = time.perf_counter()
        try:
            cursor = conn.execute(query, params)  # type: ignore[arg-type]
            if cursor.description is not None:
                cursor.fetchall()
        except psycopg.Error as exc:
            outcome = exc.sqlstate or f"{type(exc).__name__}: {exc}"[:120]
        seconds = max(time.perf_counter() - start - offset, 0.0)
        memory = max(peak_bytes(pid) - baseline, 0)
        conn.rollback()
    return seconds, memory, outcome


def measure_fresh(
    url: str, function: str, actor: str, shape: str, query: str, params: list[object], before: str | None = None
) -> Measurement:
    """Measure on fresh connections: once, and again up to RETRIES times while over budget (best run counts)."""
    seconds, memory, outcome = measure_once(url, actor, query, params, before)
    for _ in range(RETRIES - 1):
        if seconds <= BUDGET_SECONDS and memory <= BUDGET_BYTES:
            break
        again = measure_once(url, actor, query, params, before)
        seconds, memory = min(seconds, again[0]), min(memory, again[1])
    return Measurement(function, actor, shape, seconds, memory, outcome)


class HighWaterMark:
    """Peak memory of calls on one long-lived connection: VmHWM is reset to the current RSS before each call."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.pid = conn.info.backend_pid
        self.clear_refs = Path(f"/proc/{self.pid}/clear_refs")
        try:
            self.clear_refs.write_text("5")
            self.available = True
        except OSError:
            self.available = False

    def start(self) -> int:
        if not self.available:
            return 0
        self.clear_refs.write_text("5")
        return peak_bytes(self.pid)

    def since(self, baseline: int) -> int:
        return max(peak_bytes(self.pid) - baseline, 0) if self.available else 0


@dataclass
class Budget:
    """Every measurement of a run, and what went over budget."""

    measurements: list[Measurement] = field(default_factory=list)
    over: list[Measurement] = field(default_factory=list)

    def add(self, measurement: Measurement) -> None:
        self.measurements.append(measurement)
        if measurement.over:
            self.over.append(measurement)

    def worst(self) -> dict[str, tuple[Measurement, Measurement, int]]:
        """Per function: (slowest, largest, number of calls)."""
        found: dict[str, tuple[Measurement, Measurement, int]] = {}
        for m in self.measurements:
            if m.function not in found:
                found[m.function] = (m, m, 1)
                continue
            slow, large, count = found[m.function]
            found[m.function] = (
                m if m.seconds > slow.seconds else slow,
                m if m.memory > large.memory else large,
                count + 1,
            )
        return found

    def table(self, title: str) -> str:
        lines = [
            f"{title}: worst case per function (budget {BUDGET_SECONDS * 1000:.0f} ms, "
            f"{BUDGET_BYTES // MB} MB beyond the backend's baseline)",
            f"{'function':<44}{'calls':>7}{'time':>10}  {'input (slowest)':<46}{'memory':>9}  input (largest)",
        ]
        for function, (slow, large, count) in sorted(self.worst().items()):
            lines.append(
                f"{function[:43]:<44}{count:>7}{slow.seconds * 1000:>8.1f}ms  {_cut(slow.shape, 45):<46}"
                f"{large.memory / MB:>7.1f}MB  {_cut(large.shape, 60)}"
            )
        return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(value: object) -> str:
    """A short description of an input: its start and its size."""
    if isinstance(value, bytes):
        return f"bytea {len(value):,} B"
    if not isinstance(value, str):
        return repr(value)[:40]
    size = len(value.encode("utf-8", errors="surrogatepass"))
    head = value[:28].replace("\n", "\\n").replace("\t", "\\t")
    return f"{head!r}… {size:,} B" if len(value) > 28 else f"{head!r}"


# Inputs that expand ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """An input text and a short name for its shape (shown in the worst-case table)."""

    text: str
    shape: str


def _fit(atom: str, separator: str, size: int) -> int:
    return max(1, size // (len(atom) + len(separator)))


def wide_array(atom: str, size: int, separator: str = ",") -> str:
    return "[" + separator.join([atom] * _fit(atom, separator, size)) + "]"


def wide_object(atom: str, size: int) -> str:
    count = _fit(atom, ',"k0000000":', size)
    return "{" + ",".join(f'"k{i:07d}":{atom}' for i in range(count)) + "}"


def deep(depth: int, atom: str = "1") -> str:
    return "[" * depth + atom + "]" * depth


# Where a value goes: inside configuration documents (so it gets past the first checks) or alone.
PLACES: dict[str, str] = {
    "mappings": '{"version": 1, "mappings": %s}',
    "version": '{"version": %s, "mappings": []}',
    "interval": '{"version": 1, "mode": "interval", "interval_minutes": %s, "timezone": "UTC", "enabled": true}',
    "unknown key": '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false, "x": %s}',
    "bare": "%s",
}

SIZES = [64, 4 * KIB, 66 * KIB, 256 * KIB, MB - 64 * KIB]


def _number(kind: str, magnitude: int) -> str:
    return {
        "huge exponent": f"1e{magnitude}",
        "negative huge exponent": f"-9.5e{magnitude}",
        "tiny exponent": f"1e-{min(magnitude, 16383)}",
        "zero with scale": f"0e-{min(magnitude, 16383)}",
        "long fraction": "1." + "0" * min(magnitude, 16383),
        "long integer": "9" * min(magnitude, 131072),
    }[kind]


@st.composite
def expanding_documents(draw: st.DrawFn) -> Input:
    """JSON text up to 1 MiB whose text form, or the work on it, can grow far beyond its size."""
    family = draw(st.sampled_from(["numbers", "deep", "wide", "whitespace", "long string"]))
    size = draw(st.sampled_from(SIZES))
    place = draw(st.sampled_from(list(PLACES)))
    if family == "numbers":
        kind = draw(
            st.sampled_from(
                [
                    "huge exponent",
                    "negative huge exponent",
                    "tiny exponent",
                    "zero with scale",
                    "long fraction",
                    "long integer",
                ]
            )
        )
        magnitude = draw(st.sampled_from([21, 308, 1000, 16383, 131071]))
        atom = _number(kind, magnitude)
        count = draw(st.sampled_from([1, 4, 5, 1000, None]))
        value = wide_array(atom, size) if count is None else "[" + ",".join([atom] * count) + "]"
        if len(value) > MB - 200:
            value = wide_array(atom, MB - 200)
        if count == 1 and place in ("version", "interval", "unknown key"):
            value = atom
        shape = f"{len(value):,} B, {kind} {atom[:12]}{'…' if len(atom) > 12 else ''} in {place}"
    elif family == "deep":
        depth = draw(st.sampled_from([64, 65, 1000, 10000, 14000, 20000]))
        value = deep(depth, draw(st.sampled_from(["1", "1e131071", '"x"', "{}"])))
        shape = f"{depth:,} levels deep in {place}"
    elif family == "wide":
        atom = draw(st.sampled_from(["0", "1", "[]", "{}", '""', "true", "null", '{"source": "a"}']))
        value = draw(st.sampled_from([wide_array, wide_object]))(atom, size)
        shape = f"{len(value):,} B of {atom} ({'object' if value.startswith('{') else 'array'}) in {place}"
    elif family == "whitespace":
        blank = draw(st.sampled_from([" ", "\n", "\t", "\r\n "]))
        pad = blank * (size // 2 // len(blank))
        value = "[" + pad + "1" + pad + "]"
        shape = f"{len(value):,} B of whitespace {blank!r} in {place}"
    else:
        unit = draw(st.sampled_from(["y", "é", "😀", "\\u0001", '\\"']))
        value = '"' + unit * (size // len(unit.encode())) + '"'
        shape = f"{len(value):,} B string of {unit} in {place}"
    text = PLACES[place] % value
    return Input(text, shape)


def fixed_documents() -> list[Input]:
    """Documents every JSON argument always gets: the review's case and the edges of the bounds."""
    huge = wide_array("1e131071", 66 * KIB - 40, ", ")
    return [
        Input(PLACES["mappings"] % huge, "66 KB of 1e131071 in mappings (the review's document)"),
        Input(PLACES["mappings"] % wide_array("1e131071", MB - 64), "1 MiB of 1e131071 in mappings"),
        Input(PLACES["mappings"] % wide_array("0e-16383", 66 * KIB), "66 KB of 0e-16383 in mappings"),
        Input(PLACES["mappings"] % wide_array("1." + "0" * 16383, MB - 64), "1 MiB of 1.000… (16,383 decimals)"),
        Input(PLACES["mappings"] % wide_array("0", 21800 * 2), "21,800 zeros: the number check's widest walk"),
        Input(PLACES["mappings"] % wide_array('""', 65000 * 3), '65,000 "": the depth check\'s widest walk'),
        Input(PLACES["mappings"] % wide_array("{}", MB - 64), "1 MiB of {} in mappings (jsonb: 230 MB)"),
        Input(wide_array("[]", MB - 64), "1 MiB of [] as the document (jsonb: 90 MB)"),
        Input(PLACES["mappings"] % deep(14000), "14,000 levels deep (the parser's limit is near 14,500)"),
        Input(PLACES["mappings"] % deep(20000), "20,000 levels deep (54001 at input conversion)"),
        Input(PLACES["version"] % "1e131071", "version 1e131071"),
        Input(PLACES["interval"] % ("9" * 131072), "interval_minutes of 131,072 digits"),
        Input(wide_object("1", MB - 64), "1 MiB of unknown keys"),
        Input(PLACES["mappings"].replace(" ", " " * (MB - 64), 1) % "[]", "1 MiB of whitespace between tokens"),
        Input(PLACES["unknown key"] % ('"' + "é" * (MB // 2 - 64) + '"'), "1 MiB string"),
    ]


@st.composite
def expanding_texts(draw: st.DrawFn) -> Input:
    """Text up to 1 MiB for text arguments: long whitespace, digits, multi-byte and escape-like runs."""
    size = draw(st.sampled_from(SIZES))
    unit = draw(st.sampled_from([" ", "\t", "\n", " \u3000", "9", "é", "😀", "\\u0000", "1e131071 ", "%s"]))
    where = draw(st.sampled_from(["alone", "around a word", "before a word"]))
    body = unit * max(1, size // (2 if where == "around a word" else 1) // len(unit.encode()))
    text = {"alone": body, "around a word": body + "secret" + body, "before a word": body + "secret"}[where]
    return Input(text, f"{len(text.encode()):,} B of {unit!r} {where}")


def fixed_texts() -> list[Input]:
    return [
        Input(" " * (MB - 16) + "x", "1 MiB of spaces, then x"),
        Input(" " * (MB // 2) + "sk_live_x" + " " * (MB // 2 - 16), "1 MiB of spaces around a secret"),
        Input("\u3000" * (MB // 3), "1 MiB of ideographic spaces"),
        Input("9" * MB, "1 MiB of digits"),
    ]
