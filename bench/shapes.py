"""Valid but pathological models: the shapes that make naive dependency analysis quadratic.

``shape(name, n)`` returns the YAML text of a model of about ``n`` components in one shape:

- ``ring``: ``n`` business services, each entering its own component, and each component
  depending on the next one's, closing a ring: every business service depends on every
  component, so each has the same ``n`` single points of failure;
- ``cycle``: one dependency cycle of ``n`` components, entered by four business services;
- ``chain``: ``c0000`` depends on ``c0001`` depends on ... ``n`` deep, entered at the top by
  one business service and half way down by a second;
- ``fanout``: a ``hub`` depending on ``n / 2`` leaves, ``n / 2`` front components depending on
  the hub (and a shared ``core`` datastore), and a business service per front component:
  one component depending on thousands, thousands depending on one, many business services
  over a shared core.

Every shape mixes what real models have so that the results are not trivially uniform:
components alternate between one region (two zones), active-active in two regions, and three
zones needing two healthy; one component of the shape is the global STS endpoint (a hidden
dependency on us-east-1, reached through the whole shape); some edges are soft or fall back.
The same ``name`` and ``n`` always give the same text.

CLI: ``python bench/shapes.py chain 10000 > chain.yaml``.
"""

from __future__ import annotations

import argparse
import sys

from generate import Doc, Value, emit

SHAPES = ("ring", "cycle", "chain", "fanout")
MINIMUM = 8


def _deploy(i: int) -> Doc:
    """Return the placement of the ``i``-th component of a shape (three patterns in turn)."""
    if i % 3 == 0:
        return {"deploy": {"on": "aws/us-east-1", "zones": 2}}
    if i % 3 == 1:
        return {
            "deploy": [{"on": "aws/us-east-1", "zones": 2}, {"on": "aws/us-west-2", "zones": 2}]
        }
    return {"deploy": {"on": "aws/us-west-2", "zones": 3, "min_healthy": 2}}


def _service(i: int, after: list[Value]) -> Doc:
    """Return component ``i``: a self-run service, or (i = 0) the global STS endpoint."""
    if i == 0:
        comp: Doc = {"kind": "auth", "uses": "aws/sts", "deploy": {"on": "aws/global"}}
    else:
        comp = {"kind": "service", **_deploy(i)}
    if after:
        comp["depends_on"] = after
    return comp


def _after(i: int, callee: str | None) -> list[Value]:
    """Return the dependencies of component ``i``: ``callee`` (hard: the worst case), and for a
    few components a soft one on the shared cache or a fallback on the shared queue."""
    out: list[Value] = [callee] if callee is not None else []
    if i % 10 == 3:
        out.append({"on": "shared-cache", "soft": True})
    if i % 89 == 7:
        out.append({"on": "shared-queue", "fallback": {"mode": "degraded", "holds": "30m"}})
    return out


def _business(entry: list[str], cost: int) -> Doc:
    return {"entry": list(entry), "rto": "1h", "rpo": "5m", "cost_per_hour": cost}


def _shared() -> dict[str, Doc]:
    """Return the cache and queue that some components of every shape use softly."""
    return {
        "shared-cache": {
            "kind": "cache",
            "uses": "aws/elasticache",
            "deploy": {"on": "aws/eu-west-1", "zones": 2},
        },
        "shared-queue": {"kind": "queue", "uses": "aws/sqs", "deploy": {"on": "aws/us-east-1"}},
    }


def ring(n: int) -> tuple[dict[str, Doc], dict[str, Doc]]:
    """Return ``n`` business services over a ring of ``n`` components."""
    names = [f"ring{i:05d}" for i in range(n)]
    comps = _shared()
    services: dict[str, Doc] = {}
    for i, name in enumerate(names):
        comps[name] = _service(i, _after(i, names[(i + 1) % n]))
        services[f"svc{i:05d}"] = _business([name], 1000 + 10 * (i % 7))
    return services, comps


def cycle(n: int) -> tuple[dict[str, Doc], dict[str, Doc]]:
    """Return one cycle of ``n`` components entered by four business services."""
    names = [f"cyc{i:05d}" for i in range(n)]
    comps = _shared()
    for i, name in enumerate(names):
        comps[name] = _service(i, _after(i, names[(i + 1) % n]))
    services = {f"entry{j}": _business([names[j * n // 4]], 5000 * (j + 1)) for j in range(4)}
    return services, comps


def chain(n: int) -> tuple[dict[str, Doc], dict[str, Doc]]:
    """Return a chain of ``n`` components, the last one the global STS endpoint."""
    names = [f"c{i:05d}" for i in range(n)]
    comps = _shared()
    for i, name in enumerate(names):
        # the bottom of the chain is STS: a hidden dependency reached through all of it
        comps[name] = _service(n - 1 - i, _after(i, names[i + 1] if i + 1 < n else None))
    services = {"top": _business([names[0]], 20000), "middle": _business([names[n // 2]], 3000)}
    return services, comps


def fanout(n: int) -> tuple[dict[str, Doc], dict[str, Doc]]:
    """Return a hub over ``n / 2`` leaves, ``n / 2`` fronts over the hub and a shared core."""
    half = n // 2
    leaves = [f"leaf{i:05d}" for i in range(half - 2)]
    fronts = [f"front{i:05d}" for i in range(n - half)]
    comps = _shared()
    comps["core"] = {
        "kind": "datastore",
        "uses": "aws/dynamodb",
        "deploy": {"on": "aws/us-east-1"},
        "replicas": ["aws/us-west-2"],
        "replication": {"mode": "async", "lag": "2s"},
    }
    comps["hub"] = {"kind": "service", **_deploy(1), "depends_on": [*leaves, "core"]}
    for i, name in enumerate(leaves):
        comps[name] = _service(i, _after(i, None))
    services: dict[str, Doc] = {}
    for i, name in enumerate(fronts):
        comps[name] = {"kind": "service", **_deploy(i), "depends_on": ["hub", "core"]}
        services[f"svc{i:05d}"] = _business([name], 100 + i % 50)
    return services, comps


def shape(name: str, n: int) -> str:
    """Return the YAML text of shape ``name`` with about ``n`` components.

    Raises ValueError for an unknown shape or an ``n`` below 8.
    """
    builders = {"ring": ring, "cycle": cycle, "chain": chain, "fanout": fanout}
    if name not in builders:
        raise ValueError(f"unknown shape {name!r}, expected one of {', '.join(SHAPES)}")
    if n < MINIMUM:
        raise ValueError(f"n must be at least {MINIMUM} (not {n})")
    services, comps = builders[name](n)
    return emit(f"{name}-{n}", services, comps)


def main(argv: list[str] | None = None) -> int:
    """Write a shape to stdout; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shape", choices=SHAPES)
    parser.add_argument("n", type=int, help="number of components (about)")
    args = parser.parse_args(argv)
    try:
        text = shape(args.shape, args.n)
    except ValueError as exc:
        parser.error(str(exc))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
