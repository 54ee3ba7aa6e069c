"""Traces to a model: Zipkin v2 (spans, traces), Jaeger (export, dependency links), span CSV.

Call counts in the small fixtures were counted by hand from the files; those of the real
inputs in /work/shared/realworld were counted by a separate script over the raw spans (each
span whose service differs from its caller's), not with the importer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aftershock
from aftershock.errors import ImportInputError
from aftershock.importers import ImportOptions, import_model
from aftershock.importers.draft import Draft
from aftershock.importers.trace_formats import workload
from aftershock.importers.traces import read
from realworld import realworld

FIXTURES = Path(__file__).parent / "fixtures"
TRACES = FIXTURES / "import" / "traces"
BAD = FIXTURES / "bad-imports"


def draft_of(*paths: Path) -> Draft:
    return read(list(paths), ImportOptions())


def calls(draft: Draft) -> dict[tuple[str, str], int | None]:
    return {
        (src, dst): dep.calls
        for src, part in draft.parts.items()
        for dst, dep in part.depends.items()
    }


def imported(*paths: Path) -> str:
    """Return the model text, after checking that it loads, compiles and checks."""
    text = import_model([("traces", list(paths))])
    aftershock.check(aftershock.compile_model(aftershock.load_model_text(text)))
    return text


ZIPKIN_CALLS = {
    ("frontend", "cart"): 3,  # one shared span pair in each of two traces, one split pair
    ("frontend", "payments"): 1,  # a client span naming a callee that sent no spans
    ("frontend", "api.stripe.com"): 1,  # only its http.url names it (credentials stripped)
    ("frontend", "kafka"): 1,  # a PRODUCER span
    ("cart", "redis"): 2,
    ("mailer", "kafka"): 1,  # a CONSUMER span: soft
    ("mailer", "smtp.example.com"): 1,
}


@pytest.mark.parametrize("name", ["zipkin-spans.json", "zipkin-traces.json"])
def test_zipkin_spans_and_lists_of_traces_give_the_same_call_graph(name: str) -> None:
    draft = draft_of(TRACES / name)
    assert calls(draft) == ZIPKIN_CALLS
    parts = draft.parts
    assert {n: p.kind for n, p in parts.items() if p.kind != "service"} == {
        "redis": "cache",  # db.system=redis
        "kafka": "queue",
        "api.stripe.com": "external",
        "smtp.example.com": "external",
    }
    assert parts["mailer"].depends["kafka"].soft and not parts["frontend"].depends["kafka"].soft
    assert set(draft.entries) == {"frontend", "mailer"}  # mailer is reached only by a message
    assert "it starts 2 traces" in draft.entries["frontend"]
    notes = " ".join(draft.notes)
    assert "a dependency never exercised in the sample" in notes
    assert "1 of 17 spans name a parent span that is not in their trace" in notes
    assert "frontend -> mailer (1)" in notes  # the hand-off is not a dependency
    assert "mailer" not in parts["frontend"].depends
    assert "1 client span with a remote end called 'cart'" in " ".join(parts["cart"].notes)


def test_a_span_read_twice_is_counted_once() -> None:
    draft = draft_of(TRACES / "zipkin-spans.json", TRACES / "zipkin-traces.json")
    assert calls(draft) == ZIPKIN_CALLS
    assert "17 spans were read more than once; each is counted once" in draft.notes


def test_zipkin_model_says_where_each_call_was_seen() -> None:
    text = imported(TRACES / "zipkin-spans.json")
    assert "- cart  # traced calls, first at zipkin-spans.json, trace 463ac35c9f6413ad" in text
    assert "(3 calls)" in text
    assert "- {on: kafka, soft: true}  # consumer polls" in text
    assert "a consumer stays up while the broker is down" in text


def test_jaeger_export() -> None:
    draft = draft_of(TRACES / "jaeger-export.json")
    assert calls(draft) == {
        ("frontend", "checkout"): 2,
        ("checkout", "payment"): 2,  # one traced, one only named by peer.service
        ("checkout", "orders-db"): 1,  # net.peer.name of a db.system=postgresql span
    }
    assert draft.parts["orders-db"].kind == "datastore"
    assert "payment -> audit (1)" in " ".join(draft.notes)  # FOLLOWS_FROM: not awaited
    assert set(draft.entries) == {"frontend", "audit"}
    imported(TRACES / "jaeger-export.json")


def test_jaeger_dependency_links(tmp_path: Path) -> None:
    expected = {
        ("frontend", "catalog"): 40,
        ("frontend", "checkout"): 12,
        ("checkout", "payment"): 5,
        ("checkout", "catalog"): 7,
    }
    draft = draft_of(TRACES / "jaeger-dependencies.json")
    assert calls(draft) == expected
    assert list(draft.entries) == ["frontend"]
    links = json.loads((TRACES / "jaeger-dependencies.json").read_text())["data"]
    links[0].pop("callCount")
    plain = tmp_path / "links.json"
    plain.write_text(json.dumps(links))  # a bare list, as Zipkin's /api/v2/dependencies gives
    assert calls(draft_of(plain))[("frontend", "catalog")] is None  # no count, not zero
    imported(TRACES / "jaeger-dependencies.json")
    imported(plain)


def test_span_csv_by_pod_name() -> None:
    draft = draft_of(TRACES / "spans-by-pod.csv")
    assert calls(draft) == {
        ("frontend", "cart"): 2,
        ("frontend", "checkout"): 1,
        ("checkout", "payment"): 1,
        ("checkout", "cart"): 1,
        ("cart", "redis-cart"): 2,  # redis-cart-0: a StatefulSet's pod
    }
    assert draft.parts["cart"].why == "pods cart-7f8b9c6d5-x2x4z, cart-7f8b9c6d5-zz9k2 (3 spans)"
    assert "1 of 15 spans name a parent span" in " ".join(draft.notes)
    text = imported(TRACES / "spans-by-pod.csv")
    assert "- cart  # traced calls, first at spans-by-pod.csv:4 (2 calls)" in text


@pytest.mark.parametrize(
    ("pod", "expected"),
    [
        ("frontend-5d4b9c6f7-abcde", "frontend"),
        ("frontend-579b9bff58-t2dbm", "frontend"),
        ("email-service-5d4b9c6f7-x2x4z", "email-service"),
        ("redis-cart-0", "redis-cart"),
        ("node-exporter-x2k4z", "node-exporter"),
        ("api-gateway-proxy", "api-gateway-proxy"),  # no generated suffix: kept
        ("frontend", "frontend"),
    ],
)
def test_pod_names_map_to_their_workload(pod: str, expected: str) -> None:
    assert workload(pod) == expected


SECRETS = {
    # db.statement with a password, http.url with user:password@, an authorization header
    "zipkin-spans.json": ("hunter2-Secret-Pw", "S3cr3tPa55", "eyJhbGciOiJIUzI1NiJ9"),
    "zipkin-traces.json": ("hunter2-Secret-Pw", "S3cr3tPa55", "eyJhbGciOiJIUzI1NiJ9"),
    "jaeger-export.json": ("tok_hunter2hunter2",),  # in a db.statement
    "spans-by-pod.csv": ("Hunter2Pass",),  # a URL with credentials in an attributes column
}


@pytest.mark.parametrize(("name", "secrets"), SECRETS.items())
def test_credentials_in_span_tags_never_reach_the_model(name: str, secrets: tuple[str]) -> None:
    raw = (TRACES / name).read_text()
    text = imported(TRACES / name)
    for secret in secrets:
        assert secret in raw and secret not in text
    withheld = draft_of(TRACES / name).secrets  # the emitter refuses to write these
    assert {"S3cr3tPa55", "Hunter2Pass"} & set(secrets) <= withheld


def test_a_folder_of_trace_files_is_one_sample() -> None:
    text = imported(TRACES)
    assert text.count("a dependency never exercised in the sample") == 1
    for kind in ("Zipkin v2 JSON", "Jaeger JSON", "dependency links", "span CSV by pod"):
        assert kind in text


BAD_CASES = [
    ("traces-malformed.json", 5, ("malformed JSON", "Expecting ','")),
    ("traces-unknown-format.json", None, ("not a trace format", "an object of 3 keys")),
    ("traces-not-a-trace.csv", None, ("not a trace format", "Zipkin v2 JSON")),
    ("traces-empty.json", None, ("no spans, traces or links",)),
    ("traces-zipkin-v1.json", None, ("Zipkin v1 JSON is not supported", "/api/v2/trace")),
    ("traces-bad-kind.json", None, ("invalid span kind", "not 'SERVERS'", "CLIENT, SERVER")),
    (
        "traces-missing-columns.csv",
        1,
        ("without a parent id column", "found: TraceID, SpanID, PodName, OperationName"),
    ),
    ("traces-short-row.csv", 4, ("a row with 2 fields; the header has 5",)),
    (
        "traces-dangling.json",
        None,
        ("a trace with dangling parents", "4 of 5 spans", "2 traces", "export whole traces"),
    ),
]


@pytest.mark.parametrize(("name", "line", "expect"), BAD_CASES)
def test_bad_trace_input_names_the_problem(
    name: str, line: int | None, expect: tuple[str, ...]
) -> None:
    with pytest.raises(ImportInputError) as caught:
        import_model([("traces", [BAD / name])])
    message = str(caught.value)
    assert name in message
    if line is not None:
        assert f"{name}:{line}" in message
    for text in expect:
        assert text in message


def test_a_few_dangling_parents_are_a_note_not_an_error() -> None:
    draft = draft_of(TRACES / "spans-by-pod.csv")
    assert any("dangling parents" in note for note in draft.notes)


# -- real inputs ---------------------------------------------------------------------------


def test_real_zipkin_trace_of_1041_spans_over_16_services() -> None:
    path = realworld("traces", "zipkin", "smartthings-mobile-web-install.json")
    draft = draft_of(path)
    traced = {n for n, p in draft.parts.items() if p.why.startswith("traced service")}
    assert len(traced) == 16
    found = calls(draft)
    assert found[("stLogin", "platformapi")] == 106
    assert found[("strongman", "platformapi")] == 60
    assert found[("platformapi", "gizmo")] == 52
    assert found[("platformapi", "bookie")] == 17
    assert found[("execution", "bookie")] == 16
    assert found[("bookie", "account")] == 15
    # Client spans naming a remote end called like the caller (their Cassandra and SQL
    # clients): not dependencies on themselves.
    assert "auth" not in draft.parts["auth"].depends
    assert any(
        "132 client spans with a remote end called 'auth'" in note
        for note in draft.parts["auth"].notes
    )
    assert list(draft.entries) == ["coreSrv"]  # the root: everyone else is called by someone
    imported(path)


def test_real_kafka_messaging_trace() -> None:
    path = realworld("traces", "zipkin", "messaging-kafka.json")
    draft = draft_of(path)
    assert calls(draft) == {("servicea", "kafka"): 13, ("serviceb", "kafka"): 3}  # 9+4, 3
    assert draft.parts["serviceb"].depends["kafka"].soft
    assert not draft.parts["servicea"].depends["kafka"].soft  # it publishes too
    assert draft.parts["kafka"].kind == "queue"
    assert "servicea -> serviceb (3)" in " ".join(draft.notes)
    imported(path)


NEZHA_CALLS = {
    ("frontend", "productcatalogservice"): 2343,
    ("frontend", "currencyservice"): 1438,
    ("frontend", "cartservice"): 447,
    ("frontend", "recommendationservice"): 363,
    ("frontend", "adservice"): 298,
    ("frontend", "shippingservice"): 101,
    ("frontend", "checkoutservice"): 18,
    ("recommendationservice", "productcatalogservice"): 363,
    ("checkoutservice", "productcatalogservice"): 46,
    ("checkoutservice", "cartservice"): 36,
    ("checkoutservice", "shippingservice"): 36,
    ("checkoutservice", "paymentservice"): 18,
    ("checkoutservice", "emailservice"): 18,
}


def test_real_nezha_online_boutique_spans_by_pod() -> None:
    path = realworld("traces", "nezha-online-boutique", "17_00_trace.csv")
    draft = draft_of(path)
    assert len(draft.parts) == 10
    assert calls(draft) == NEZHA_CALLS
    assert draft.parts["frontend"].why == "pods frontend-579b9bff58-t2dbm (5510 spans)"
    assert draft.entries == {
        "frontend": "receives calls from no one in the traces; it starts 502 traces"
    }
    assert not any("dangling" in note for note in draft.notes)
    imported(path)


def test_a_plain_word_under_a_credential_like_tag_does_not_block_the_model(
    tmp_path: Path,
) -> None:
    spans = json.loads((TRACES / "zipkin-spans.json").read_text())
    spans[0]["tags"] = {"auth.type": "service", "session.token": "queue", "oauth.scope": "true"}
    path = tmp_path / "spans.json"
    path.write_text(json.dumps(spans))
    text = imported(path)  # words of the model itself: "kind: service", "soft: true"
    assert "kind: queue" in text and "soft: true" in text
