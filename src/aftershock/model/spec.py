"""The model contract: a typed, validated description of one stack (see DESIGN.md)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from aftershock.escaping import has_controls
from aftershock.model.duration import Duration
from aftershock.source import LIMITS

ComponentKind = Literal[
    "service", "datastore", "cache", "queue", "storage", "dns", "cdn", "auth", "job", "external"
]
PlaneName = Literal["data", "control", "dns"]
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_NAME = re.compile(NAME_PATTERN)


class Spec(BaseModel):
    """Base of every model object: unknown fields are errors, objects are immutable, numbers
    are finite."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


def _one_line(value: str) -> str:
    """Refuse control characters (a line break among them) in a name or a one-line field."""
    if has_controls(value):
        bad = next(c for c in value if has_controls(c))
        raise ValueError(
            f"{value[:40]!r} holds a control character (U+{ord(bad):04X}); write it on one "
            "line, in plain text"
        )
    return value


def _text(value: str) -> str:
    """Refuse control characters other than line breaks and tabs in free text."""
    if has_controls(value.replace("\t", " "), newlines_allowed=True):
        bad = next(c for c in value if c not in "\n\t" and has_controls(c))
        raise ValueError(f"the text holds a control character (U+{ord(bad):04X}); remove it")
    return value


Line = Annotated[str, Field(max_length=LIMITS.name_chars), AfterValidator(_one_line)]
"""One line of plain text, as long as a DNS name at most: a model's name, an owner, a vendor."""
Text = Annotated[str, Field(max_length=LIMITS.text_chars), AfterValidator(_text)]
"""Free text (a description): line breaks allowed, other control characters not."""


def _version(value: Any) -> Any:
    """Refuse `aftershock: true` (YAML's true equals 1 in Python, but it is not a version)."""
    if isinstance(value, bool):
        raise ValueError(f"model format {value!r} is not supported; this aftershock reads format 1")
    return value


def _listify(value: Any) -> Any:
    """Accept one item where a list is expected."""
    return [value] if isinstance(value, dict | str) else value


def _dependency(value: Any) -> Any:
    """Accept a bare component name as a hard dependency."""
    return {"on": value} if isinstance(value, str) else value


def _zones(value: Any) -> Any:
    """Accept a zone count or a list of zone ids, with one clear message otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"invalid zones {value!r}; write a count (2) or zone ids ([use1-az1])")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"zones must be at least 1 (not {value})")
        return value
    if isinstance(value, list) and value and all(isinstance(z, str) for z in value):
        if len(set(value)) != len(value):
            raise ValueError(f"zones lists a zone twice: {value}")
        return value
    raise ValueError(
        f"invalid zones {value!r}; write a count (2) or a list of zone ids ([use1-az1, use1-az2])"
    )


class Deploy(Spec):
    """Where a component runs: a region (and zones), or a provider's global service."""

    on: str = Field(description="PROVIDER/REGION, or PROVIDER/global for a global service")
    zones: Annotated[
        int | list[str] | None,
        BeforeValidator(_zones, json_schema_input_type=int | list[str] | None),
    ] = Field(
        default=None,
        description="a count (the region's first zones) or zone ids; omitted: a regional "
        "managed service spans the region's zones, a self-run component's zones are unknown",
    )
    min_healthy: int = Field(default=1, ge=1, description="zones that must be up")


class Failover(Spec):
    """How an active-passive component moves to its next deployment."""

    detect: Duration = Field(default=0.0, description="time to notice the primary is gone")
    switch: Duration = Field(default=0.0, description="time to move traffic")
    dns_ttl: Duration = Field(default=60.0, description="clients keep the old address this long")
    needs_new_capacity: bool = Field(
        default=False, description="the target must launch capacity (needs its control plane)"
    )
    uses: list[str] = Field(
        default_factory=list,
        description="failure targets the failover action itself needs, e.g. "
        "aws/global/route53/control for a DNS record change",
    )


class Fallback(Spec):
    """What a component does while a dependency is down."""

    mode: Literal["degraded"] = "degraded"
    holds: Duration | None = Field(
        default=None, description="how long the fallback lasts; then DOWN (omitted: indefinitely)"
    )


class Dependency(Spec):
    """One dependency of a component on another component."""

    on: str = Field(description="the component depended on")
    soft: bool = Field(default=False, description="down means degraded, not down")
    fallback: Fallback | None = None
    dns_ttl: Duration = Field(default=60.0, description="how long the client keeps an address")
    description: Text | None = None

    @model_validator(mode="after")
    def _soft_or_fallback(self) -> Dependency:
        if self.soft and self.fallback is not None:
            raise ValueError(
                f"the dependency on {self.on!r} is soft and has a fallback; keep one: remove "
                "`soft: true` (a fallback already degrades) or remove `fallback:`"
            )
        return self


class Replication(Spec):
    """How a datastore copies writes to its replicas."""

    mode: Literal["async", "sync"] = "async"
    lag: Duration = Field(default=0.0, description="typical replication lag (async)")


class Component(Spec):
    """One part of the stack: a service, datastore, cache, queue, vendor, ..."""

    kind: ComponentKind
    description: Text | None = None
    owner: Line | None = None
    uses: str | None = Field(
        default=None, description="a catalog service, PROVIDER/SERVICE (aws/dynamodb)"
    )
    planes: list[PlaneName] | None = Field(
        default=None,
        description="planes of the used service it needs (default: data and dns; "
        "add control for a component that launches or reconfigures resources)",
    )
    deploy: Annotated[
        list[Deploy], BeforeValidator(_listify, json_schema_input_type=Deploy | list[Deploy])
    ] = Field(default_factory=list)
    strategy: Literal["active-active", "active-passive"] = "active-active"
    failover: Failover | None = None
    depends_on: list[
        Annotated[Dependency, BeforeValidator(_dependency, json_schema_input_type=str | Dependency)]
    ] = Field(default_factory=list)
    replicas: list[str] = Field(
        default_factory=list, description="PROVIDER/REGION of each replica copy"
    )
    replication: Replication | None = None
    vendor: Line | None = Field(default=None, description="a third party (catalog vendor or own)")
    runs_on: list[str] = Field(
        default_factory=list, description="what is known of a vendor's placement"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Component:
        if self.strategy == "active-passive" and len(self.deploy) < 2:
            raise ValueError(
                "strategy active-passive needs at least two deploy entries (primary, then "
                "standby); add a standby deploy entry or remove `strategy: active-passive`"
            )
        if self.failover is not None and self.strategy != "active-passive":
            raise ValueError(
                "failover applies to strategy: active-passive; set `strategy: active-passive` "
                "or remove `failover:`"
            )
        return self


class BusinessService(Spec):
    """What users of the stack care about, with its tolerances and costs."""

    entry: Annotated[
        list[str], BeforeValidator(_listify, json_schema_input_type=str | list[str])
    ] = Field(min_length=1, description="components the users of this service touch")
    description: Text | None = None
    owner: Line | None = None
    impact_tolerance: Duration | None = Field(default=None, description="max tolerable disruption")
    rto: Duration | None = Field(default=None, description="recovery time objective")
    rpo: Duration | None = Field(default=None, description="recovery point objective")
    cost_per_hour: float = Field(
        default=0.0, ge=0, le=1e12, description="cost of an hour fully down (at most 10^12)"
    )
    degraded_cost: float = Field(
        default=0.0, ge=0, le=1, description="fraction of cost_per_hour while degraded"
    )


class Model(Spec):
    """A whole model document."""

    aftershock: Annotated[Literal[1], BeforeValidator(_version)] = Field(
        description="the model format version"
    )
    name: Line = Field(min_length=1)
    description: Text | None = None
    owner: Line | None = None
    business_services: dict[str, BusinessService] = Field(default_factory=dict)
    components: dict[str, Component] = Field(min_length=1)
