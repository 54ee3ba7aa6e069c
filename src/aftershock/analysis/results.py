"""Plain result objects of the static check; reporters render them, nothing here prints.

Lists that can be as long as the model (single points of failure, the services a target takes
down, paths) are ``Names``, ``CutSets`` and ``Path`` (analysis/compact.py): they read as plain
sequences and share their long parts between results, and ``to_dict`` writes each shared part
once.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from aftershock.allocation import bulk_allocation
from aftershock.analysis.compact import CutSets, Names, Path, Run, compact

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class HiddenDependency:
    """A target the service depends on that its model never names, and the path that explains it."""

    target: str
    path: Path


@dataclass(frozen=True)
class DependsOn:
    """Everything a business service reaches, by kind (sorted names)."""

    providers: list[str]
    regions: list[str]
    zones: list[str]
    vendors: list[str]
    services: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceReport:
    """What can take one business service down."""

    name: str
    spofs: Names
    degraded_by: Names
    cut_sets: CutSets
    depends_on: DependsOn
    hidden: list[HiddenDependency]
    hidden_spofs: list[str]
    hidden_spof_paths: list[HiddenDependency]
    """For the broadest hidden SPOFs, the causal chain from the service down to the target."""
    cost_per_hour: float
    rto_s: float | None
    rpo_s: float | None
    impact_tolerance_s: float | None


@dataclass(frozen=True)
class ConcentrationRow:
    """One failure target and the business services it would take down or degrade."""

    target: str
    kind: str
    down: Names
    degraded: Names
    cost_per_hour: float


@dataclass(frozen=True)
class Finding:
    """Something a resilience review should act on."""

    kind: str
    severity: Severity
    message: str
    targets: Sequence[str]
    services: Sequence[str] = field(default_factory=list)
    cost_at_risk: float = 0.0
    fix: str | None = None


@dataclass(frozen=True)
class RegionLoss:
    """The effect of losing one region for a sustained period."""

    region: str
    down: Names
    degraded: Names
    cost_24h: float
    cost_72h: float


@dataclass(frozen=True)
class Answer:
    """One vendor-questionnaire question, answered per business service."""

    question: str
    answers: dict[str, str]


@dataclass(frozen=True)
class CheckResult:
    """Everything ``aftershock check`` found in one model."""

    model: str
    order: int
    business_services: dict[str, ServiceReport]
    concentration: list[ConcentrationRow]
    findings: list[Finding]
    cycles: list[list[str]]
    region_loss: list[RegionLoss]
    answers: list[Answer]
    stats: dict[str, int]
    kinds: dict[str, str] = field(default_factory=dict)
    """Kind of every target named above: provider, region, zone, service, plane, component,
    vendor."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready plain data (the documented ``--format json`` shape).

        A long list part shared by several results is written once under ``shared`` and
        referred to as ``{"shared": ID}`` (analysis/compact.py); ``compact.expand`` reads the
        document back into plain lists.
        """
        with bulk_allocation():
            return compact(self.raw())

    def raw(self) -> dict[str, Any]:
        """Return the ``to_dict`` document before sharing: its lists still Names and Paths."""
        services = {}
        for name, rep in self.business_services.items():
            services[name] = {
                "spofs": rep.spofs,
                "degraded_by": rep.degraded_by,
                "cut_sets": rep.cut_sets,
                "depends_on": asdict(rep.depends_on),
                "hidden": [_hidden(h) for h in rep.hidden],
                "hidden_spofs": rep.hidden_spofs,
                "hidden_spof_paths": [_hidden(h) for h in rep.hidden_spof_paths],
                "cost_per_hour": rep.cost_per_hour,
                "rto_s": rep.rto_s,
                "rpo_s": rep.rpo_s,
                "impact_tolerance_s": rep.impact_tolerance_s,
            }
        return {
            "model": self.model,
            "order": self.order,
            "business_services": services,
            "concentration": [_fields(r) for r in self.concentration],
            "findings": [_fields(f) for f in self.findings],
            "cycles": self.cycles,
            "region_loss": [_fields(r) for r in self.region_loss],
            "answers": [asdict(a) for a in self.answers],
            "stats": self.stats,
            "targets": self.kinds,
        }


def _hidden(dependency: HiddenDependency) -> dict[str, Any]:
    return {"target": dependency.target, "path": dependency.path}


def _fields(row: ConcentrationRow | Finding | RegionLoss) -> dict[str, Any]:
    """Return a dataclass's fields as a dict without copying its lists (``asdict`` would)."""
    return {name: getattr(row, name) for name in row.__dataclass_fields__}


@dataclass(frozen=True)
class ExplainedService:
    """How one business service fares when a target fails, and the chain that explains it."""

    service: str
    state: Literal["up", "degraded", "down"]
    chain: list[str]
    reached: bool


@dataclass(frozen=True)
class ExplainResult:
    """What failing one target does to every business service."""

    model: str
    target: str
    in_model: bool
    services: list[ExplainedService]
    components: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready plain data."""
        return asdict(self)


GROUPS = ("components", "vendors", "zones", "managed services", "regions", "providers")
_GROUP_OF = {
    "component": "components",
    "vendor": "vendors",
    "zone": "zones",
    "service": "managed services",
    "plane": "managed services",
    "region": "regions",
    "provider": "providers",
}


GROUP_LIMIT = 100
"""Names a group shows when people read it; the rest are counted (``... and N more``)."""
PATH_LIMIT = 24
"""Names of a path shown when people read it; a longer path folds its middle."""


def group_targets(
    targets: Sequence[str], kinds: dict[str, str], *, limit: int = GROUP_LIMIT
) -> dict[str, list[str]]:
    """Return targets grouped for reading; a service's planes fold into ``service [planes]``.

    A group of more than ``limit`` shows its first ``limit`` names, then ``… and N more``.
    The shared run of a Names is grouped once however many lists share it.
    """
    parts: list[Sequence[str]] = [targets]
    if isinstance(targets, Names) and targets.shared is not None:
        parts = [targets.own, targets.shared]
    grouped = [_grouped(part, kinds) for part in parts]
    planes: dict[str, list[str]] = {}
    for _, found in grouped:
        for service, inner in found.items():
            planes.setdefault(service, []).extend(inner)
    out: dict[str, list[str]] = {}
    for g in GROUPS:
        if g == "managed services":
            names = [
                service + (f" [{', '.join(sorted(planes[service]))}]" if planes[service] else "")
                for service in sorted(planes)
            ]
            count = len(names)
            shown = names[:limit]
        else:
            runs = [by_group[g] for by_group, _ in grouped if g in by_group]
            count = sum(len(r) for r in runs)
            shown = list(itertools.islice(heapq.merge(*runs), limit))
        if count > limit:
            shown.append(f"… and {count - limit:,} more")
        if shown:
            out[g] = shown
    return out


_GROUPED: dict[int, tuple[Sequence[str], dict[str, str], Any]] = {}


def _grouped(
    targets: Sequence[str], kinds: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Return ``targets`` sorted into groups, and the planes of each managed service."""
    shared = isinstance(targets, Run)
    if shared:
        hit = _GROUPED.get(id(targets))
        if hit is not None and hit[0] is targets and hit[1] is kinds:
            return hit[2]  # type: ignore[no-any-return]
    groups: dict[str, list[str]] = {}
    planes: dict[str, list[str]] = {}
    for t in targets:
        kind = kinds.get(t, "component")
        if kind == "plane":
            service, _, plane = t.rpartition("/")
            planes.setdefault(service, []).append(plane)
        elif kind == "service":
            planes.setdefault(t, [])
        else:
            groups.setdefault(_GROUP_OF[kind], []).append(t)
    found = ({g: sorted(v) for g, v in groups.items()}, planes)
    if shared:
        if len(_GROUPED) > 256:
            _GROUPED.clear()
        _GROUPED[id(targets)] = (targets, kinds, found)
    return found


def listing(names: Sequence[str], *, limit: int = GROUP_LIMIT) -> str:
    """Return names joined for reading: the first ``limit``, then ``… and N more``."""
    shown = list(itertools.islice(names, limit))
    more = len(names) - len(shown)
    return ", ".join(shown) + (f", … and {more:,} more" if more else "")


def fold_path(path: Sequence[str], *, limit: int = PATH_LIMIT) -> list[str]:
    """Return a path for reading: a path of more than ``limit`` names keeps its first and last
    ones and says how many it leaves out (``… 9,981 more …``)."""
    if len(path) <= limit:
        return list(path)
    head, tail = limit * 2 // 3, limit - limit * 2 // 3
    shown = list(itertools.islice(path, head))
    shown.append(f"… {len(path) - head - tail:,} more …")
    shown.extend(_last(path, tail) if isinstance(path, Path) else path[len(path) - tail :])
    return shown


_LAST: dict[int, tuple[Path, tuple[str, ...]]] = {}


def _last(path: Path, count: int) -> tuple[str, ...]:
    """Return the last ``count`` names of ``path``; paths sharing a tail share the walk."""
    walked: list[Path] = []
    node: Path | None = path
    found: tuple[str, ...] = ()
    while node is not None:
        hit = _LAST.get(id(node))
        if hit is not None and hit[0] is node and len(hit[1]) == min(count, len(node)):
            found = hit[1]
            break
        if len(node) <= count:
            found = tuple(node)
            break
        walked.append(node)
        node = node.tail
    if len(_LAST) > 100_000:
        _LAST.clear()
    for step in reversed(walked):
        found = (step.head + found)[-count:]
        _LAST[id(step)] = (step, found)
    return found


def fold_planes(cut_sets: Sequence[list[str]], kinds: dict[str, str]) -> list[list[str]]:
    """Return the cut sets of two or more targets with planes folded into their service, so
    {a/dynamodb/data, b} and {a/dynamodb/dns, b} read once as {a/dynamodb, b}."""
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    larger = cut_sets.larger if isinstance(cut_sets, CutSets) else cut_sets
    for cut in larger:
        if len(cut) < 2:
            continue
        folded = tuple(sorted({t.rsplit("/", 1)[0] if kinds.get(t) == "plane" else t for t in cut}))
        if len(folded) > 1 and folded not in seen:
            seen.add(folded)
            out.append(list(folded))
    return out
