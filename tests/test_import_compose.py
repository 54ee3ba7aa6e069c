"""docker compose files to a model: merging, interpolation, services, dependencies, entries."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions, import_model
from aftershock.importers.compose import read
from aftershock.importers.draft import Draft
from aftershock.importers.interpolation import Interpolator, Variable, read_env_file
from realworld import realworld

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "import" / "compose" / "shop"
BASE, PROD = SHOP / "compose.yaml", SHOP / "compose.prod.yaml"
BAD = FIXTURES / "bad-imports"


def shop(*files: Path, options: ImportOptions | None = None) -> Draft:
    return read(list(files or (BASE, PROD)), options or ImportOptions())


def edges(draft: Draft) -> set[tuple[str, str]]:
    return {(src, dst) for src, part in draft.parts.items() for dst in part.depends}


def targets(draft: Draft, name: str) -> set[str]:
    return set(draft.parts[name].depends)


def imported(paths: list[Path], options: ImportOptions | None = None) -> str:
    """Return the model text, after checking that it loads, compiles and checks."""
    text = import_model([("compose", paths)], options)
    aftershock.check(aftershock.compile_model(aftershock.load_model_text(text)))
    return text


def test_merged_files_give_components_dependencies_and_kinds() -> None:
    draft = shop()
    assert draft.name == "shopfront"  # name: ${PROJECT:-shopfront}
    assert {n: p.kind for n, p in draft.parts.items()} == {
        "web": "service",
        "api": "service",
        "db": "datastore",  # postgres
        "cache": "cache",  # redis
        "search": "datastore",  # opensearch
        "events": "queue",  # kafka
        "tracing": "service",
        "cache-replica": "cache",  # only in compose.prod.yaml
        "worker": "service",
    }
    assert edges(draft) == {
        ("web", "api"),  # API_URL=http://api:${API_PORT}/v1 and depends_on (list form)
        ("web", "cache-replica"),  # CACHE_HOST, overridden by compose.prod.yaml
        ("web", "search"),  # bare SEARCH_ADDR, its value from .env
        ("web", "backup"),  # FALLBACK_HOST=${EMPTY_VAR:-backup}: EMPTY_VAR is empty
        ("web", "recs.internal"),  # from env_file web.env
        ("web", "tracing"),  # OTEL_EXPORTER_OTLP_ENDPOINT
        ("api", "db"),  # DATABASE_URL and depends_on (mapping form)
        ("api", "cache"),  # depends_on
        ("api", "events"),  # QUEUE=events:9092; depends_on added by compose.prod.yaml
        ("api", "search"),  # links search:finder, and FINDER_URL=http://finder:9200
        ("worker", "api"),  # network_mode: service:api
    }


def test_why_names_variable_file_line_and_where_the_value_came_from() -> None:
    draft = shop()
    web, api = draft.parts["web"].depends, draft.parts["api"].depends
    assert web["search"].why == "env SEARCH_ADDR=search:9200 (compose.yaml:17, value .env:5)"
    assert web["api"].why == (
        "env API_URL=http://api:9000/v1 (compose.yaml:15); "
        "depends_on api (condition: service_started; compose.yaml:25)"
    )
    assert web["cache-replica"].why == "env CACHE_HOST=cache-replica (compose.prod.yaml:7)"
    assert web["recs.internal"].why == "env RECS_ENDPOINT=recs.internal:7000 (web.env:1)"
    assert api["events"].why == (
        "env QUEUE=events:9092 (compose.yaml:37); depends_on events "
        "(condition: service_started, required: false; compose.prod.yaml:15)"
    )
    assert api["search"].why == (
        "env FINDER_URL=http://finder:9200 (compose.prod.yaml:12); "
        "links search:finder (compose.yaml:45)"
    )
    assert draft.parts["web"].why == "service web (compose.yaml:9)"
    assert "also defined at compose.prod.yaml:4 (merged)" in draft.parts["web"].notes


def test_merge_rules_follow_docker_compose() -> None:
    base, both = shop(BASE), shop()
    # environment merges key by key: CACHE_HOST=$CACHE_HOST (.env: cache) is overridden
    assert "cache" in targets(base, "web") and "cache" not in targets(both, "web")
    # !reset removes one variable, !override replaces a whole mapping
    assert "analytics.example.com" in targets(base, "api")
    assert "analytics.example.com" not in targets(both, "api")
    assert "search-peer.example.com" in targets(base, "search")
    assert not targets(both, "search")
    # ports append: both files' published ports make web an entry
    assert both.entries["web"] == (
        "publishes ports 8000, 443 on the host (compose.yaml:12, compose.prod.yaml:5)"
    )
    # depends_on merges by service: compose.prod.yaml adds events to api's db and cache
    assert {"db", "cache", "events"} <= targets(both, "api")


def test_entries_are_services_publishing_a_host_port() -> None:
    draft = shop()
    assert set(draft.entries) == {"web"}
    notes = {name: " | ".join(part.notes) for name, part in draft.parts.items()}
    assert "publishes 127.0.0.1:5432:5432 on the loopback address only" in notes["db"]
    assert (
        "publishes port 16686 (compose.yaml:62); telemetry, so not an entry point"
        in (notes["tracing"])
    )
    assert "image registry.example.com/shop/web:2.0" in notes["web"]  # interpolated


def test_one_host_is_said_and_with_a_region_is_one_zone() -> None:
    draft = shop()
    assert any(n.startswith("compose runs every service on one host") for n in draft.notes)
    assert all(not p.deploy for p in draft.parts.values())
    placed = shop(options=ImportOptions(region="aws/eu-west-1"))
    for part in placed.parts.values():
        assert part.deploy == [{"on": "aws/eu-west-1", "zones": 1}]
    assert "each service is deployed {on: aws/eu-west-1, zones: 1}: one host is one zone" in (
        placed.notes
    )
    text = imported([BASE, PROD], ImportOptions(region="aws/eu-west-1"))
    assert "    deploy: {on: aws/eu-west-1, zones: 1}" in text


def test_telemetry_dependencies_are_soft() -> None:
    assert shop().parts["web"].depends["tracing"].soft  # jaegertracing image, OTEL_ variable
    assert not shop().parts["web"].depends["api"].soft


def test_unset_variables_are_blank_and_noted() -> None:
    draft = shop()
    assert "variables not set, so blank (as docker compose does): NOBODY (compose.yaml:21)" in (
        draft.notes
    )


def test_env_files_given_replace_the_one_beside_the_first_file() -> None:
    draft = shop(options=ImportOptions(env_files=(SHOP / "staging.env",)))
    assert draft.parts["web"].depends["api"].why.startswith("env API_URL=http://api:9100/v1")
    assert "image staging.example.com/shop/web:latest" in draft.parts["web"].notes  # no TAG


def test_every_interpolation_form() -> None:
    env = Interpolator(
        {
            "SET": Variable("value", ".env", 1),
            "EMPTY": Variable("", ".env", 2),
            "HOST": Variable("cart", ".env", 3),
        }
    )

    def sub(text: str) -> str:
        return env.text(text, "compose.yaml", 1)

    assert sub("${SET} $SET ${SET}x $SET.y") == "value value valuex value.y"
    assert sub("${UNSET}|$UNSET|") == "||"
    assert env.unset == {"UNSET": "compose.yaml:1"}
    assert sub("${SET:-d} ${EMPTY:-d} ${UNSET:-d}") == "value d d"
    assert sub("${SET-d} ${EMPTY-d} ${UNSET-d}") == "value  d"
    assert sub("${SET:+r} ${EMPTY:+r} ${UNSET:+r}") == "r  "
    assert sub("${SET+r} ${EMPTY+r} ${UNSET+r}") == "r r "
    assert sub("${SET:?boom} ${EMPTY?boom}") == "value "
    assert sub("$$SET costs $$5 and ${UNSET:-${HOST}:7070}") == "$SET costs $5 and cart:7070"
    with pytest.raises(ImportInputError, match="required variable EMPTY is empty: need it"):
        sub("${EMPTY:?need it}")
    with pytest.raises(ImportInputError, match="required variable UNSET is not set: no message"):
        sub("${UNSET?}")
    with pytest.raises(ImportInputError, match="'\\$\\{' is never closed"):
        sub("${SET")
    with pytest.raises(ImportInputError, match=re.escape("invalid interpolation ${SET/a/b}")):
        sub("${SET/a/b}")


def test_env_file_syntax() -> None:
    env = Interpolator({})
    read_env_file(SHOP / ".env", ".env", env)
    values = {k: v.value for k, v in env.variables.items()}
    assert values["JOBS"] == "nightly"  # the inline comment is not part of the value
    assert values["TAG"] == "2.0"  # export TAG=2.0
    assert values["EMPTY_VAR"] == ""
    assert values["QUOTED"] == "double 9000"  # double quotes interpolate
    assert values["LITERAL"] == "single ${API_PORT}"  # single quotes do not
    assert env.variables["API_PORT"].where() == ".env:3"


def test_secret_values_never_reach_the_model_but_their_dependencies_do() -> None:
    text = imported([BASE, PROD])
    for secret in (
        "S3cretPassw0rd",  # DATABASE_URL's password
        "sk_live_51HxYzAbCdEfGhIjKlMnOp",  # API_KEY
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # AWS_SECRET_ACCESS_KEY in .env
        "0b1e0c7f5d2a4e6b9c8d7e6f5a4b3c2d",  # SESSION_SECRET in an env_file
    ):
        assert secret not in text
    model = aftershock.load_model_text(text)
    assert "db" in {d.on for d in model.components["api"].depends_on}
    assert "env DATABASE_URL (value withheld: it holds a password) (compose.yaml:34)" in text


def test_a_folder_stands_for_its_compose_file_and_override(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "compose.yaml")
    shutil.copy(PROD, tmp_path / "compose.override.yaml")
    for name in (".env", "web.env"):
        shutil.copy(SHOP / name, tmp_path / name)
    assert edges(read([tmp_path], ImportOptions())) == edges(shop())


def test_opentelemetry_demo() -> None:
    root = realworld("compose", "opentelemetry-demo")
    files = [root / "compose.yaml", root / "compose.full.yaml"]
    draft = read(files, ImportOptions(env_files=(root / "dot-env",)))
    hard = {(s, d) for s, p in draft.parts.items() for d, dep in p.depends.items() if not dep.soft}
    # the frontend's *_ADDR variables, valued in dot-env (CART_ADDR=cart:${CART_PORT}, ...)
    assert {d for s, d in hard if s == "frontend"} == {
        "ad",
        "cart",
        "checkout",
        "currency",
        "product-catalog",
        "recommendation",
        "shipping",
        "quote",  # depends_on only
        "image-provider",  # depends_on only
        "flagd",  # FLAGD_HOST
    }
    assert {d for s, d in hard if s == "checkout"} == {
        "cart",
        "currency",
        "email",  # EMAIL_ADDR=http://email:${EMAIL_PORT}
        "payment",
        "product-catalog",
        "shipping",
        "kafka",  # added by compose.full.yaml
        "flagd",
    }
    assert {
        ("cart", "valkey-cart"),  # VALKEY_ADDR
        ("product-catalog", "astronomy-db"),  # DB_CONNECTION_STRING, a postgres:// URL
        ("accounting", "astronomy-db"),  # DB_CONNECTION_STRING=Host=${POSTGRES_HOST};...
        ("accounting", "kafka"),
        ("fraud-detection", "kafka"),
        ("recommendation", "product-catalog"),
        ("shipping", "quote"),  # QUOTE_ADDR=http://quote:${QUOTE_PORT}
        ("load-generator", "frontend-proxy"),  # K6_TARGET_URL
        ("frontend-proxy", "frontend"),
    } <= hard
    soft = {(s, d) for s, p in draft.parts.items() for d, dep in p.depends.items() if dep.soft}
    assert ("cart", "otel-collector") in soft  # telemetry: degraded, not down
    assert ("otel-collector", "astronomy-db") in soft  # what the collector watches
    assert draft.parts["kafka"].kind == "queue"
    assert draft.parts["astronomy-db"].kind == "datastore"  # ${POSTGRES_IMAGE} = postgres
    assert draft.parts["valkey-cart"].kind == "cache"
    assert set(draft.entries) == {"frontend-proxy"}  # the only fixed host ports: 8080, 10000
    text = imported(files, ImportOptions(env_files=(root / "dot-env",)))
    for secret in ("astronomy_password", "changeit", "yYrECL4qbNwleYInGJYvVnSkwJuSQJ4ij"):
        assert secret not in text


def test_deathstarbench_social_network() -> None:
    draft = read(
        [realworld("compose", "deathstarbench-social") / "docker-compose.yml"], ImportOptions()
    )
    hard = {(s, d) for s, p in draft.parts.items() for d, dep in p.depends.items() if not dep.soft}
    assert hard == {
        ("social-graph-service", "social-graph-mongodb"),
        ("post-storage-service", "post-storage-mongodb"),
        ("user-timeline-service", "user-timeline-mongodb"),
        ("url-shorten-service", "url-shorten-mongodb"),
        ("user-service", "user-mongodb"),
        ("media-service", "media-mongodb"),
    }
    assert all(  # every service depends_on jaeger-agent, a tracing back-end: soft
        p.depends["jaeger-agent"].soft
        for n, p in draft.parts.items()
        if "jaeger-agent" in p.depends
    )
    assert len([p for p in draft.parts.values() if "jaeger-agent" in p.depends]) == 13
    assert set(draft.entries) == {"nginx-thrift", "media-frontend", "post-storage-service"}
    kinds = {n: p.kind for n, p in draft.parts.items()}
    assert kinds["user-mongodb"] == "datastore" and kinds["user-memcached"] == "cache"
    assert kinds["home-timeline-redis"] == "cache"
    imported([realworld("compose", "deathstarbench-social") / "docker-compose.yml"])


BAD_CASES = [
    ("compose-malformed.yaml", 7, ("YAML syntax error", "flow sequence at line 6")),
    ("compose-list.yaml", 1, ("not a compose file: the document is a list",)),
    ("compose-no-services.yaml", 2, ("not a compose file: the document has no services:",)),
    ("compose-services-list.yaml", 1, ("services: is a list, not a mapping of service names",)),
    ("compose-service-not-mapping.yaml", 4, ("service 'db' is not a mapping",)),
    ("compose-bad-environment.yaml", 4, ("environment must be a mapping or a list",)),
    (
        "compose-required-variable.yaml",
        6,
        ("required variable DB_PASSWORD is not set: set DB_PASSWORD in .env", "--env-file"),
    ),
    ("compose-invalid-interpolation.yaml", 5, ("invalid interpolation: '$2' is no variable", "$$")),
]


@pytest.mark.parametrize(("name", "line", "expect"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_names_file_line_and_what_to_do(
    name: str, line: int, expect: tuple[str, ...], tmp_path: Path
) -> None:
    shutil.copy(BAD / name, tmp_path / name)  # alone: no .env beside it
    with pytest.raises(ImportInputError) as caught:
        import_model([("compose", [tmp_path / name])])
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (name, line)
    assert problem.hint
    for text in expect:
        assert text in str(caught.value)


def test_a_required_variable_missing_from_the_env_files_given() -> None:
    with pytest.raises(ImportInputError) as caught:
        shop(options=ImportOptions(env_files=(SHOP / "web.env",)))
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == ("compose.prod.yaml", 27)
    assert "required variable JOBS is not set: set JOBS in .env" in problem.message


def test_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(ImportInputError, match=re.escape("nope.yaml: file not found")):
        read([tmp_path / "nope.yaml"], ImportOptions())
    with pytest.raises(ImportInputError, match="no compose file in the folder"):
        read([tmp_path], ImportOptions())
    with pytest.raises(ImportInputError, match=re.escape("missing.env: file not found")):
        read([BASE], ImportOptions(env_files=(tmp_path / "missing.env",)))
    (tmp_path / "bad.env").write_text("A=1\nnot a line\n")
    with pytest.raises(ImportInputError, match="not a KEY=value line") as caught:
        read([BASE], ImportOptions(env_files=(tmp_path / "bad.env",)))
    assert caught.value.problems[0].line == 2


def test_hosts_are_service_names_container_names_and_network_aliases(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n"
        "    image: shop/app:1\n"
        "    profiles: [full]\n"
        "    extra_hosts: ['ledger:10.0.0.7']\n"
        "    volumes_from: [files]\n"
        "    environment:\n"
        "      DB_HOST: primary-db\n"  # container_name
        "      SEARCH_URL: http://es.internal:9200\n"  # a network alias
        "      LEDGER_ADDR: ledger:7000\n"  # extra_hosts: an address outside compose
        "      FEATURE_ON: true\n"
        "  db:\n"
        "    image: mariadb:11\n"
        "    container_name: primary-db\n"
        "  search:\n"
        "    image: elasticsearch:8.13.0\n"
        "    networks:\n"
        "      default:\n"
        "        aliases: [es.internal]\n"
        "  files:\n"
        "    image: busybox\n"
    )
    draft = read([tmp_path / "compose.yaml"], ImportOptions())
    assert targets(draft, "app") == {"db", "search", "ledger", "files"}
    assert (
        draft.parts["app"].depends["ledger"].why == "env LEDGER_ADDR=ledger:7000 (compose.yaml:10)"
    )
    assert "started only with profile full" in draft.parts["app"].notes
    assert draft.name == tmp_path.name  # no name: the folder of the first file
