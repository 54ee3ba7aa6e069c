"""The typed shape of the catalog's data files: providers, their regions and services, vendors."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

Scope = Literal["zonal", "regional", "global"]
PlaneName = Literal["data", "control", "dns"]
Placement = Literal["known", "partial", "unknown"]


class CatalogModel(BaseModel):
    """Base of every catalog object: strict, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(CatalogModel):
    """One region of a provider, with its zone ids in the provider's canonical order."""

    name: str
    zones: list[str] = Field(default_factory=list)
    source: HttpUrl
    note: str | None = None


class Plane(CatalogModel):
    """One plane of a managed service.

    ``home`` names the region the plane is served from. For a global service, no ``home`` means
    the plane is globally distributed (it survives the loss of any one region). For a regional
    service, ``home`` means that plane in every region also needs the home region (S3 bucket
    creation is homed in us-east-1).
    """

    home: str | None = None
    source: HttpUrl | None = None
    note: str | None = None


class InternalDependency(CatalogModel):
    """A known dependency of one plane of a service on another catalog target."""

    plane: PlaneName
    on: str = Field(description="service of the same provider, or PROVIDER/SERVICE")
    planes: list[PlaneName] = Field(default_factory=lambda: list[PlaneName](("data", "dns")))
    region: str = Field(
        default="same",
        description="'same' (the dependent's region; a global plane's home), a region id, "
        "or 'global' for the other service's global planes",
    )
    source: HttpUrl
    note: str | None = None
    disputed: str | None = Field(default=None, description="where sources disagree")


class Service(CatalogModel):
    """A managed service of a provider."""

    name: str
    scope: Scope
    planes: dict[PlaneName, Plane]
    source: HttpUrl
    global_endpoint: Plane | None = Field(
        default=None,
        description="a regional service that also has a global endpoint served from one region",
    )
    depends_on: list[InternalDependency] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list, description="component kinds it usually backs")
    note: str | None = None

    @field_validator("planes")
    @classmethod
    def _has_data_plane(cls, planes: dict[PlaneName, Plane]) -> dict[PlaneName, Plane]:
        if "data" not in planes:
            raise ValueError("every service needs a data plane")
        return planes


class Provider(CatalogModel):
    """One provider file: regions with zones and managed services."""

    provider: str
    name: str
    source: HttpUrl
    regions: dict[str, Region] = Field(default_factory=dict)
    services: dict[str, Service] = Field(default_factory=dict)
    compute: str | None = Field(
        default=None, description="service that runs self-managed components (aws: ec2)"
    )
    note: str | None = None


class Vendor(CatalogModel):
    """A well-known third party and what is publicly known of where it runs."""

    name: str
    category: str
    placement: Placement
    runs_on: list[str] = Field(
        default_factory=list, description="providers or PROVIDER/REGION paths"
    )
    sources: list[HttpUrl] = Field(default_factory=list)
    note: str | None = None
    disputed: str | None = None


class VendorFile(CatalogModel):
    """The vendors file."""

    vendors: dict[str, Vendor]
