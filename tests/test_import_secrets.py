"""Hostile inputs through every importer: credentials inside URLs (query parameters, webhook
paths, fragments) never reach the model, the dependencies they name still do, and no control
character from any input field reaches the model's text unescaped (nor breaks out of a comment
into YAML of its own)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import aftershock
from aftershock.errors import AftershockError
from aftershock.escaping import has_controls
from aftershock.importers import ImportOptions, import_model, secrets
from aftershock.importers.aws import FakeAws, read
from aftershock.importers.draft import Draft
from aftershock.importers.emit import emit
from aftershock.importers.secrets import PLACEHOLDER, looks_secret, redact, withheld_parts
from realworld import realworld
from test_cli import run

URLS = {
    "DATABASE_URL": "postgresql://db:5432/app?user=app&password=Qw3rtyPassw0rdQ&sslmode=require",
    "API_URL": "https://api.example.com/v1?access_token=AccTok3nValue42&page=2",
    "SLACK_WEBHOOK": "https://hooks.slack.com/services/T0AAAA/B0BBBB/SlackHookSecret1",
    "DISCORD_WEBHOOK": "https://discord.com/api/webhooks/123456789/DiscordHookSecret2",
    "TEAMS_WEBHOOK": "https://contoso.webhook.office.com/webhookb2/a1b2@c3d4/IncomingWebhook/"
    "TeamsHookSecret3/e5f6",
    "TELEGRAM_API": "https://api.telegram.org/bot123456:TelegramBotSecret4/sendMessage",
    "REPORTS_URL": "https://reports.s3.amazonaws.com/r.csv?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"
    "%2F20240101&X-Amz-Signature=S3SigSecret5&X-Amz-Security-Token=S3SessTok5",
    "BLOB_URL": "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=AzureSasSig6%3D",
    "CALLBACK_URL": "https://app.example.com/cb#access_token=FragTok3n7&state=ok",
    "GRAFANA_URL": "https://grafana.example.com/d/x?auth=GrafAuth8&orgId=1",
}
"""Env values as an attack test wrote them: each hides a credential a scanner would flag."""
SECRETS = (
    "Qw3rtyPassw0rdQ",
    "AccTok3nValue42",
    "T0AAAA",
    "B0BBBB",
    "SlackHookSecret1",
    "DiscordHookSecret2",
    "TeamsHookSecret3",
    "TelegramBotSecret4",
    "AKIAIOSFODNN7EXAMPLE",
    "S3SigSecret5",
    "S3SessTok5",
    "AzureSasSig6",
    "FragTok3n7",
    "GrafAuth8",
)
REUSED = "db:5432/mirror/Qw3rtyPassw0rdQ"
"""A password a URL parameter holds, reused where no rule would see it: withheld because the
import saw it in the URL."""
HOSTS = {
    "api.example.com",
    "hooks.slack.com",
    "discord.com",
    "contoso.webhook.office.com",
    "api.telegram.org",
    "reports.s3.amazonaws.com",
    "acct.blob.core.windows.net",
    "app.example.com",
    "grafana.example.com",
}
"""The hosts the URLs name: dependencies the import must still find."""


CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + ["\u2028", "\u202e"]
"""C0, DEL and C1, the line separator (a line break to YAML 1.1) and right-to-left override."""


def quoted(text: str) -> str:
    """``text`` as a double-quoted string, valid in both YAML and JSON, with every control
    character written as an escape (so the input file itself holds none)."""
    out = "".join(
        f"\\u{ord(c):04x}" if c in CONTROLS else c
        for c in text.replace("\\", "\\\\").replace('"', '\\"')
    )
    return f'"{out}"'


# -- hostile inputs, one writer per format ----------------------------------------------------
# Each writes its input into a folder with ``field`` (a hostile text) in every field the
# importer might quote, and returns (format, paths, options).

Written = tuple[str, list[Path], ImportOptions]


def kubernetes(folder: Path, field: str) -> Written:
    env = "\n".join(
        f"        - {{name: {name}, value: {quoted(value)}}}"
        for name, value in list(URLS.items())[1:]
    )
    (folder / "app.yaml").write_text(
        f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: urls}}
data:
  DATABASE_URL: {quoted(URLS["DATABASE_URL"])}
  NOTE: {quoted("db:5432/" + field)}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {quoted("web" + field)}, labels: {{app: web, tier: {quoted(field)}}}}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: {quoted("nginx" + field + ":1")}
        envFrom: [{{configMapRef: {{name: urls}}}}]
        env:
        - {{name: PEER_URL, value: {quoted("http://db:5432/" + field)}}}
        - {{name: MIRROR_ADDR, value: {quoted(REUSED)}}}
{env}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: db, labels: {{app: db}}}}
spec:
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers: [{{name: db, image: "postgres:16"}}]
---
apiVersion: v1
kind: Service
metadata: {{name: db}}
spec: {{selector: {{app: db}}, ports: [{{port: 5432}}]}}
"""
    )
    return "kubernetes", [folder / "app.yaml"], ImportOptions()


def compose(folder: Path, field: str) -> Written:
    env = "\n".join(f"      {name}: {quoted(value)}" for name, value in list(URLS.items())[:5])
    (folder / "compose.yaml").write_text(
        f"""services:
  web:
    image: {quoted("nginx" + field + ":1")}
    labels: {{tier: {quoted(field)}}}
    environment:
      PEER_URL: {quoted("http://db:5432/" + field)}
      MIRROR_ADDR: {quoted(REUSED)}
{env}
    env_file: web.env
  db:
    image: postgres:16
"""
    )
    (folder / "web.env").write_text(
        "".join(f"{name}={value}\n" for name, value in list(URLS.items())[5:])
    )
    return "compose", [folder / "compose.yaml"], ImportOptions()


def terraform(folder: Path, field: str) -> Written:
    provider = 'provider["registry.terraform.io/hashicorp/aws"]'
    state = {
        "version": 4,
        "terraform_version": "1.9.5",
        "serial": 1,
        "lineage": "hostile",
        "outputs": {"hook": {"value": URLS["SLACK_WEBHOOK"], "type": "string"}},
        "resources": [
            {
                "mode": "managed",
                "type": "aws_lambda_function",
                "name": "fn" + field,
                "provider": provider,
                "instances": [
                    {
                        "attributes": {
                            "arn": "arn:aws:lambda:us-east-1:111122223333:function:fn",
                            "function_name": "fn" + field,
                            "environment": [{"variables": dict(URLS)}],
                        },
                        "dependencies": ["aws_sqs_queue.jobs"],
                    }
                ],
            },
            {
                "mode": "managed",
                "type": "aws_sqs_queue",
                "name": "jobs",
                "provider": provider,
                "instances": [
                    {
                        "attributes": {
                            "arn": "arn:aws:sqs:us-east-1:111122223333:jobs",
                            "name": "jobs" + field,
                            "url": URLS["API_URL"],
                        }
                    }
                ],
            },
            {
                "mode": "managed",
                "type": "aws_sns_topic_subscription",
                "name": "alert",
                "provider": provider,
                "instances": [
                    {"attributes": {"endpoint": URLS["DISCORD_WEBHOOK"], "protocol": "https"}}
                ],
            },
        ],
    }
    (folder / "hostile.tfstate").write_text(json.dumps(state, ensure_ascii=True))
    return "terraform", [folder / "hostile.tfstate"], ImportOptions()


def cloudformation(folder: Path, field: str) -> Written:
    env = "\n".join(f"          {name}: {quoted(value)}" for name, value in URLS.items())
    (folder / "stack.yaml").write_text(
        f"""AWSTemplateFormatVersion: "2010-09-09"
Description: {quoted("alerts to " + URLS["SLACK_WEBHOOK"] + field)}
Parameters:
  Hook:
    Type: String
    Default: {quoted(URLS["DISCORD_WEBHOOK"])}
    Description: {quoted(field)}
Resources:
  {quoted("Ale" + field + "rts")}:
    Type: AWS::SNS::Topic
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: {quoted("jobs" + field)}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: {quoted("fn" + field)}
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {{ZipFile: "print(1)"}}
      Environment:
        Variables:
          QUEUE_URL: !Ref Queue
          HOOK: !Ref Hook
{env}
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123
      UserData:
        Fn::Base64: !Sub {quoted("curl " + URLS["TEAMS_WEBHOOK"] + "?q=${Queue} " + field)}
"""
    )
    return "cloudformation", [folder / "stack.yaml"], ImportOptions(region="aws/us-east-1")


def backstage(folder: Path, field: str) -> Written:
    links = "\n".join(
        f"    - {{url: {quoted(value)}, title: {quoted(name + field)}}}"
        for name, value in URLS.items()
    )
    about = " ".join(URLS.values())
    (folder / "catalog-info.yaml").write_text(
        f"""apiVersion: backstage.io/v1alpha1
kind: System
metadata: {{name: shop, description: {quoted("alerts: " + about + " " + field)}}}
spec: {{owner: team}}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  description: {quoted("calls " + about + " " + field)}
  annotations:
    backstage.io/source-location: {quoted("url:" + URLS["GRAFANA_URL"])}
    grafana/dashboard-selector: {quoted(URLS["API_URL"] + field)}
  links:
{links}
spec:
  type: service
  lifecycle: production
  owner: {quoted("team" + field + "x")}
  system: shop
  dependsOn: [resource:db]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {{name: db, description: {quoted(URLS["DATABASE_URL"])}}}
spec: {{type: database, owner: team, system: shop}}
"""
    )
    return "backstage", [folder / "catalog-info.yaml"], ImportOptions()


def traces(folder: Path, field: str) -> Written:
    trace = "463ac35c9f6413ad" + field
    front = {"serviceName": "front" + field + "end"}
    spans = [
        {"traceId": trace, "id": "a1", "kind": "SERVER", "name": "get", "localEndpoint": front}
    ]
    for number, (name, url) in enumerate(URLS.items()):
        tags = {"http.url": url, "http.method": "GET" + field}
        if name in ("SLACK_WEBHOOK", "API_URL"):  # a peer tag holding a whole address
            tags = {"peer.service": url.split("://")[1] if "hooks" in url else url}
        if name == "DATABASE_URL":
            tags = {
                "db.system": "postgresql",
                "db.statement": f"SELECT 1 -- {url} {field}",
                "net.peer.name": "db",
                "db.connection_string": url,
            }
        spans.append(
            {
                "traceId": trace,
                "id": f"b{number}",
                "parentId": "a1",
                "kind": "CLIENT",
                "name": "call" + field,
                "localEndpoint": front,
                "tags": tags,
            }
        )
    (folder / "spans.json").write_text(json.dumps(spans, ensure_ascii=True))
    return "traces", [folder / "spans.json"], ImportOptions()


WRITERS: dict[str, Callable[[Path, str], Written]] = {
    "kubernetes": kubernetes,
    "compose": compose,
    "terraform": terraform,
    "cloudformation": cloudformation,
    "backstage": backstage,
    "traces": traces,
}
DEPENDENCIES = {
    "kubernetes": ("web", {"db"} | HOSTS),
    "compose": ("web", {"db"} | HOSTS),
    "terraform": ("fn", {"jobs"}),
    "cloudformation": ("Fn", {"Queue"}),
    "backstage": ("web", {"db"}),
    "traces": ("frontend", {"db"} | HOSTS),
}
"""A component and what it must still be found to depend on (names as the model writes them)."""


DATABASE = URLS["DATABASE_URL"]
HOST = "accounts.abc.us-east-1.rds.amazonaws.com:"


def aws(field: str) -> str:
    """The live-AWS importer on canned answers (FakeAws): a Lambda whose env holds the URLs
    (its database's among them)."""
    account = "111122223333"
    function = {
        "FunctionName": "fn" + field,
        "FunctionArn": f"arn:aws:lambda:us-east-1:{account}:function:fn",
        "Environment": {"Variables": {**URLS, "DATABASE_URL": DATABASE.replace("db:", HOST)}},
    }
    database = {
        "DBInstanceIdentifier": "accounts",
        "DBInstanceArn": f"arn:aws:rds:us-east-1:{account}:db:accounts",
        "Endpoint": {"Address": HOST.rstrip(":")},
    }
    api = FakeAws(
        {
            "sts.get_caller_identity": {"Account": account},
            "lambda.list_functions": {"Functions": [function]},
            "rds.describe_db_instances": {"DBInstances": [database]},
        }
    )
    return emit(read([], ImportOptions(regions=("us-east-1",)), api=api))


def depends(text: str, name: str) -> set[str]:
    model = aftershock.load_model_text(text)
    return {d.on for d in model.components[name].depends_on}


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


# -- credentials --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", WRITERS)
def test_credentials_in_urls_never_reach_the_model_but_their_hosts_do(
    fmt: str, tmp_path: Path
) -> None:
    name, paths, options = WRITERS[fmt](tmp_path, "")
    args = ["import", name, *map(str, paths)]
    args += ["--region", options.region] if options.region else []
    printed = run(*args)
    written = run(*args, "-o", str(tmp_path / "model.yaml"))
    assert printed.returncode == 0 and written.returncode == 0, printed.stderr + written.stderr
    text = (tmp_path / "model.yaml").read_text()
    assert printed.stdout == text
    for output in (text, printed.stderr, written.stderr):
        for secret in SECRETS:
            assert secret not in output, secret
    component, needed = DEPENDENCIES[fmt]
    assert needed <= depends(text, component)


def test_what_the_urls_say_stays_readable() -> None:
    """The scheme, host, port, plain path and plain parameters are kept; each credential is
    one placeholder."""
    written = {name: redact(url) for name, url in URLS.items()}
    assert written == {
        "DATABASE_URL": "postgresql://db:5432/app?user=app&password=(withheld)&sslmode=require",
        "API_URL": "https://api.example.com/v1?access_token=(withheld)&page=2",
        "SLACK_WEBHOOK": "https://hooks.slack.com/services/(withheld)",
        "DISCORD_WEBHOOK": "https://discord.com/api/webhooks/(withheld)",
        "TEAMS_WEBHOOK": "https://contoso.webhook.office.com/webhookb2/(withheld)",
        "TELEGRAM_API": "https://api.telegram.org/(withheld)/sendMessage",
        "REPORTS_URL": "https://reports.s3.amazonaws.com/r.csv?X-Amz-Credential=(withheld)"
        "&X-Amz-Signature=(withheld)&X-Amz-Security-Token=(withheld)",
        "BLOB_URL": "https://acct.blob.core.windows.net/c/b?sv=(withheld)&sp=r&sig=(withheld)",
        "CALLBACK_URL": "https://app.example.com/cb#access_token=(withheld)&state=ok",
        "GRAFANA_URL": "https://grafana.example.com/d/x?auth=(withheld)&orgId=1",
    }


def test_kubernetes_and_compose_comments_quote_the_urls_without_their_credentials(
    tmp_path: Path,
) -> None:
    for writer in (kubernetes, compose):
        folder = tmp_path / writer.__name__
        folder.mkdir()
        text = import_model([writer(folder, "")[:2]])
        assert "DATABASE_URL=postgresql://db:5432/app?user=app&password=(withheld)&sslmode=" in text
        assert "SLACK_WEBHOOK=https://hooks.slack.com/services/(withheld)" in text
        assert "TELEGRAM_API=https://api.telegram.org/(withheld)/sendMessage" in text
        assert "MIRROR_ADDR=db:5432/mirror/(withheld)" in text


def test_aws_lambda_env_urls_are_withheld_but_name_their_dependencies() -> None:
    text = aws("")
    assert_no_secret(text)
    assert (
        "env DATABASE_URL=postgresql://accounts.abc.us-east-1.rds.amazonaws.com:5432/app?" in text
    )
    assert "?user=app&password=(withheld)&sslmode=require" in text
    assert "accounts" in depends(text, "fn")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgres://app:S3cret@db:5432/app", "postgres://app:(withheld)@db:5432/app"),
        ("redis://:pw12345@cache:6379/0", "redis://:(withheld)@cache:6379/0"),
        ("postgres://u:pa/ss@db/app", "postgres://u:(withheld)@db/app"),  # an unencoded "/"
        (
            "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git",
            "https://(withheld)@github.com/o/r.git",
        ),
        (
            "https://0123456789abcdef0123456789abcdef@o0.ingest.sentry.io/12",  # a Sentry DSN
            "https://(withheld)@o0.ingest.sentry.io/12",
        ),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        (
            "jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=Secret1;encrypt=true",
            "jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=(withheld);encrypt=true",
        ),
        (
            "hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXX",
            "hooks.slack.com/services/(withheld)",
        ),
        (
            "https://outlook.office.com/webhook/a@b/IncomingWebhook/123/456",
            "https://outlook.office.com/webhook/(withheld)",
        ),
        ("https://ci.example.com/hooks/abc123", "https://ci.example.com/hooks/(withheld)"),
        (
            "https://maker.ifttt.com/trigger/deploy/with/key/dEfGhIjK",
            "https://maker.ifttt.com/trigger/deploy/with/key/(withheld)",
        ),
        (
            "https://example.com/files/q8Zr2LmX9vT4kP1wN7sY3bHc6JdF0gQe/download",
            "https://example.com/files/(withheld)/download",
        ),
        (
            "https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/"
            "invoke?api-version=2016-06-01&sp=%2Ftriggers&sig=abcdEFGH",
            "https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/"
            "invoke?api-version=2016-06-01&sp=%2Ftriggers&sig=(withheld)",
        ),
        (
            "https://example.com/app#/route?token=abc123",
            "https://example.com/app#/route?token=(withheld)",
        ),
        (
            "https://example.com/login?next=https%3A%2F%2Fx.com%2F%3Ftoken%3Dabc123",
            "https://example.com/login?next=(withheld)",
        ),
        ("https://x.com/p?pass%77ord=abc&keep=1", "https://x.com/p?pass%77ord=(withheld)&keep=1"),
        ("https://x.com/p?id=AKIAIOSFODNN7EXAMPLE", "https://x.com/p?id=(withheld)"),
        ("https://host:8080/x?e=a@b.com", "https://host:8080/x?e=a@b.com"),
        ("Server=db;User Id=sa;Password=P@ss;", "Server=db;User Id=sa;Password=(withheld);"),
        (
            "host=db password='my pass' sslmode=require",
            "host=db password='(withheld)' sslmode=require",
        ),
        ('{"password": "x1", "host": "db"}', '{"password": "(withheld)", "host": "db"}'),
        ("Authorization=Bearer abcdef1234567890xyz", "Authorization=Bearer (withheld)"),
        ("key xoxb-1234567890-abcdefghij in text", "key (withheld) in text"),
        (
            "routes shop.example.com/hooks/abc123 to web",
            "routes shop.example.com/hooks/(withheld) to web",
        ),
        ("db.example.com:5432/app?password=abc", "db.example.com:5432/app?password=(withheld)"),
        ("k -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nxyz", "k (withheld)"),
        ("http://payments:8080/charge?amount=1&currency=eur", None),
        ("image ghcr.io/open-telemetry/opentelemetry-collector-contrib:0.159.0", None),
        ("image gcr.io/x/frontend@sha256:" + "ab12" * 16, None),
        ("https://registry.example.com/v2/ProductCatalogService/manifests/v0.10.6", None),
        ("npm-registry-proxy-service hf-model-server-deployment-blue", None),
        ("sk-recommendation-engine-v2-service", None),
        ("cart:7070", None),
        ("productcatalogservice:3550,kafka-0.kafka:9092", None),
        ("basic authentication over TLS", None),
    ],
)
def test_redact(text: str, expected: str | None) -> None:
    assert redact(text) == (text if expected is None else expected)
    assert redact(redact(text)) == redact(text)  # the placeholder is never withheld again


@pytest.mark.parametrize(
    "name",
    [
        "password", "passwd", "pwd", "pass", "secret", "token", "access_token", "refresh_token",
        "id_token", "api_key", "apikey", "api-key", "key", "auth", "authorization", "sig",
        "signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "sv",
        "client_secret", "code", "session", "credential", "credentials", "private_token",
        "X-Goog-Signature", "AWSAccessKeyId", "subscription-key", "jsessionid",
    ],
)  # fmt: skip
def test_every_credential_parameter_name_is_withheld(name: str) -> None:
    assert redact(f"https://h.example.com/p?{name}=v4lue&plain=1") == (
        f"https://h.example.com/p?{name}=(withheld)&plain=1"
    )


def test_what_is_withheld_can_be_registered() -> None:
    assert withheld_parts(URLS["DATABASE_URL"] + " " + URLS["SLACK_WEBHOOK"]) == [
        "Qw3rtyPassw0rdQ",
        "T0AAAA/B0BBBB/SlackHookSecret1",
    ]
    assert looks_secret("HOOK", "https://api.telegram.org/bot123456:" + "A" * 35 + "/x")


# -- the emitter: the last line of defence -----------------------------------------------------


def forgetful() -> Draft:
    """A draft as an importer that forgot to withhold anything would fill it."""
    draft = Draft(name="shop", sources=["kubernetes: shop.yaml"])
    draft.part("web", "Deployment web (" + URLS["SLACK_WEBHOOK"] + ")")
    draft.part("db", "Deployment db", kind="datastore")
    draft.depend("web", "db", "env DATABASE_URL=" + URLS["DATABASE_URL"])
    draft.parts["web"].note("links " + " ".join(URLS.values()))
    draft.parts["web"].description = "posts to " + URLS["DISCORD_WEBHOOK"]
    draft.note("callback " + URLS["CALLBACK_URL"])
    return draft


def test_the_emitter_withholds_what_an_importer_forgot() -> None:
    text = emit(forgetful())
    assert_no_secret(text)
    assert PLACEHOLDER in text
    assert "password=(withheld)&sslmode=require" in text
    assert aftershock.load_model_text(text).components["web"].description == (
        "posts to https://discord.com/api/webhooks/(withheld)"
    )


def test_a_credential_in_a_name_is_withheld_from_the_name() -> None:
    draft = forgetful()
    draft.part("cache-AKIAIOSFODNN7EXAMPLE", "service cache-AKIAIOSFODNN7EXAMPLE")
    draft.depend("web", "hooks.slack.com/services/T0AAAA/B0BBBB/SlackHookSecret1", "called")
    text = emit(draft)
    assert_no_secret(text)
    assert {"cache-withheld", "hooks.slack.com-services-withheld"} <= set(
        aftershock.load_model_text(text).components
    )


def test_the_emitter_refuses_a_credential_in_a_value_and_says_where() -> None:
    draft = forgetful()
    draft.parts["web"].vendor = "hooks.slack.com/services/T0/B0/VendorSecret"
    with pytest.raises(AftershockError) as caught:
        emit(draft)
    message = str(caught.value)
    assert "about to write a secret value in the vendor of component web" in message
    assert "nothing was written" in message and "VendorSecret" not in message


def test_a_control_in_a_value_is_escaped_once_and_loads_back_visible() -> None:
    draft = forgetful()
    draft.parts["web"].description = 'a\x1b]52;c;aGk=\x07 "quoted" \\ back\nslash\x85\u2028'
    text = emit(draft)
    assert not has_controls(text, newlines_allowed=True)
    visible = 'a\\u001b]52;c;aGk=\\u0007 "quoted" \\ back\\u000aslash\\u0085\\u2028'
    assert aftershock.load_model_text(text).components["web"].description == visible


# -- control characters -----------------------------------------------------------------------

SEQUENCES = {
    "OSC-52": "\x1b]52;c;aGVsbG8=\x07",  # writes the clipboard
    "OSC-8": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # a hidden link
    "CSI-2J": "\x1b[2J",  # clears the screen
}
HOSTILE = {f"U+{ord(c):04X}": c for c in CONTROLS} | SEQUENCES
FORMATS = [*WRITERS, "aws"]


def imported_with(fmt: str, field: str, folder: Path) -> str:
    if fmt == "aws":
        return aws(field)
    name, paths, options = WRITERS[fmt](folder, field)
    return import_model([(name, paths)], options)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("field", HOSTILE.values(), ids=HOSTILE.keys())
def test_no_control_character_reaches_the_model_unescaped(
    fmt: str, field: str, tmp_path: Path
) -> None:
    text = imported_with(fmt, field, tmp_path)
    assert not has_controls(text, newlines_allowed=True)
    escaped = "".join(f"\\u{ord(c):04x}" if c in CONTROLS else c for c in field)
    assert escaped in text, f"{field!r} is not in the output, escaped"
    assert_no_secret(text)
    model = yaml.safe_load(text)
    assert set(model) <= {"aftershock", "name", "business_services", "components"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_newline_in_an_input_value_never_becomes_yaml(fmt: str, tmp_path: Path) -> None:
    injection = "\ninjected: true\ncomponents: {evil: {kind: service}}\n# "
    text = imported_with(fmt, injection, tmp_path)
    assert "\\u000ainjected: true\\u000acomponents: {evil: {kind: service}}\\u000a#" in text
    model = yaml.safe_load(text)
    assert "injected" not in model and "evil" not in model["components"]
    assert "evil" not in aftershock.load_model_text(text).components
    assert all(line.startswith((" ", "#")) or ":" in line for line in text.splitlines())


@pytest.mark.parametrize("fmt", ["kubernetes", "compose", "traces"])
def test_the_cli_writes_no_control_to_stdout_or_the_file(fmt: str, tmp_path: Path) -> None:
    name, paths, _ = WRITERS[fmt](tmp_path, SEQUENCES["OSC-52"] + "\r\x85\x9b2J")
    printed = run("import", name, *map(str, paths))
    written = run("import", name, *map(str, paths), "-o", str(tmp_path / "model.yaml"))
    assert printed.returncode == 0 and written.returncode == 0, printed.stderr
    for text in (printed.stdout, (tmp_path / "model.yaml").read_text()):
        assert not has_controls(text, newlines_allowed=True)
        assert "\\u001b]52;c;aGVsbG8=\\u0007\\u000d\\u0085\\u009b2J" in text


# -- real inputs ------------------------------------------------------------------------------

REAL = {
    "online-boutique": ("kubernetes", ("kubernetes", "online-boutique")),
    "sock-shop": ("kubernetes", ("kubernetes", "sock-shop")),
    "opentelemetry-demo": ("compose", ("compose", "opentelemetry-demo", "compose.yaml")),
    "deathstarbench": ("compose", ("compose", "deathstarbench-social", "docker-compose.yml")),
    "ecs-refarch": ("cloudformation", ("cloudformation", "ecs-refarch", "master.yaml")),
    "infracost": ("terraform", ("terraform", "infracost-example", "plan.json")),
    "inframap-cyclic": ("terraform", ("terraform", "inframap-states", "aws_state_cyclic.json")),
    "zipkin": ("traces", ("traces", "zipkin", "smartthings-mobile-web-install.json")),
    "nezha": ("traces", ("traces", "nezha-online-boutique", "17_00_trace.csv")),
}


@pytest.mark.parametrize("case", REAL)
def test_real_inputs_import_exactly_as_without_the_new_withholding(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing in the real public inputs is a credential inside a URL: withholding them must
    not change a byte of what those imports write (no false positive hides an address)."""
    fmt, parts = REAL[case]
    path = realworld(*parts)
    inputs = [(fmt, [path])]
    if case == "opentelemetry-demo":
        inputs = [(fmt, [path, path.with_name("compose.full.yaml")])]
    options = ImportOptions(
        env_files=(path.with_name("dot-env"),)
        if fmt == "compose" and case != "deathstarbench"
        else ()
    )
    text = import_model(inputs, options)
    assert PLACEHOLDER not in text
    monkeypatch.setattr(secrets, "redact", lambda text: text)
    emitter = importlib.import_module(
        "aftershock.importers.emit"
    )  # the package's emit is the function
    monkeypatch.setattr(emitter, "redact", lambda text: text)
    assert import_model(inputs, options) == text
