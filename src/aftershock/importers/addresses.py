"""What containers' env values and images say: the hosts a workload calls and what it is.

Shared by the importers that read containers (Kubernetes, compose). ``references`` finds the
hosts a value names (a URL, ``host:port``, a connection string's ``Host=``, a bare name);
``is_dependency`` decides which of them a workload depends on; ``guess_kind`` reads an image
or a name (``postgres`` is a datastore, ``redis`` a cache, ``kafka`` a queue); ``telemetry``
spots tracing and metrics back-ends, on which a dependency is soft. ``withhold`` remembers every
credential an env value holds, so the emitter can refuse to write it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aftershock.catalog.load import load_catalog
from aftershock.errors import ImportInputError, Problem
from aftershock.importers.draft import Draft, clean_name
from aftershock.importers.emit import DEPLOY_HINT
from aftershock.importers.secrets import describe_env, looks_secret, withheld_parts
from aftershock.model.targets import region_error


@dataclass(frozen=True)
class Reference:
    """A host named in a value; ``form`` says how: URL, host:port, connection string, name."""

    host: str
    form: str


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HOST_PORT = re.compile(r"^([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})(?:/\S*)?$")
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_CONN_HOST = re.compile(
    r"(?i)(?:^|[;\s])(?:host|server|hostname|address|data source)\s*=\s*([^;\s]+)"
)
_CONN_PASSWORD = re.compile(r"(?i)(?:^|[;\s])(?:password|pwd)\s*=\s*([^;\s]+)")
_ADDRESS_NAME = re.compile(
    r"(?i)(?:^|_)(?:ADDRS?|ADDRESS(?:ES)?|HOSTS?|HOSTNAME|URLS?|URIS?|SERVICE|SVC|ENDPOINTS?|"
    r"SERVERS?|BROKERS?|DSN)$"
)
_NOT_ADDRESS = re.compile(
    r"(?i)(?:^|_)(?:NAME|TOPIC|TABLE|USER|USERNAME|DATABASE|BUCKET|PATH|FILE|DIR|ID|KEY|VERSION|"
    r"TAG|IMAGE|PREFIX|GROUP|INDEX|MODE|LEVEL)$"
)
_LOCAL = {
    "localhost",
    "localhost.localdomain",
    "ip6-localhost",
    "ip6-loopback",
    "*",
    "host.docker.internal",
    "gateway.docker.internal",
}
_TELEMETRY_VAR = re.compile(
    r"(?i)(?:^|_)(?:OTEL|OTLP|JAEGER|ZIPKIN|TRAC(?:E|ES|ING)|METRICS?|PROMETHEUS|STATSD|DATADOG|DD|"
    r"SENTRY|LOKI|TEMPO|GRAFANA|FLUENTD?|APM|TELEMETRY|OPAMP|TRACELOOP|PYROSCOPE|PROFILER|"
    r"LOGSTASH|SPLUNK|NEWRELIC|HONEYCOMB)(?:_|$)"
)
_TELEMETRY_WORDS = {
    "jaeger", "zipkin", "otel", "otelcol", "opentelemetry", "prometheus", "grafana", "loki",
    "tempo", "fluentd", "fluent", "fluentbit", "statsd", "graphite", "logstash", "kibana",
    "alertmanager", "pyroscope", "opamp", "signoz", "uptrace", "datadog", "telegraf", "vector",
    "jaegertracing", "tracing", "prom",
}  # fmt: skip
KIND_WORDS = {
    "datastore": {
        "postgres", "postgresql", "postgis", "pgvector", "mysql", "mariadb", "mongo", "mongodb",
        "cassandra", "scylla", "scylladb", "cockroach", "cockroachdb", "couchdb", "couchbase",
        "elasticsearch", "opensearch", "neo4j", "influxdb", "clickhouse", "timescaledb", "etcd",
        "zookeeper", "percona", "vitess", "yugabytedb", "tidb", "mssql", "oracle", "arangodb",
        "rethinkdb", "qdrant", "weaviate", "milvus", "db",
    },
    "cache": {
        "redis", "memcached", "memcache", "valkey", "keydb", "dragonfly", "hazelcast",
    },
    "queue": {
        "kafka", "rabbitmq", "nats", "activemq", "artemis", "pulsar", "redpanda", "mosquitto",
        "emqx", "nsqd", "beanstalkd",
    },
    "storage": {"minio", "seaweedfs", "azurite"},
}  # fmt: skip
"""Words in an image or a name that say what a workload is (see ``guess_kind``)."""
_COMPANIONS = {
    "exporter", "operator", "commander", "ui", "admin", "express", "proxy", "client", "cli",
    "manager", "insight", "console", "dashboard", "web", "backup", "init", "migrate", "migration",
    "migrations", "monitor", "connect", "registry", "rest", "bridge", "consumer", "producer",
    "worker", "adapter", "sidecar", "agent", "gui", "tools", "setup", "job", "api", "service",
}  # fmt: skip
"""Words that make an image a tool *for* a datastore (redis-exporter, mongo-express)."""
_TRIVIAL = {"true", "false", "yes", "no", "on", "off", "null", "none", "enabled", "disabled"}
_PUBLIC_TEXT = (
    "aftershock name business_services entry components kind service datastore cache queue "
    "storage job external deploy on zones depends_on soft true Imported by aftershock from "
    "Comments say where each fact came from; check them, fill in the placeholders, then run: "
    "aftershock check THIS-FILE set what an hour down costs and your objectives to get costs "
    "cost_per_hour rto 1h rpo 5m impact_tolerance 4h not in the input: a placeholder for what "
    f"call(s); describe where it runs or remove the dependency {DEPLOY_HINT}"
)
"""Text the emitter writes as it is; a "secret" inside it is a word, not a credential."""


def references(value: str) -> list[Reference]:
    """Return the hosts ``value`` names: URLs, ``host:port`` (several, split on commas or
    spaces), a connection string's ``Host=``/``Server=``, or the whole value as a bare name."""
    text = value.strip()
    if not text:
        return []
    hosts = [_strip_port(h) for h in _CONN_HOST.findall(text)]
    if hosts:
        return [Reference(h.lower(), "connection string") for h in hosts if _is_host(h)]
    pieces = [p for p in re.split(r"[\s,;]+", text) if p]
    found = [_reference(p, alone=len(pieces) == 1) for p in pieces]
    return [r for r in found if r is not None]


def _strip_port(host: str) -> str:
    host = host.removeprefix("tcp:")
    return re.sub(r"[,:]\d+$", "", host)


def _reference(piece: str, *, alone: bool) -> Reference | None:
    if _URL.match(piece):
        try:
            host = urlsplit(piece).hostname
        except ValueError:
            return None
        return Reference(host, "URL") if host and _is_host(host) else None
    bare = piece.rsplit("@", 1)[-1]
    match = _HOST_PORT.match(bare)
    if match and 0 < int(match.group(2)) < 65536:
        host = match.group(1).strip("[]")
        return Reference(host.lower(), "host:port") if _is_host(host) else None
    if alone and bare == piece and _HOSTNAME.match(piece) and _is_host(piece):
        return Reference(piece.lower().rstrip("."), "name")
    return None


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    return host in _LOCAL or bool(_HOSTNAME.match(host) and re.search(r"[A-Za-z]", host))


def is_local(host: str) -> bool:
    """Return whether ``host`` is the workload itself (localhost, 0.0.0.0, a loopback IP)."""
    if host in _LOCAL:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified or ip.is_link_local


def is_dependency(variable: str, ref: Reference, *, known: bool) -> bool:
    """Return whether env ``variable`` naming ``ref`` shows a dependency: a host the input
    defines (``known``) unless the variable names something else (``*_TOPIC``, ``*_NAME``);
    any URL, ``host:port`` or connection string; a bare name under an address-like variable
    (``*_ADDR``, ``*_HOST``, ``*_URL``, ``*_SERVICE``, ``*_ENDPOINT``) or of cluster-DNS shape."""
    if is_local(ref.host):
        return False
    if ref.form != "name":
        return True
    if known:
        return not _NOT_ADDRESS.search(variable)
    cluster = re.search(r"\.(svc|local|internal)(\.|$)", ref.host) is not None
    return cluster or bool(_ADDRESS_NAME.search(variable))


def telemetry_variable(variable: str) -> bool:
    """Return whether env ``variable`` configures tracing, metrics or logging."""
    return bool(_TELEMETRY_VAR.search(variable))


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def _repository(image: str) -> str:
    """Return an image's repository name: ``bitnami/postgresql:16@sha..`` -> ``postgresql``."""
    path = image.split("@", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


def telemetry(image: str | None, name: str | None = None) -> bool:
    """Return whether an image (its path after the registry) or a name is a telemetry
    back-end: jaegertracing/all-in-one, otel/opentelemetry-collector, a service named jaeger."""
    path = (image or "").split("@", 1)[0].rsplit(":", 1)[0] if image else ""
    if "/" in path and "." in path.split("/", 1)[0]:
        path = path.split("/", 1)[1]  # drop the registry host
    return any(w in _TELEMETRY_WORDS for w in [*_words(path), *_words(name or "")])


def guess_kind(images: list[str], name: str | None = None) -> tuple[str, str | None]:
    """Return (kind, why) from the images' repository names, then from ``name``: ``service``
    and None when neither says more. Tools for a datastore (redis-exporter) stay services."""
    candidates = [(f"image {i}", _repository(i)) for i in images if i]
    if name:
        candidates.append((f"name {name}", name))
    for why, text in candidates:
        words = _words(text)
        if any(w in _COMPANIONS for w in words):
            continue
        for kind, known in KIND_WORDS.items():
            if any(w in known for w in words):
                return kind, f"kind {kind} guessed from its {why}"
    return "service", None


def embedded_passwords(value: str) -> list[str]:
    """Return the passwords inside ``value``: ``user:pw@`` in URLs, ``Password=`` pairs."""
    found: list[str] = _CONN_PASSWORD.findall(value)
    for piece in re.split(r"[\s,;]+", value):
        userinfo = piece.split("://", 1)[-1].split("/", 1)[0]
        if "@" in userinfo and ":" in userinfo.split("@", 1)[0]:
            found.append(userinfo.rsplit("@", 1)[0].split(":", 1)[1])
    return [f for f in found if f]


def describe(variable: str, value: str) -> str:
    """Return how a comment may quote env ``variable``: ``describe_env``, and withheld when
    the value carries a password even where ``looks_secret`` does not see one."""
    if embedded_passwords(value):
        return f"{variable} (value withheld: it holds a password)"
    return describe_env(variable, value)


def withhold(draft: Draft, variable: str, value: object, *, always: bool = False) -> None:
    """Remember ``value`` as a secret of ``draft`` when it looks like a credential (or
    ``always``: a Secret object's data), and every password or token inside it (a URL's query
    parameter, a webhook's path: whatever ``redact`` withholds). A bare address flagged
    only for its variable's name (AUTH_HOST=auth) is not one: its host becomes a name."""
    text = "" if value is None else str(value).strip()
    for password in [*embedded_passwords(text), *withheld_parts(text)]:
        draft.secret(password)
    if text.lower() in _TRIVIAL:
        return
    if always:
        draft.secret(text)
        return
    if not looks_secret(variable, text):
        return
    refs = references(text)
    address = len(refs) == 1 and refs[0].form != "connection string"
    if looks_secret("", text) or not address:
        draft.secret(text)


def forget_public_secrets(draft: Draft, region: str | None) -> None:
    """Drop "secrets" the model must show as they are: a password ``redis`` of the component
    ``redis``, or a word the emitter writes itself. They are no credential, and the emitter
    refuses any secret in its output."""
    names = [draft.name, region or "", _PUBLIC_TEXT, *draft.parts, *draft.entries]
    names += [dst for part in draft.parts.values() for dst in part.depends]
    public = "\n".join(names)
    draft.secrets = {s for s in draft.secrets if s not in public}


def safe_name(raw: str) -> str:
    """Return ``raw`` as a component name that is no provider's: a compose service named
    ``aws`` (localstack, say) becomes ``aws-service``, so failure target ``aws`` stays the
    provider."""
    name = clean_name(raw)
    return f"{name}-service" if name in load_catalog().providers else name


def check_region(region: str | None) -> str | None:
    """Return ``region`` (PROVIDER/REGION) when the catalog knows it; ImportInputError if not."""
    if region is None:
        return None
    provider, _, name = region.partition("/")
    problem = region_error(provider, name, load_catalog(), allow_global=False) if name else None
    if not name or problem:
        raise ImportInputError(
            Problem(
                problem or f"{region!r} is not PROVIDER/REGION",
                value=region,
                hint="give where the workloads run as PROVIDER/REGION, e.g. aws/us-east-1 "
                "(aftershock catalog lists them)",
            )
        )
    return region


@dataclass
class Evidence:
    """Dependencies found so far, each with everything that shows it; written to a draft at
    the end so that one dependency gets one comment and is soft only if every sign says so."""

    found: dict[tuple[str, str], list[tuple[str, bool]]] = field(default_factory=dict)

    def add(self, source: str, target: str, why: str, *, soft: bool = False) -> None:
        """Record that ``source`` depends on ``target`` as ``why`` shows."""
        if source != target:
            seen = self.found.setdefault((source, target), [])
            if (why, soft) not in seen:
                seen.append((why, soft))

    def write(self, draft: Draft) -> None:
        """Add every dependency to ``draft`` (whose parts must include each source)."""
        for (source, target), signs in self.found.items():
            soft = all(s for _, s in signs)
            why = "; ".join(w for w, _ in signs) + (" (telemetry: soft)" if soft else "")
            draft.depend(safe_name(source), safe_name(target), why, soft=soft)
