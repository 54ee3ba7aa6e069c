"""The compiled graph: nodes, their gates and input edges, as integer ids and numpy arrays.

Every node is a k-of-n gate over its inputs. With states ordered UP < DEGRADED < DOWN, a node's
state is the k-th best of its (transformed) input states: ALL is n-of-n (any input down takes it
down), ANY is 1-of-n (one input up keeps it up). A failure target is a node that can also be
failed directly. Edges carry a kind: HARD passes the state through, SOFT turns DOWN into
DEGRADED, FALLBACK is DEGRADED for ``delay`` seconds then DOWN (statically: DOWN, unless the
fallback holds indefinitely, when it acts as SOFT).

Two edge flags matter only in time (sim/): a *client* edge is one component calling another (or
users calling an entry component) by name, and keeps a resolved address for ``ttl`` seconds; a
*resolution* edge brings a DNS plane into a component's placement, so its failure breaks name
look-ups of the component, not the component itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from aftershock.model.spec import Failover, Model


class State(IntEnum):
    """A component's state; larger is worse."""

    UP = 0
    DEGRADED = 1
    DOWN = 2


class NodeKind(IntEnum):
    """What a node stands for."""

    PROVIDER = 0
    REGION = 1
    ZONE = 2
    SERVICE = 3
    PLANE = 4
    COMPONENT = 5
    VENDOR = 6
    GATE = 7
    BUSINESS = 8

    @property
    def is_target(self) -> bool:
        """Whether nodes of this kind can be failed on their own."""
        return self not in (NodeKind.GATE, NodeKind.BUSINESS)


class Evidence(IntEnum):
    """What an edge rests on: the model's own text, or a catalog fact of some class."""

    MODEL = 0
    """Written in the model (a dependency, a deployment, a vendor's ``runs_on``)."""
    DESIGN = 1
    """Documented architecture (a whitepaper, the service's documentation)."""
    OBSERVED = 2
    """Seen in named incidents; see ``Graph.edge_incidents``."""
    ASSUMED = 3
    """Neither documented nor observed in a library incident."""

    @property
    def label(self) -> str:
        """Return the class as the catalog spells it (``model`` for the model's own edges)."""
        return self.name.lower()


class EdgeKind(IntEnum):
    """How an input's state reaches the node."""

    HARD = 0
    SOFT = 1
    FALLBACK = 2


IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Couplings:
    """Which catalog couplings become edges, beyond those documented by design.

    ``observed`` is ``"include"`` (every coupling seen in an incident, shown as its own class),
    ``"exclude"`` (none), or an incident id: only those seen in that incident (a replay of it).
    ``assumed`` says whether couplings without a source statement are included.
    """

    observed: str = "include"
    assumed: bool = True

    @classmethod
    def replaying(cls, incident: str) -> Couplings:
        """Return the couplings of a replay: by design, and those seen in ``incident`` itself.

        The record speaks for what it names; a coupling seen in another incident, or assumed,
        is no evidence about this one.
        """
        return cls(observed=incident, assumed=False)

    def describe(self) -> str:
        """Return which couplings are included, in words."""
        if self.observed == "include":
            observed = "couplings observed in incidents"
        elif self.observed == "exclude":
            observed = "no observed couplings"
        else:
            observed = f"couplings observed in {self.observed} only"
        assumed = "assumed couplings" if self.assumed else "no assumed couplings"
        return f"documented (by design) couplings, {observed}, {assumed}"

    def admits(self, evidence: Evidence, incidents: tuple[str, ...]) -> bool:
        """Return whether a catalog coupling of this evidence becomes an edge."""
        if evidence is Evidence.OBSERVED:
            if self.observed == "include":
                return True
            return self.observed != "exclude" and self.observed in incidents
        if evidence is Evidence.ASSUMED:
            return self.assumed
        return True


@dataclass(frozen=True)
class Placement:
    """Where a component with more than one copy is served from, for the simulation.

    ``sites[i]`` is the node that is up while deploy entry ``i`` serves (before any failover
    requirement), ``needs[i]`` what moving traffic to it requires (``failover.uses`` and, with
    ``needs_new_capacity``, its region's compute control plane), ``replicas`` the sites of
    replica copies. ``lag`` is the write loss when the primary copy is lost (async replication);
    None when replication is synchronous.
    """

    component: int
    node: int
    sites: tuple[int, ...]
    places: tuple[str, ...]
    needs: tuple[tuple[int, ...], ...]
    replicas: tuple[int, ...]
    replica_places: tuple[str, ...]
    failover: Failover | None
    """The failover settings of an active-passive component; None when active-active."""
    lag: float | None
    moves: tuple[int, ...] = ()
    """Per deploy entry, the node that is up while traffic can move there (the site and its
    requirements); ``moves[0]`` is the primary's site."""
    loops: tuple[tuple[str, ...], ...] = ()
    """Per deploy entry, empty, or the chain from a requirement back to this component: a
    requirement that is DOWN whenever the component is, so the failover never completes."""


@dataclass(frozen=True, eq=False)
class Graph:
    """A model compiled once into arrays; every analysis runs on it. Immutable.

    Node ``i`` has inputs ``inputs[indptr[i]:indptr[i+1]]`` (what it depends on), with the
    edge's kind, delay (a fallback's holds, seconds), client TTL (seconds), the client and
    resolution flags (see the module docstring) and whether the model text never says it
    (``hidden``: a catalog-internal dependency, a global plane's home, a vendor's placement
    taken from the catalog). It is up while at least ``k[i]`` inputs are up.
    """

    model: Model
    names: tuple[str, ...]
    kind: npt.NDArray[np.int8]
    k: IntArray
    indptr: IntArray
    inputs: IntArray
    edge_kind: npt.NDArray[np.int8]
    edge_delay: npt.NDArray[np.float64]
    edge_hidden: npt.NDArray[np.bool_]
    edge_ttl: npt.NDArray[np.float64]
    edge_client: npt.NDArray[np.bool_]
    edge_resolution: npt.NDArray[np.bool_]
    edge_evidence: npt.NDArray[np.int8]
    """An ``Evidence`` per edge."""
    out_indptr: IntArray
    outputs: IntArray
    out_edges: IntArray
    """Reverse index: node ``i`` feeds ``outputs[out_indptr[i]:out_indptr[i+1]]`` through the
    forward edges ``out_edges[...]`` (positions in ``inputs``)."""
    index: dict[str, int]
    """Name -> node id for failure targets, components and business services (``bs:NAME``)."""
    business: tuple[str, ...]
    """Business service names; node of service ``s`` is ``index['bs:' + s]``."""
    placements: tuple[Placement, ...] = ()
    """Components served from more than one copy (failover and replica bookkeeping)."""
    edge_incidents: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Observed edges (by position in ``inputs``) -> the incidents they were seen in."""
    couplings: Couplings = field(default_factory=lambda: Couplings())
    """Which catalog couplings the graph was compiled with."""

    @property
    def size(self) -> int:
        """Number of nodes."""
        return len(self.names)

    def node_kind(self, node: int) -> NodeKind:
        """Return the kind of ``node``."""
        return NodeKind(int(self.kind[node]))

    def business_node(self, service: str) -> int:
        """Return the node id of business service ``service``."""
        return self.index["bs:" + service]

    def input_ids(self, node: int) -> list[int]:
        """Return the ids of the nodes ``node`` depends on."""
        return [int(i) for i in self.inputs[self.indptr[node] : self.indptr[node + 1]]]

    def targets(self) -> list[int]:
        """Return the ids of every failure target in the graph."""
        return np.flatnonzero(self.kind < NodeKind.GATE).tolist()


def freeze(*arrays: npt.NDArray[np.generic]) -> None:
    """Make arrays read-only, so a Graph stays immutable."""
    for array in arrays:
        array.flags.writeable = False
