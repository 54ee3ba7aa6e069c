"""Trace files to spans: Zipkin v2 JSON, Jaeger JSON (the UI/API export and dependency links)
and span CSV, told apart by their content.

Only what the call graph needs is kept: ids, the parent, the service, the span kind and the
name of the other side. Tag values are never kept; they are scanned for credentials, which the
import then refuses to write (see importers/secrets.py).
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.input_files import parse_json, read_text
from aftershock.importers.secrets import looks_secret, redact, withheld_parts
from aftershock.importers.yamldocs import as_list, as_map

KINDS = ("CLIENT", "SERVER", "PRODUCER", "CONSUMER")
FORMATS_HINT = (
    "aftershock reads Zipkin v2 JSON (a list of spans or of traces), Jaeger JSON "
    '({"data": [{"traceID", "spans", "processes"}]}), dependency links '
    '([{"parent", "child", "callCount"}]) and span CSV with a header (trace id, span id, '
    "parent id and a service or pod name column)"
)
_NO_PARENT = {"", "root", "none", "null", "nil", "-", "0"}
_CSV_ROLES = {
    "trace": "trace id",
    "span": "span id",
    "parent": "parent id",
    "service or pod": "service or pod name",
}
_CSV_COLUMNS = {
    "trace": ("traceid", "trace"),
    "span": ("spanid", "span"),
    "parent": ("parentid", "parentspanid", "parent", "parentspan"),
    "service": ("servicename", "service", "resourceservicename", "localservicename"),
    "pod": ("podname", "pod", "k8spodname"),
}
_K8S_CHARS = "[bcdfghjklmnpqrstvwxz2456789]"
"""The alphabet of Kubernetes' generated name suffixes (no vowels, no 0, 1 or 3)."""
_POD_SUFFIX = (
    # A Deployment's pod: ReplicaSet hash (generated, or with a digit) and pod suffix.
    re.compile(
        rf"^(?P<workload>.+?)-(?:{_K8S_CHARS}{{6,10}}|(?=[a-z0-9]{{0,9}}\d)[a-z0-9]{{6,10}})"
        r"-[a-z0-9]{5}$"
    ),
    re.compile(r"^(?P<workload>.+?)-\d+$"),  # a StatefulSet's pod: its ordinal
    re.compile(rf"^(?P<workload>.+?)-{_K8S_CHARS}{{5}}$"),  # a DaemonSet's or Job's pod
)
_HOST_TAGS = ("peer.service", "net.peer.name", "server.address", "peer.hostname", "http.host")
_URL_TAGS = ("http.url", "url.full")
_CACHES = {"redis", "memcached"}


@dataclass(frozen=True, slots=True)
class Span:
    """One span, as much of it as the call graph needs."""

    trace: str
    id: str
    parent: str | None
    service: str | None
    where: str = field(compare=False)
    """The file (and line) it was read from, for comments; the same span read from two files
    is one span."""
    kind: str | None = None
    """CLIENT, SERVER, PRODUCER or CONSUMER; None when the input does not say."""
    remote: str | None = None
    """The service or host on the other side, when the span names it."""
    store: str | None = None
    """``datastore`` or ``cache`` when the span's tags show a database call."""
    shared: bool = False
    """Zipkin: the server half of a client span, under the client's id."""
    follows: bool = False
    """Jaeger FOLLOWS_FROM: started by the parent, which does not wait for it."""


@dataclass(frozen=True, slots=True)
class Link:
    """One dependency link: ``parent`` called ``child`` ``calls`` times."""

    parent: str
    child: str
    calls: int | None
    where: str


@dataclass
class Sample:
    """Everything read from the trace files."""

    spans: list[Span] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)
    """One line per file: its path, format and size."""
    pods: dict[str, set[str]] = field(default_factory=dict)
    """Workload -> the pod names it was read from (span CSV with a pod column)."""
    unnamed: int = 0
    """Spans that name no service."""


def read_trace_file(path: Path, sample: Sample) -> None:
    """Add the spans or links of ``path`` to ``sample``. Raises ImportInputError for malformed
    input or a format that is none of the supported ones."""
    text = read_text(path)
    if text.lstrip()[:1] in ("[", "{"):
        hint = "export the traces again; the file may be cut short"
        data = parse_json(text, path, hint, "malformed JSON")
        _read_json(data, path, sample)
    elif _delimiter(text.lstrip().splitlines()[0]):
        _read_csv(text, path, sample)
    else:
        raise ImportInputError(
            Problem(
                "not a trace format aftershock reads (neither JSON nor CSV)",
                file=str(path),
                line=1,
                hint=FORMATS_HINT,
            )
        )


def _bad(
    path: Path,
    message: str,
    *,
    at: tuple[str | int, ...] = (),
    value: object = None,
    hint: str = FORMATS_HINT,
) -> NoReturn:
    raise ImportInputError(Problem(message, file=str(path), value=value, path=at, hint=hint))


def _read_json(data: object, path: Path, sample: Sample) -> None:
    items: object = data
    if isinstance(data, dict):
        if "resourceSpans" in data:
            _bad(path, "OpenTelemetry (OTLP) JSON is not supported; export from Jaeger or Zipkin")
        if "spans" in data and "traceID" in data:
            items = [data]
        elif isinstance(data.get("data"), list):
            items = data["data"]
        else:
            _bad(path, f"not a trace format aftershock reads (an object of {len(data)} keys)")
    if not isinstance(items, list) or not items:
        _bad(path, "no spans, traces or links in the file")
    first = items[0]
    if isinstance(first, list):
        for number, trace in enumerate(items):
            if not isinstance(trace, list):
                _bad(path, "a list of traces must hold only lists of spans", at=(number,))
            _zipkin(trace, path, sample, (number,))
        sample.files.append(f"{path} (Zipkin v2 JSON, {len(items)} traces)")
    elif isinstance(first, dict) and "traceId" in first:
        _zipkin(items, path, sample, ())
        sample.files.append(f"{path} (Zipkin v2 JSON, {len(items)} spans)")
    elif isinstance(first, dict) and "spans" in first:
        spans = sum(_jaeger(trace, path, sample, (n,)) for n, trace in enumerate(items))
        sample.files.append(f"{path} (Jaeger JSON, {len(items)} traces, {spans} spans)")
    elif isinstance(first, dict) and {"parent", "child"} <= first.keys():
        _links(items, path, sample)
        sample.files.append(f"{path} (dependency links, {len(items)})")
    else:
        _bad(path, "not a trace format aftershock reads", at=(0,), value=_shape(first))


def _shape(value: object) -> str:
    if isinstance(value, dict):
        return f"an object of {len(value)} keys, none a span's"
    return type(value).__name__


def _text(raw: dict[str, Any], key: str, path: Path, at: tuple[str | int, ...]) -> str:
    value = raw.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
        _bad(path, f"a span without {key}", at=(*at, key), value=value)
    return str(value).strip().lower()


def _parent(value: object) -> str | None:
    text = "" if value is None else str(value).strip().lower()
    return None if text in _NO_PARENT or not text.strip("0") else text


def _zipkin(spans: list[Any], path: Path, sample: Sample, at: tuple[int, ...]) -> None:
    for number, raw in enumerate(spans):
        where = (*at, number)
        if not isinstance(raw, dict):
            _bad(path, "a span must be a JSON object", at=where, value=_shape(raw))
        if "binaryAnnotations" in raw:
            _bad(
                path,
                "Zipkin v1 JSON is not supported",
                at=where,
                value="binaryAnnotations",
                hint="export Zipkin v2 JSON (/api/v2/trace/ID or the v2 UI's download)",
            )
        trace = _text(raw, "traceId", path, where)
        kind = raw.get("kind")
        if kind is not None and kind not in KINDS:
            _bad(
                path,
                f"invalid span kind, expected {', '.join(KINDS)} (not {kind!r})",
                at=(*where, "kind"),
                value=kind,
            )
        tags = raw.get("tags") if isinstance(raw.get("tags"), dict) else {}
        assert isinstance(tags, dict)
        for key, value in tags.items():
            _scan(str(key), value, sample)
        for note in as_list(raw.get("annotations")):
            if isinstance(note, dict):
                _scan("annotation", note.get("value"), sample)
        service = _endpoint(raw.get("localEndpoint"))
        sample.unnamed += service is None
        sample.spans.append(
            Span(
                trace=trace,
                id=_text(raw, "id", path, where),
                parent=_parent(raw.get("parentId")),
                service=service,
                where=f"{path.name}, trace {trace}",
                kind=kind,
                remote=_endpoint(raw.get("remoteEndpoint")) or _remote(tags),
                store=_store(tags),
                shared=raw.get("shared") is True,
            )
        )


def _endpoint(raw: object) -> str | None:
    if isinstance(raw, dict):
        name = raw.get("serviceName")
        if isinstance(name, str) and name.strip() and name.strip() != "unknown":
            return name.strip()
    return None


def _jaeger(trace: object, path: Path, sample: Sample, at: tuple[int, ...]) -> int:
    if not isinstance(trace, dict) or not isinstance(trace.get("spans"), list):
        _bad(path, 'a Jaeger trace must be an object with "spans"', at=at, value=_shape(trace))
    processes = trace.get("processes") if isinstance(trace.get("processes"), dict) else {}
    assert isinstance(processes, dict)
    for process in processes.values():
        _scan_tags(process.get("tags") if isinstance(process, dict) else None, sample)
    for number, raw in enumerate(trace["spans"]):
        where: tuple[str | int, ...] = (*at, "spans", number)
        if not isinstance(raw, dict):
            _bad(path, "a span must be a JSON object", at=where, value=_shape(raw))
        trace_id = _text(raw if "traceID" in raw else trace, "traceID", path, where)
        tags = _scan_tags(raw.get("tags"), sample)
        for log in as_list(raw.get("logs")):
            _scan_tags(log.get("fields") if isinstance(log, dict) else None, sample)
        parent, follows = _reference(raw, trace_id)
        process = as_map(raw.get("process")) or processes.get(str(raw.get("processID")))
        service = _endpoint(process)
        sample.unnamed += service is None
        kind = str(tags.get("span.kind", "")).upper() or None
        sample.spans.append(
            Span(
                trace=trace_id,
                id=_text(raw, "spanID", path, where),
                parent=parent,
                service=service,
                where=f"{path.name}, trace {trace_id}",
                kind=kind if kind in KINDS else None,
                remote=_remote(tags),
                store=_store(tags),
                follows=follows,
            )
        )
    return len(trace["spans"])


def _scan_tags(raw: object, sample: Sample) -> dict[str, Any]:
    """Return Jaeger's ``[{"key", "value"}]`` tags as a dict, scanned for credentials."""
    tags = {
        str(tag.get("key")): tag.get("value")
        for tag in (raw if isinstance(raw, list) else [])
        if isinstance(tag, dict)
    }
    for key, value in tags.items():
        _scan(key, value, sample)
    return tags


def _reference(raw: dict[str, Any], trace: str) -> tuple[str | None, bool]:
    """Return the parent span id and whether it is a FOLLOWS_FROM (asynchronous) reference."""
    refs = [r for r in as_list(raw.get("references")) if isinstance(r, dict)]
    refs = [r for r in refs if str(r.get("traceID", trace)).lower() == trace]
    for ref_type in ("CHILD_OF", "FOLLOWS_FROM"):
        for ref in refs:
            if ref.get("refType", "CHILD_OF") == ref_type:
                return _parent(ref.get("spanID")), ref_type == "FOLLOWS_FROM"
    return _parent(raw.get("parentSpanID")), False


def _links(items: list[Any], path: Path, sample: Sample) -> None:
    for number, raw in enumerate(items):
        if not isinstance(raw, dict):
            _bad(path, "a dependency link must be a JSON object", at=(number,), value=_shape(raw))
        ends = [raw.get("parent"), raw.get("child")]
        if not all(isinstance(end, str) and end.strip() for end in ends):
            _bad(path, "a dependency link needs parent and child names", at=(number,))
        calls = raw.get("callCount")
        if calls is not None and (not isinstance(calls, int) or isinstance(calls, bool)):
            _bad(path, "callCount must be a whole number", at=(number, "callCount"), value=calls)
        sample.links.append(
            Link(str(ends[0]).strip(), str(ends[1]).strip(), calls, f"{path.name} link {number}")
        )


def _remote(tags: dict[str, Any]) -> str | None:
    """Return the other side named by a span's tags: a peer service, else a host name (never
    an IP address, never a URL's credentials)."""
    for key in _HOST_TAGS:
        value = tags.get(key)
        if isinstance(value, str) and value.strip():
            return _host(value.strip())
    for key in _URL_TAGS:
        value = tags.get(key)
        if isinstance(value, str) and "://" in value:
            try:
                host = urlsplit(redact(value)).hostname
            except ValueError:
                continue
            if host:
                return _host(host)
    system = tags.get("messaging.system")
    return system.strip() if isinstance(system, str) and system.strip() else None


def _host(text: str) -> str | None:
    """Return the host a peer tag names; a whole address in it (``https://u:pw@db:5432/x``,
    ``hooks.slack.com/services/...``) gives only its host: a path or a password is no name."""
    if "://" in text:
        try:
            text = urlsplit(redact(text)).hostname or ""
        except ValueError:
            return None
    text = re.split(r"[/?#]", text, maxsplit=1)[0].rsplit("@", 1)[-1]
    if not text:
        return None
    host = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return None
    for suffix in (".svc.cluster.local", ".svc"):
        if host.endswith(suffix):
            return host.split(".", 1)[0]
    return host


def _store(tags: dict[str, Any]) -> str | None:
    system = tags.get("db.system") or tags.get("db.type")
    if isinstance(system, str) and system.strip():
        return "cache" if system.strip().lower() in _CACHES else "datastore"
    prefixes = ("db.", "sql.", "cassandra.", "mongodb.", "redis.")
    if any(str(key).startswith(prefixes) for key in tags):
        return "cache" if any(str(key).startswith("redis.") for key in tags) else "datastore"
    return None


def _scan(key: str, value: object, sample: Sample) -> None:
    """Remember a tag value that looks like a credential (and any password in a URL). Tag
    values are never written; this is the emitter's last check. A plain word under a
    credential-like key (``auth.type: service``) is not remembered: the emitter would refuse
    the model's own words."""
    if not isinstance(value, str) or len(value) < 4:
        return
    if looks_secret(key, value) and (looks_secret("", value) or not value.strip().isalpha()):
        sample.secrets.add(value.strip())
    found = withheld_parts(value)  # a URL's password or token, a webhook's path...
    sample.secrets.update(p.strip() for p in found if not p.strip().isalpha())


def _delimiter(header: str) -> str | None:
    counts = Counter(ch for ch in header if ch in ",\t;|")
    return counts.most_common(1)[0][0] if counts else None


def workload(pod: str) -> str:
    """Return the workload a pod belongs to: ``frontend-5d4b9c6f7-abcde`` (a Deployment's
    pod) and ``redis-cart-0`` (a StatefulSet's) both lose their generated suffixes."""
    for pattern in _POD_SUFFIX:
        found = pattern.match(pod)
        if found:
            return found["workload"]
    return pod


def _columns(header: list[str], path: Path) -> dict[str, int]:
    normal = {re.sub(r"[^a-z0-9]", "", name.lower()): i for i, name in enumerate(header)}
    found = {
        role: next((normal[n] for n in names if n in normal), -1)
        for role, names in _CSV_COLUMNS.items()
    }
    missing = [role for role in ("trace", "span", "parent") if found[role] < 0]
    if len(missing) == 3:
        _bad(path, "not a trace format aftershock reads: not JSON, nor a span CSV header")
    if found["service"] < 0 and found["pod"] < 0:
        missing.append("service or pod")
    if missing:
        raise ImportInputError(
            Problem(
                f"span CSV without a {', '.join(_CSV_ROLES[m] for m in missing)} column; "
                "found: " + ", ".join(h.strip() for h in header),
                file=str(path),
                line=1,
                value=", ".join(missing),
                hint="name the columns TraceID (or trace_id), SpanID (span_id), ParentID "
                "(ParentspanID, parent_id) and ServiceName (service, PodName, pod)",
            )
        )
    return {role: index for role, index in found.items() if index >= 0}


def _read_csv(text: str, path: Path, sample: Sample) -> None:
    first = text.lstrip().splitlines()[0]
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first) or ",")
    count = 0
    try:
        header = next(row for row in reader if any(cell.strip() for cell in row))
        columns = _columns(header, path)
        for row in reader:
            if any(cell.strip() for cell in row):
                sample.spans.append(_csv_span(row, reader.line_num, header, columns, path, sample))
                count += 1
    except csv.Error as exc:
        raise ImportInputError(
            Problem(
                f"malformed CSV: {exc}",
                file=str(path),
                line=reader.line_num,
                hint="export the spans again",
            )
        ) from exc
    if not count:
        raise ImportInputError(
            Problem("a span CSV with a header but no spans", file=str(path), line=1)
        )
    source = "service" if "service" in columns else "pod"
    sample.files.append(f"{path} (span CSV by {source}, {count} spans)")


def _csv_span(
    row: list[str],
    line: int,
    header: list[str],
    columns: dict[str, int],
    path: Path,
    sample: Sample,
) -> Span:
    """Return the span of one CSV row; the other columns are only scanned for credentials."""
    name_column = columns.get("service", columns.get("pod", -1))
    used = {columns["trace"], columns["span"], columns["parent"], name_column}
    if len(row) <= max(used):
        raise ImportInputError(
            Problem(
                f"a row with {len(row)} fields; the header has {len(header)}",
                file=str(path),
                line=line,
                hint="every row needs the trace, span, parent and service fields",
            )
        )
    for index, cell in enumerate(row):
        if index not in used:
            _scan(header[index] if index < len(header) else "", cell, sample)
    trace, span = row[columns["trace"]].strip().lower(), row[columns["span"]].strip().lower()
    if not span or not trace:
        raise ImportInputError(
            Problem(
                "a span without its " + ("span id" if not span else "trace id"),
                file=str(path),
                line=line,
                hint="every row needs a trace id and a span id",
            )
        )
    name = row[name_column].strip()
    service = name or None
    if name and "service" not in columns:
        service = workload(name)
        sample.pods.setdefault(service, set()).add(name)
    sample.unnamed += service is None
    return Span(trace, span, _parent(row[columns["parent"]]), service, f"{path.name}:{line}")
