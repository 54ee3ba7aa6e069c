"""Plain result objects of the static check; reporters render them, nothing here prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class HiddenDependency:
    """A target the service depends on that its model never names, and the path that explains it."""

    target: str
    path: list[str]


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
    spofs: list[str]
    degraded_by: list[str]
    cut_sets: list[list[str]]
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
    down: list[str]
    degraded: list[str]
    cost_per_hour: float


@dataclass(frozen=True)
class Finding:
    """Something a resilience review should act on."""

    kind: str
    severity: Severity
    message: str
    targets: list[str]
    services: list[str] = field(default_factory=list)
    cost_at_risk: float = 0.0
    fix: str | None = None


@dataclass(frozen=True)
class RegionLoss:
    """The effect of losing one region for a sustained period."""

    region: str
    down: list[str]
    degraded: list[str]
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
        """Return the result as JSON-ready plain data (the documented ``--format json`` shape)."""
        services = {}
        for name, rep in self.business_services.items():
            data = asdict(rep)
            data.pop("name")
            services[name] = data
        return {
            "model": self.model,
            "order": self.order,
            "business_services": services,
            "concentration": [asdict(r) for r in self.concentration],
            "findings": [asdict(f) for f in self.findings],
            "cycles": self.cycles,
            "region_loss": [asdict(r) for r in self.region_loss],
            "answers": [asdict(a) for a in self.answers],
            "stats": self.stats,
            "targets": self.kinds,
        }


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


def group_targets(targets: list[str], kinds: dict[str, str]) -> dict[str, list[str]]:
    """Return targets grouped for reading; a service's planes fold into ``service [planes]``."""
    groups: dict[str, list[str]] = {g: [] for g in GROUPS}
    planes: dict[str, list[str]] = {}
    for t in targets:
        kind = kinds.get(t, "component")
        if kind == "plane":
            service, _, plane = t.rpartition("/")
            planes.setdefault(service, []).append(plane)
        elif kind == "service":
            planes.setdefault(t, [])
        else:
            groups[_GROUP_OF[kind]].append(t)
    for service in sorted(planes):
        inner = sorted(planes[service])
        groups["managed services"].append(service + (f" [{', '.join(inner)}]" if inner else ""))
    return {g: sorted(v) if g != "managed services" else v for g, v in groups.items() if v}


def fold_planes(cut_sets: list[list[str]], kinds: dict[str, str]) -> list[list[str]]:
    """Return the cut sets of two or more targets with planes folded into their service, so
    {a/dynamodb/data, b} and {a/dynamodb/dns, b} read once as {a/dynamodb, b}."""
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for cut in cut_sets:
        if len(cut) < 2:
            continue
        folded = tuple(sorted({t.rsplit("/", 1)[0] if kinds.get(t) == "plane" else t for t in cut}))
        if len(folded) > 1 and folded not in seen:
            seen.add(folded)
            out.append(list(folded))
    return out
