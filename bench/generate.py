"""Deterministic synthetic models for the benchmarks: a portfolio of apps on AWS.

``generate(n, seed)`` returns the YAML text of a model with exactly ``n`` components, shaped
like a large company: a few shared platform components (DNS on Route 53, auth on STS, a CDN, a
config table, vendors), then apps of about 20 to 60 components each, with their own business
service whose entry points are the app's frontends. Inside an app, services call each other as a
layered DAG (depth 3 to 5), with soft dependencies, fallbacks and the odd cycle; a few services
call the bottom layer of another app, so dependency depth stays bounded (about 8 components)
however large the model. Apps run in one region, active-active in two, or active-passive with
a failover. The same ``n`` and ``seed`` always give the same text.

CLI: ``python bench/generate.py 10000 [--seed 0] > model.yaml``.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field

Value = str | int | float | bool | list["Value"] | dict[str, "Value"]
Doc = dict[str, Value]

# (region, weight): us-east-1 carries the most, as it does in practice.
REGIONS: tuple[tuple[str, float], ...] = (
    ("us-east-1", 0.38),
    ("us-west-2", 0.16),
    ("eu-west-1", 0.14),
    ("us-east-2", 0.08),
    ("eu-central-1", 0.10),
    ("ap-northeast-1", 0.08),
    ("ap-southeast-2", 0.06),
)
PAIR = {
    "us-east-1": "us-west-2",
    "us-west-2": "us-east-1",
    "us-east-2": "us-west-2",
    "eu-west-1": "eu-central-1",
    "eu-central-1": "eu-west-1",
    "ap-northeast-1": "ap-southeast-2",
    "ap-southeast-2": "ap-northeast-1",
}
CONFIG_REPLICAS = ("us-west-2", "eu-west-1")
APP_VENDORS = ("stripe", "okta", "datadog", "twilio", "sendgrid")
TOLERANCES = ("2h", "4h", "8h", "24h")
RPOS = ("1m", "5m", "15m", "1h")
MIN_APP = 6
"""Fewest components an app can be built from (frontend, services, datastores)."""


def platform() -> dict[str, Doc]:
    """Return the shared platform components every app may use."""
    comps: dict[str, Doc] = {
        "platform-dns": {"kind": "dns", "uses": "aws/route53", "deploy": {"on": "aws/global"}},
        "platform-auth": {"kind": "auth", "uses": "aws/sts", "deploy": {"on": "aws/global"}},
        "platform-cdn": {
            "kind": "cdn",
            "uses": "aws/cloudfront",
            "deploy": {"on": "aws/global"},
            "depends_on": ["platform-dns"],
        },
        "platform-config": {
            "kind": "datastore",
            "uses": "aws/dynamodb",
            "deploy": {"on": "aws/us-east-1"},
            "replicas": [f"aws/{r}" for r in CONFIG_REPLICAS],
            "replication": {"mode": "async", "lag": "2s"},
        },
        "platform-payments": {"kind": "external", "vendor": "stripe"},
        "platform-login": {"kind": "external", "vendor": "okta"},
        "platform-telemetry": {"kind": "external", "vendor": "datadog"},
    }
    for region, _ in REGIONS:
        comps[f"platform-auth-{region}"] = {
            "kind": "auth",
            "uses": "aws/sts",
            "deploy": {"on": f"aws/{region}"},
        }
    return comps


@dataclass
class App:
    """One app while it is being built: its components by layer and its placement."""

    name: str
    home: str
    second: str | None
    topology: str  # single | active-active | active-passive
    auth: str = "platform-auth"  # global STS (homed in us-east-1) or the home region's STS
    layers: list[list[str]] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    vendor: str | None = None
    comps: dict[str, Doc] = field(default_factory=dict)

    @property
    def frontends(self) -> list[str]:
        """Return the app's entry components."""
        return self.layers[0]

    @property
    def leaves(self) -> list[str]:
        """Return the bottom service layer: it calls only datastores and the platform."""
        return self.layers[-1]


class _Portfolio:
    """Builds apps one after another with one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.apps: list[App] = []

    def region(self) -> str:
        """Return an app's home region, us-east-1 the most likely."""
        names = [r for r, _ in REGIONS]
        weights = [w for _, w in REGIONS]
        return self.rng.choices(names, weights)[0]

    def app(self, index: int, size: int) -> App:
        """Return app number ``index`` with ``size`` components: frontends, services, stores."""
        rng = self.rng
        home = self.region()
        roll = rng.random()
        topology = "single" if roll < 0.55 else "active-active" if roll < 0.8 else "active-passive"
        app = App(f"app{index:04d}", home, None if topology == "single" else PAIR[home], topology)
        if rng.random() < 0.5:  # newer SDKs call the regional STS endpoint
            app.auth = f"platform-auth-{home}"
        n_front = 1 + (size >= 30 and rng.random() < 0.6) + (size >= 50 and rng.random() < 0.5)
        n_vendor = 1 if size >= 20 and rng.random() < 0.15 else 0
        n_store = max(1, round(size * rng.uniform(0.15, 0.25)))
        n_service = size - n_front - n_vendor - n_store
        depth = min(n_service, rng.randint(3, 5))
        app.layers = [[f"{app.name}-fe{i + 1:02d}" for i in range(n_front)]]
        layer_of = list(range(depth)) + [rng.randrange(depth) for _ in range(n_service - depth)]
        layer_of.sort()
        app.layers += [[] for _ in range(depth)]
        for i, layer in enumerate(layer_of):
            app.layers[layer + 1].append(f"{app.name}-svc{i + 1:02d}")
        app.stores = [self.store(app, f"{app.name}-db{i + 1:02d}") for i in range(n_store)]
        if n_vendor:
            app.vendor = f"{app.name}-ext01"
            app.comps[app.vendor] = {"kind": "external", "vendor": rng.choice(APP_VENDORS)}
        self.services(app)
        self.apps.append(app)
        return app

    # -- placement -------------------------------------------------------------------------
    def deploy(self, app: App) -> Doc:
        """Return the deploy fields of one of the app's services."""
        rng = self.rng
        out: Doc = {}
        regions = [app.home] if app.second is None else [app.home, app.second]
        entries: list[Value] = []
        for region in regions:
            if rng.random() < 0.05:
                entries.append({"on": f"aws/{region}"})  # zones unknown: the check says so
                continue
            zones = rng.choice((2, 3, 3))
            entry: Doc = {"on": f"aws/{region}", "zones": zones}
            if zones == 3 and rng.random() < 0.3:
                entry["min_healthy"] = 2
            entries.append(entry)
        out["deploy"] = entries[0] if len(entries) == 1 else entries
        if app.topology == "active-passive":
            out["strategy"] = "active-passive"
            failover: Doc = {
                "detect": rng.choice(("1m", "3m", "5m")),
                "switch": rng.choice(("2m", "5m", "10m")),
                "dns_ttl": "60s",
                "needs_new_capacity": rng.random() < 0.4,
            }
            if rng.random() < 0.5:
                failover["uses"] = ["aws/global/route53/control"]
            out["failover"] = failover
        return out

    def store(self, app: App, name: str) -> str:
        """Add one datastore of a catalog service to ``app``; return its name."""
        rng = self.rng
        home = f"aws/{app.home}"
        other = f"aws/{app.second}" if app.second else None
        lag: Doc = {"mode": "async", "lag": rng.choice(("1s", "2s", "5s"))}
        what = rng.choices(
            ("dynamodb", "aurora", "rds", "elasticache", "s3", "sqs"), (30, 20, 10, 15, 15, 10)
        )[0]
        comp: Doc
        if what == "dynamodb":
            comp = {"kind": "datastore", "uses": "aws/dynamodb", "deploy": {"on": home}}
            if other:
                comp |= {"replicas": [other], "replication": lag}
        elif what in ("aurora", "rds"):
            zones = 2 if what == "rds" else rng.choice((2, 3))
            comp = {
                "kind": "datastore",
                "uses": f"aws/{what}",
                "deploy": {"on": home, "zones": zones},
            }
            if other and what == "aurora":
                comp |= {"replicas": [other], "replication": lag}
        elif what == "elasticache":
            comp = {"kind": "cache", "uses": "aws/elasticache"}
            if app.topology == "active-active" and other:
                comp["deploy"] = [{"on": home, "zones": 2}, {"on": other, "zones": 2}]
            else:
                comp["deploy"] = {"on": home, "zones": 2}
        elif what == "s3":
            comp = {"kind": "storage", "uses": "aws/s3", "deploy": {"on": home}}
            if other and rng.random() < 0.5:
                comp |= {"replicas": [other], "replication": {"mode": "async", "lag": "15m"}}
        else:
            comp = {"kind": "queue", "uses": "aws/sqs", "deploy": {"on": home}}
        app.comps[name] = comp
        return name

    # -- calls -----------------------------------------------------------------------------
    def services(self, app: App) -> None:
        """Add the frontends and services of ``app`` with their dependencies."""
        rng = self.rng
        last = len(app.layers) - 1
        deps: dict[str, dict[str, Value]] = {}
        for depth, layer in enumerate(app.layers):
            below = [s for lower in app.layers[depth + 1 : depth + 3] for s in lower]
            for name in layer:
                d: dict[str, Value] = {}
                deps[name] = d
                if depth == 0:
                    self.frontend(app, d)
                for callee in rng.sample(below, min(len(below), rng.randint(1, 3))):
                    d[callee] = self.edge(callee)
                for store in rng.sample(app.stores, min(len(app.stores), rng.randint(0, 2))):
                    d[store] = store
                if 0 < depth < last and self.apps and rng.random() < 0.05:
                    callee = rng.choice(rng.choice(self.apps).leaves)
                    d[callee] = self.edge(callee)
                self.platform_calls(app, depth, d)
        called = {c for d in deps.values() for c in d}
        for depth in range(1, last + 1):  # every service has a caller one layer up
            for name in app.layers[depth]:
                if name not in called:
                    deps[rng.choice(app.layers[depth - 1])][name] = self.edge(name)
        for store in app.stores:  # every datastore is used by the bottom layer at least
            if store not in called:
                deps[rng.choice(app.leaves)][store] = store
        self.cycle(app, deps)
        for depth, layer in enumerate(app.layers):
            for name in layer:
                comp: Doc = {"kind": "service"}
                roll = rng.random()
                if depth > 0 and roll < 0.15:
                    comp = {"kind": "job" if roll < 0.05 else "service", "uses": "aws/lambda"}
                elif depth > 0 and roll < 0.35:
                    comp["uses"] = rng.choice(("aws/ecs", "aws/eks"))
                comp["owner"] = f"team-{app.name}"
                comp |= self.deploy(app)
                if comp.get("uses") == "aws/lambda":  # serverless: regional, no zones to pick
                    comp["deploy"] = _strip_zones(comp["deploy"])
                comp["depends_on"] = list(deps[name].values())
                app.comps[name] = comp

    def frontend(self, app: App, d: dict[str, Value]) -> None:
        """Add what a frontend needs besides services: DNS, CDN, sign-in, config, payments."""
        rng = self.rng
        d["platform-dns"] = "platform-dns"
        if rng.random() < 0.5:
            d["platform-cdn"] = "platform-cdn"
        if rng.random() < 0.6:
            d["platform-login"] = {
                "on": "platform-login",
                "fallback": {"mode": "degraded", "holds": "1h"},
            }
        if rng.random() < 0.3:
            d["platform-config"] = {"on": "platform-config", "fallback": {"mode": "degraded"}}
        if app.vendor:
            d[app.vendor] = app.vendor
        elif rng.random() < 0.1:
            d["platform-payments"] = "platform-payments"

    def platform_calls(self, app: App, depth: int, d: dict[str, Value]) -> None:
        """Add calls to shared auth (global or regional STS), telemetry and payments."""
        rng = self.rng
        if rng.random() < 0.5:
            d[app.auth] = app.auth
        if rng.random() < 0.7:
            d["platform-telemetry"] = {"on": "platform-telemetry", "soft": True}
        if depth > 0 and rng.random() < 0.03:
            d["platform-payments"] = "platform-payments"

    def edge(self, callee: str) -> Value:
        """Return a dependency on ``callee``: mostly hard, some soft, some with a fallback."""
        roll = self.rng.random()
        if roll < 0.8:
            return callee
        if roll < 0.9:
            return {"on": callee, "soft": True}
        if roll < 0.95:
            return {"on": callee, "fallback": {"mode": "degraded", "holds": "30m"}}
        return {"on": callee, "fallback": {"mode": "degraded"}}

    def cycle(self, app: App, deps: dict[str, dict[str, Value]]) -> None:
        """Sometimes add a call back up the layers (services that call each other)."""
        rng = self.rng
        if len(app.layers) < 4 or rng.random() > 0.1:
            return
        j = rng.randrange(2, len(app.layers) - 1)  # never from the bottom layer
        lower = rng.choice(app.layers[j])
        upper = rng.choice(app.layers[j - 1])
        deps[upper].setdefault(lower, lower)
        deps[lower][upper] = upper if rng.random() < 0.5 else {"on": upper, "soft": True}


def _strip_zones(deploy: Value) -> Value:
    """Return deploy entries with only their place (a regional service picks its zones)."""
    if isinstance(deploy, dict):
        return {"on": deploy["on"]}
    assert isinstance(deploy, list)
    return [{"on": d["on"]} for d in deploy if isinstance(d, dict)]


def app_sizes(total: int, rng: random.Random) -> list[int]:
    """Split ``total`` components into apps of about 20 to 60 (the last absorbs the rest)."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = rng.randint(20, 60)
        if left - size < 20:
            size = left
        sizes.append(size)
        left -= size
    return sizes


def business_service(app: App, rng: random.Random) -> Doc:
    """Return the business service of ``app``: its users touch its frontends."""
    tolerance = rng.choice(TOLERANCES)
    rto = {"2h": "1h", "4h": "1h", "8h": "4h", "24h": "8h"}[tolerance]
    return {
        "description": f"Synthetic app {app.name} ({app.topology}, home {app.home}).",
        "owner": f"team-{app.name}",
        "entry": list(app.frontends),
        "impact_tolerance": tolerance,
        "rto": rto,
        "rpo": rng.choice(RPOS),
        "cost_per_hour": rng.randrange(1000, 200_000, 500),
        "degraded_cost": round(rng.uniform(0.1, 0.5), 2),
    }


def generate(n_components: int, seed: int = 0) -> str:
    """Return the YAML text of a synthetic portfolio with exactly ``n_components`` components.

    Raises ValueError when ``n_components`` is too small to hold the platform and one app.
    """
    shared = platform()
    minimum = len(shared) + MIN_APP
    if n_components < minimum:
        raise ValueError(f"n_components must be at least {minimum} (not {n_components})")
    folio = _Portfolio(seed)
    services: dict[str, Doc] = {}
    comps: dict[str, Doc] = dict(shared)
    for i, size in enumerate(app_sizes(n_components - len(shared), folio.rng)):
        app = folio.app(i, size)
        services[app.name] = business_service(app, folio.rng)
        comps |= app.comps
    assert len(comps) == n_components
    return emit(f"synthetic-{n_components}-s{seed}", services, comps)


def _flow(value: Value) -> str:
    """Return ``value`` in YAML flow style (names and durations need no quotes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value)


def _block(out: list[str], indent: str, doc: Doc) -> None:
    """Append the fields of ``doc`` as block-style lines; lists of mappings one per line."""
    for key, value in doc.items():
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            out.append(f"{indent}{key}:")
            out.extend(f"{indent}  - {_flow(v)}" for v in value)
        elif isinstance(value, list) and not value:
            continue
        elif isinstance(value, str) and " " in value:
            out.append(f'{indent}{key}: "{value}"')
        else:
            out.append(f"{indent}{key}: {_flow(value)}")


def emit(name: str, services: dict[str, Doc], comps: dict[str, Doc]) -> str:
    """Return the model document as YAML text in the style of the shipped example."""
    out = [
        f"# Synthetic portfolio generated by bench/generate.py: {len(comps)} components.",
        "aftershock: 1",
        f"name: {name}",
        "description: A synthetic portfolio of apps on AWS, for benchmarks.",
        "",
        "business_services:",
    ]
    for sname, spec in services.items():
        out.append(f"  {sname}:")
        _block(out, "    ", spec)
    out += ["", "components:"]
    for cname, comp in comps.items():
        out.append(f"  {cname}:")
        _block(out, "    ", comp)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write a generated model to stdout; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_components", type=int, help="exact number of components")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    try:
        text = generate(args.n_components, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
