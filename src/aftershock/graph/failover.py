"""What a failover needs: the one definition that compile, check, simulate and the oracles share.

An active-passive component moves traffic to deploy entry ``i`` only while entry ``i`` serves
and everything the move needs is up: the targets in ``failover.uses``, and, with
``needs_new_capacity``, entry ``i``'s region's compute control plane (new launches).

A failover is needed exactly while the component is DOWN. So a requirement that, through hard
dependencies, is DOWN whenever the component is DOWN can never be met: the failover never
completes, the component stays DOWN, and the check reports the loop. (Judged with the
component up instead, the least fixpoint would let the component's own restored service hold
up the failover that restores it: a circular argument time never accepts.) The judgement is
made once, on the model with every failover possible, with the component alone DOWN: the
requirement is DOWN in that least fixpoint (hard edges and fallbacks that run out pass DOWN;
soft edges do not; a k-of-n gate falls when more than n - k inputs do).

What this does not catch: two failovers that each need the other component (mutual
requirements) complete while either primary serves, and both wait forever once both primaries
are lost; the static view cannot see that, so the check reports such pairs as a finding.
"""

from __future__ import annotations

from collections import deque

from aftershock.catalog.load import Catalog
from aftershock.model.spec import Component, Failover

Edge = tuple[int, int, float, bool, float, int]
"""An input edge as the compiler keeps it: (source, kind, delay, hidden, ttl, evidence)."""

_HARD, _FALLBACK = 0, 2


def failover_settings(comp: Component) -> Failover | None:
    """Return the failover settings of an active-passive component (defaults when omitted)."""
    if comp.strategy != "active-passive":
        return None
    return comp.failover or Failover()


def failover_requirements(comp: Component, catalog: Catalog) -> tuple[tuple[str, ...], ...]:
    """Return, per deploy entry, the failure targets moving traffic to it needs.

    Empty tuples for an active-active component. The primary's entry (0) has requirements too:
    they apply when traffic moves back to it.
    """
    failover = failover_settings(comp)
    if failover is None:
        return tuple(() for _ in comp.deploy)
    out: list[tuple[str, ...]] = []
    for deploy in comp.deploy:
        needs = list(failover.uses)
        provider, _, region = deploy.on.partition("/")
        compute = catalog.providers[provider].compute
        if failover.needs_new_capacity and compute is not None and region != "global":
            needs.append(f"{provider}/{region}/{compute}/control")
        out.append(tuple(needs))
    return tuple(out)


def all_requirements(comp: Component, catalog: Catalog) -> list[str]:
    """Return every failure target some failover of ``comp`` needs, once each, in order."""
    seen: dict[str, None] = {}
    for needs in failover_requirements(comp, catalog)[1:]:
        seen.update(dict.fromkeys(needs))
    return list(seen)


class LoopFinder:
    """Finds requirements that are DOWN whenever their component is, over compiler edge lists."""

    def __init__(self, edges: list[list[Edge]], ks: list[int | None]) -> None:
        self.edges = edges
        self.ks = ks

    def loop(self, root: int, banned: int) -> tuple[int, ...]:
        """Return the chain from ``root`` to ``banned`` if ``root`` is DOWN whenever ``banned``
        is, else an empty tuple."""
        users = self._users(root, banned)
        if banned not in users:
            return ()
        dead = self._dead(users, banned)
        return self._loop(root, banned, dead) if root in dead else ()

    def _users(self, root: int, banned: int) -> dict[int, list[int]]:
        """Return, for each node of ``root``'s cone (down to ``banned``), the cone's nodes that
        take it as an input: the reverse edges, so a failure spreads from ``banned``."""
        users: dict[int, list[int]] = {root: []}
        stack = [root]
        while stack:
            node = stack.pop()
            if node == banned:
                continue
            for edge in self.edges[node]:
                source = edge[0]
                if source not in users:
                    users[source] = []
                    stack.append(source)
                users[source].append(node)
        return users

    def _dead(self, users: dict[int, list[int]], banned: int) -> set[int]:
        """Return the nodes that are DOWN whenever ``banned`` is (a least-fixpoint worklist)."""
        dead = {banned}
        downs: dict[int, int] = {}
        work = [banned]
        while work:
            node = work.pop()
            for user in users[node]:
                if user in dead:
                    continue
                edges = self.edges[user]
                k = self.ks[user]
                slack = 0 if k is None else len(edges) - k
                count = sum(1 for e in edges if e[0] == node and _passes_down(e))
                if not count:
                    continue
                downs[user] = downs.get(user, 0) + count
                if downs[user] > slack:
                    dead.add(user)
                    work.append(user)
        return dead

    def _loop(self, root: int, banned: int, dead: set[int]) -> tuple[int, ...]:
        """Return a shortest chain of dead nodes from ``root`` to ``banned``."""
        parent: dict[int, int] = {root: root}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            if node == banned:
                break
            for e in self.edges[node]:
                source = e[0]
                if source in dead and source not in parent:
                    parent[source] = node
                    queue.append(source)
        path = [banned]
        while path[-1] != root:
            path.append(parent[path[-1]])
        return tuple(reversed(path))


def _passes_down(edge: Edge) -> bool:
    """Whether a DOWN input makes the edge's node count it DOWN (statically)."""
    return edge[1] == _HARD or (edge[1] == _FALLBACK and edge[2] > 0)
