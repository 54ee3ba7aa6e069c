"""Traces to a model: each traced service is a component, each call between two services a
dependency with the number of calls seen.

A call is a child span in another service than its parent (spans grouped by trace), the server
half of a Zipkin shared span, or a client span naming a callee that sent no spans of its own
(``remoteEndpoint.serviceName``, ``peer.service``, a host or URL: databases, third parties),
as Zipkin's dependency linker counts them. Jaeger and Zipkin dependency links are calls already
counted. Messaging is asynchronous: a consumer's span under a producer's is a hand-off, not a
dependency of the producer on the consumer; both depend on the broker when the spans name it.
The producer's dependency is hard (publishing fails without the broker); the consumer's is
soft, a judgement: a consumer stays up without its broker, it only stops receiving messages.

Services that start traces, and services nobody calls in the sample, are entries. A trace
shows what was called while it was recorded, not what is needed, so a dependency never
exercised in the sample is missing: the model's header says so, and how many spans named a
parent that is not in their trace.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aftershock.errors import ImportInputError, Problem
from aftershock.importers import ImportOptions
from aftershock.importers.draft import Draft, clean_name
from aftershock.importers.input_files import input_files
from aftershock.importers.trace_formats import Sample, Span, read_trace_file

SAMPLING_NOTE = (
    "traces show what was called while they were recorded, not what is needed: a dependency "
    "never exercised in the sample (a failover path, a nightly job, an error branch) is "
    "missing, and call counts follow the sample's traffic and sampling rate, not importance"
)
CONSUMER_SOFT = (
    "soft: a consumer stays up while the broker is down, it only stops receiving messages"
)
DANGLING_HINT = (
    "export whole traces (every span of each trace: the trace view's JSON download, or "
    "/api/v2/trace/ID), not a span search filtered by service or time; in a CSV, the parent "
    "column must hold the parent's span id"
)


@dataclass
class Calls:
    """What shows that one service calls another, and how often."""

    traced: int = 0
    """Child spans (or shared server halves) in the callee under the caller's spans."""
    named: int = 0
    """Client spans naming a callee that sent no spans of its own."""
    produced: int = 0
    consumed: int = 0
    linked: int = 0
    """Calls counted by dependency links."""
    counted: bool = True
    """False when a dependency link gave no callCount."""
    where: str = ""

    @property
    def total(self) -> int:
        """Return the calls seen, all ways counted."""
        return self.traced + self.named + self.produced + self.consumed + self.linked

    @property
    def soft(self) -> bool:
        """Return whether every call seen was a consumer polling its broker."""
        return self.consumed > 0 and self.consumed == self.total


@dataclass
class CallGraph:
    """The services of a sample and the calls between them (raw service names)."""

    calls: dict[tuple[str, str], Calls] = field(default_factory=dict)
    spans: Counter[str] = field(default_factory=Counter)
    """Spans per service."""
    roots: Counter[str] = field(default_factory=Counter)
    """Root spans (traces started) per service."""
    remote: dict[str, str] = field(default_factory=dict)
    """Names known only as the other side of a call -> the kind they look like."""
    handoffs: Counter[tuple[str, str]] = field(default_factory=Counter)
    """Asynchronous producer -> consumer hand-offs (not dependencies)."""
    self_named: Counter[str] = field(default_factory=Counter)
    """Client spans whose remote end is named like the caller itself."""
    dangling: int = 0
    traces: int = 0
    unique: int = 0
    """Spans, each counted once."""
    duplicates: int = 0
    """Spans read twice (the same span in several files), counted once."""

    def add(self, src: str, dst: str, how: str, where: str, count: int = 1) -> Calls:
        """Count ``count`` calls from ``src`` to ``dst`` (``how`` names the Calls field)."""
        calls = self.calls.setdefault((src, dst), Calls(where=where))
        setattr(calls, how, getattr(calls, how) + count)
        return calls


def read(inputs: Sequence[Path], options: ImportOptions) -> Draft:
    """Return a draft of the call graph in the trace files ``inputs`` (folders: their .json,
    .csv and .tsv files). Raises ImportInputError for malformed files, an unknown format, or
    a sample where most spans name a parent that is not in their trace."""
    files = input_files(inputs, (".json", ".csv", ".tsv"), "trace files (.json, .csv)")
    sample = Sample()
    for path in files:
        read_trace_file(path, sample)
    graph = call_graph(sample)
    total = graph.unique
    if total and graph.dangling * 2 > total:
        raise ImportInputError(
            Problem(
                f"a trace with dangling parents: {graph.dangling} of {total} spans name a "
                f"parent span that is not in their trace ({graph.traces} traces)",
                file=str(files[0]) if len(files) == 1 else None,
                value=graph.dangling,
                hint=DANGLING_HINT,
            )
        )
    return _draft(graph, sample, options.name or clean_name(files[0].stem))


def call_graph(sample: Sample) -> CallGraph:
    """Return the services and calls of ``sample``."""
    graph = CallGraph()
    traces: dict[str, list[Span]] = {}
    for span in dict.fromkeys(sample.spans):  # a span is a frozen value: duplicates are equal
        traces.setdefault(span.trace, []).append(span)
        if span.service is not None:
            graph.spans[span.service] += 1
    graph.unique = sum(map(len, traces.values()))
    graph.duplicates = len(sample.spans) - graph.unique
    graph.traces = len(traces)
    for spans in traces.values():
        _trace(spans, graph)
    for link in sample.links:
        calls = graph.add(link.parent, link.child, "linked", link.where, link.calls or 0)
        calls.counted = calls.counted and link.calls is not None
        graph.spans.update({link.parent: 0, link.child: 0})
    for name in list(graph.remote):
        if name in graph.spans:
            del graph.remote[name]
    return graph


def _caller(span: Span, by_id: dict[str, list[Span]]) -> Span | None:
    """Return the span that called ``span``: the client half of a shared span, else its
    parent (the half in the same service, or the server half, when two share the id)."""
    if span.kind == "SERVER":
        for other in by_id[span.id]:
            if other is not span and other.kind == "CLIENT":
                return other
    if span.parent is None:
        return None
    found = by_id.get(span.parent, [])
    for pick in (
        lambda s: s.service == span.service,
        lambda s: s.kind not in ("CLIENT", "PRODUCER"),
        lambda s: True,
    ):
        for candidate in found:
            if pick(candidate):
                return candidate
    return None


def _trace(spans: list[Span], graph: CallGraph) -> None:
    by_id: dict[str, list[Span]] = {}
    for span in spans:
        by_id.setdefault(span.id, []).append(span)
    answered: set[int] = set()
    """Client spans whose callee sent spans of its own (by id())."""
    for span in spans:
        caller = _caller(span, by_id)
        if caller is None:
            if span.parent is not None:
                graph.dangling += 1
            elif span.service is not None:
                graph.roots[span.service] += 1
            continue
        answered.add(id(caller))
        if None in (span.service, caller.service) or span.service == caller.service:
            continue
        assert span.service is not None and caller.service is not None
        if span.kind == "CONSUMER" or span.follows or caller.kind == "PRODUCER":
            graph.handoffs[(caller.service, span.service)] += 1
        else:
            graph.add(caller.service, span.service, "traced", span.where)
    for span in spans:
        _remote_call(span, id(span) in answered, by_id, graph)


def _remote_call(
    span: Span, answered: bool, by_id: dict[str, list[Span]], graph: CallGraph
) -> None:
    """Count a call to the other side a span names, when that side sent no spans for it."""
    if span.service is None or span.remote is None:
        return
    if span.remote == span.service:
        if span.kind in ("CLIENT", "PRODUCER"):
            graph.self_named[span.service] += 1
        return
    if span.kind in ("PRODUCER", "CONSUMER"):
        how = "produced" if span.kind == "PRODUCER" else "consumed"
        graph.add(span.service, span.remote, how, span.where)
        graph.remote.setdefault(span.remote, "queue")
    elif span.kind == "CLIENT" and not answered:
        graph.add(span.service, span.remote, "named", span.where)
        kind = span.store or ("external" if "." in span.remote else "service")
        graph.remote.setdefault(span.remote, kind)
    elif span.kind == "SERVER" and span.parent is None and len(by_id[span.id]) == 1:
        # A root server span naming its (uninstrumented) client, as Zipkin's linker reads it.
        graph.add(span.remote, span.service, "named", span.where)
        graph.remote.setdefault(span.remote, "service")


def _draft(graph: CallGraph, sample: Sample, name: str) -> Draft:
    draft = Draft(name=name, sources=[f"traces: {line}" for line in sample.files])
    draft.note(SAMPLING_NOTE)
    if graph.dangling:
        draft.note(
            f"{graph.dangling} of {graph.unique} spans name a parent span that is not in "
            "their trace (dangling parents: partial traces); their callers are unknown, so "
            "some calls are missing"
        )
    if graph.duplicates:
        draft.note(f"{graph.duplicates} spans were read more than once; each is counted once")
    if sample.unnamed:
        draft.note(f"{sample.unnamed} spans name no service; calls through them are not counted")
    if graph.handoffs:
        shown = ", ".join(f"{a} -> {b} ({n})" for (a, b), n in graph.handoffs.most_common(5))
        more = len(graph.handoffs) - 5
        draft.note(
            "asynchronous hand-offs (a consumer's or follower's span under another service's) "
            f"are not dependencies of the sender: {shown}"
            + (f" and {more} more" if more > 0 else "")
            + "; where the spans name a broker, both sides depend on it instead"
        )
    for service, count in sorted(graph.spans.items()):
        draft.part(service, _why(service, count, sample))
    for remote, kind in sorted(graph.remote.items()):
        callers = sorted({a for (a, b) in graph.calls if b == remote})
        part = draft.part(
            remote,
            f"the other side of calls from {', '.join(callers) or 'a root span'}; "
            "it sent no spans of its own",
            kind=kind,
        )
        if kind == "queue":
            part.note(f"a message broker: publishers depend on it; for consumers, {CONSUMER_SOFT}")
    for service, count in sorted(graph.self_named.items()):
        draft.parts[clean_name(service)].note(
            f"{_plural(count, 'client span')} with a remote end called {service!r}, like the "
            "service itself (often its own database or cache): not counted as a dependency; "
            "model that store if it matters"
        )
    for (src, dst), calls in sorted(graph.calls.items()):
        draft.depend(
            src,
            dst,
            _call_why(calls),
            soft=calls.soft,
            calls=calls.total if calls.counted else None,
        )
    _entries(draft, graph)
    _withhold(draft, sample.secrets)
    return draft


def _withhold(draft: Draft, secrets: set[str]) -> None:
    """Register the credentials seen, so the emitter refuses to write them. A value that is part
    of a name the model must carry (a service named like a tag value) is not withheld: it is
    written as that name, never as the tag."""
    names = [draft.name, *draft.parts]
    for secret in secrets:
        if not any(secret in name for name in names):
            draft.secret(secret)


def _why(service: str, count: int, sample: Sample) -> str:
    pods = sorted(sample.pods.get(service, ()))
    if pods:
        shown = ", ".join(pods[:3]) + (f" and {len(pods) - 3} more" if len(pods) > 3 else "")
        return f"pods {shown} ({count} spans)"
    if count == 0:
        return "named in the dependency links"
    return f"traced service ({count} spans)"


def _call_why(calls: Calls) -> str:
    ways = [
        (calls.traced, "traced calls"),
        (calls.named, "client spans naming it (it sent none of its own)"),
        (calls.produced, "messages published"),
        (calls.consumed, "consumer polls"),
        (calls.linked, "calls in dependency links"),
    ]
    seen = [(n, what) for n, what in ways if n]
    if len(seen) == 1:
        text = f"{seen[0][1]}, first at {calls.where}"
    elif seen:
        text = ", ".join(f"{n} {what}" for n, what in seen) + f"; first at {calls.where}"
    else:
        text = f"in dependency links ({calls.where}), no call count"
    return text + ("; " + CONSUMER_SOFT if calls.soft else "")


def _entries(draft: Draft, graph: CallGraph) -> None:
    """Mark as entries the services that start traces and those nobody calls."""
    called = {dst for (_, dst) in graph.calls}
    callers = {src for (src, _) in graph.calls}
    for service in sorted(set(graph.spans) | callers):
        roots = graph.roots.get(service, 0)
        if service in called and not roots:
            continue
        why = [] if service in called else ["receives calls from no one in the traces"]
        why += [f"it starts {_plural(roots, 'trace')}"] if roots else []
        draft.entry(service, "; ".join(why))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
