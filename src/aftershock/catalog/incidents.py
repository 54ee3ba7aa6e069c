"""The incident library: real outages as timed failures of catalog targets, each with sources."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import AwareDatetime, Field, HttpUrl, ValidationError, model_validator

from aftershock.catalog.spec import CatalogModel
from aftershock.errors import CatalogError

INCIDENTS = Path(__file__).parent / "data" / "incidents"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class IncidentEvent(CatalogModel):
    """One failure target that was down (or impaired) over a window, as the record states it."""

    target: str = Field(description="a catalog failure target, e.g. aws/us-east-1/dynamodb/dns")
    start: AwareDatetime = Field(description="UTC, ISO 8601 with Z")
    end: AwareDatetime
    effect: str = Field(default="down", pattern="^(down|degraded)$")
    note: str
    source: HttpUrl
    disputed: str | None = Field(default=None, description="where sources disagree")

    @model_validator(mode="after")
    def _ordered(self) -> IncidentEvent:
        if self.end <= self.start:
            raise ValueError(f"{self.target}: end {self.end} is not after start {self.start}")
        return self


class Incident(CatalogModel):
    """One incident of the library."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    summary: str
    start: AwareDatetime
    end: AwareDatetime
    sources: list[HttpUrl] = Field(min_length=1)
    events: list[IncidentEvent] = Field(min_length=1)
    lessons: list[str] = Field(default_factory=list)
    disputed: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _inside(self) -> Incident:
        for event in self.events:
            if event.start < self.start or event.end > self.end:
                raise ValueError(
                    f"event {event.target} ({event.start}..{event.end}) lies outside the "
                    f"incident window {self.start}..{self.end}"
                )
        return self

    @property
    def duration_s(self) -> float:
        """Return the incident's length in seconds."""
        return (self.end - self.start).total_seconds()


@functools.cache
def load_incidents(directory: Path | None = None) -> dict[str, Incident]:
    """Return the incident library by id, in order of start time.

    Raises CatalogError when a file is invalid or an id does not match its file name.
    """
    found: list[Incident] = []
    for path in sorted((directory or INCIDENTS).glob("*.yaml")):
        try:
            with path.open(encoding="utf-8") as handle:
                incident = Incident.model_validate(yaml.load(handle, Loader=_Loader))
        except (ValidationError, yaml.YAMLError) as exc:
            raise CatalogError(f"incident file {path.name} is invalid: {exc}") from exc
        if incident.id != path.stem:
            raise CatalogError(f"incident file {path.name} holds id {incident.id!r}")
        found.append(incident)
    return {i.id: i for i in sorted(found, key=lambda i: (i.start, i.id))}
