"""The live OpenAPI schema tells the truth about the API.

Schemathesis reads ``/api/v1/schema/`` from the running application (in-process, through its WSGI handler) and
sends every operation generated requests — valid ones, invalid ones, and valid ones aimed at objects that exist —
as several roles and as an anonymous caller, over the data ``seed_demo`` loads. Every answer must be documented:
its status code, its content type and its body. None may be a server error, and an anonymous caller is never
served. Writes are included; the whole exploration runs in the test's transaction and is rolled back.

The exploration is bounded and repeatable — a few derandomized examples per operation and kind, no example
database, no shrinking — about 15 s per role. Every distinct violation is reported with the request that showed it.
"""

import re
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

SCHEMA_URL = "/api/v1/schema/?format=json"
ANONYMOUS = "anonymous"
# A city land bureau user, a county clerk, the leading group, an approvals officer, a county subsidies reviewer.
ROLES = ["city_land", "yaodu_land", "leader", "yaodu_approval", "yaodu_industry", ANONYMOUS]
# Reads every region: finds the objects whose ids the other roles are then sent (theirs answer 200, others 404).
DISCOVERER = "leader"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {"valid": 5, "invalid": 3, "existing": 5}
OBJECTS_PER_COLLECTION = 3
EXPLORATION = hypothesis.settings(
    derandomize=True,  # the same requests on every run
    database=None,  # nothing kept between runs
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: every failing request is recorded as it was sent
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@pytest.fixture
def demo_site(db):
    """What ``bin/start`` serves: the reference data, the demo users and every module's demo data, and the
    reminders of today's sweep in the inboxes. (The modules' demo loaders build on the demo cast, so the users are
    ``DEMO_USERS`` rather than the ``users`` fixture.)"""
    from django.core.management import call_command

    from linfen_admin.demo import load_demo_users
    from linfen_admin.registry import registry
    from linfen_admin.reminders import run_reminders

    call_command("load_seed", verbosity=0)
    load_demo_users()
    for loader in registry.demo_loaders:
        loader.load()
    run_reminders()


@pytest.fixture
def wsgi_app(demo_site):
    """The project's WSGI handler, called in the test's transaction.

    As Django's test client does, the handler must not close the connection at the start and end of each request:
    that would end the transaction the test (and its demo data) lives in. The throttles' counters start empty."""
    from django.core import signals
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    cache.clear()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def live_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)


def auth_headers(username: str) -> dict:
    """``Authorization: Token …`` as a client gets it from ``/api/v1/auth/token/`` (the same token row)."""
    if username == ANONYMOUS:
        return {}
    from rest_framework.authtoken.models import Token

    from linfen_admin.models import User

    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    return {"Authorization": f"Token {token.key}"}


class ExistingObjects:
    """Path parameters naming objects that exist, found as a client finds them: by reading the collection the
    path continues (``/parcels/{id}/disposals/{disposal_id}/…`` ← ``/parcels/`` then ``/parcels/{id}/disposals/``).
    A parameter takes the item's field of the same name (``year``, ``number``), otherwise its ``id``."""

    def __init__(self, app, headers: list[dict]):
        self.client = Client(app)
        self.headers = headers
        self.collections: dict[str, list[dict]] = {}

    def path_parameters(self, template: str) -> list[dict]:
        combinations = [{}]
        for name in re.findall(r"\{(\w+)\}", template):
            prefix = template.split("{" + name + "}")[0]
            combinations = [
                {**known, name: value}
                for known in combinations
                for value in self._values(prefix.format(**known), name)
            ][:OBJECTS_PER_COLLECTION]
        return [known for known in combinations if known]

    def _values(self, collection: str, name: str) -> list:
        items = self._items(collection)
        values = [item.get(name, item.get("id")) for item in items]
        return [value for value in dict.fromkeys(values) if value is not None]

    def _items(self, collection: str) -> list[dict]:
        if collection not in self.collections:
            items = []
            for headers in self.headers:
                response = self.client.get(collection, headers=headers)
                body = response.get_json(silent=True) if response.status_code == 200 else None
                if isinstance(body, dict):
                    body = body.get("results")
                items += [item for item in body or [] if isinstance(item, dict)][:OBJECTS_PER_COLLECTION]
            self.collections[collection] = items
        return self.collections[collection]


@dataclass
class Violations:
    """Every distinct violation (operation, kind, status), with the first request that showed it."""

    found: dict = field(default_factory=dict)

    def add(self, case, response, title: str, message: str) -> None:
        key = (case.operation.label, title, response.status_code)
        if key not in self.found:
            curl = case.as_curl_command(headers=dict(response.request.headers))
            self.found[key] = f"{message.strip()}\n    {curl}"

    def report(self) -> str:
        lines = [f"{len(self.found)} violation(s) of the live schema:"]
        for (label, title, status), detail in sorted(self.found.items()):
            lines.append(f"\n{label} → {status}: {title}\n    " + detail.replace("\n", "\n    "))
        return "\n".join(lines)


def requires_sign_in(operation) -> bool:
    security = operation.definition.raw.get("security", [])
    return bool(security) and {} not in security


def strategies(operation, existing: ExistingObjects):
    """(strategy, examples) pairs for one operation: valid requests, invalid ones where there is anything to get
    wrong, and valid ones aimed at existing objects."""
    yield operation.as_strategy(GenerationMode.POSITIVE), EXAMPLES["valid"]
    declared = operation.definition.raw
    if declared.get("parameters") or declared.get("requestBody"):  # security headers alone cannot be negated
        yield operation.as_strategy(GenerationMode.NEGATIVE), EXAMPLES["invalid"]
    known = existing.path_parameters(operation.path) if operation.path_parameters else []
    if known:
        aimed = st.sampled_from(known).flatmap(lambda values: operation.as_strategy(path_parameters=values))
        yield aimed, EXAMPLES["existing"]


def send_and_check(case, headers: dict, anonymous: bool, violations: Violations) -> None:
    response = case.call(headers=headers)
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            violations.add(case, response, failure.title, failure.message)
    if anonymous and requires_sign_in(case.operation) and response.status_code < 400:
        violations.add(case, response, "Served without sign-in", "an anonymous request was answered")


def explore(strategy, examples: int, check) -> None:
    @hypothesis.settings(EXPLORATION, max_examples=examples)
    @hypothesis.given(case=strategy)
    def run(case):
        check(case)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_is_documented_by_the_live_schema(live_schema, wsgi_app, role):
    headers = auth_headers(role)
    discovery = [headers] if role == DISCOVERER else [headers, auth_headers(DISCOVERER)]
    existing = ExistingObjects(wsgi_app, discovery)
    violations = Violations()

    def check(case):
        send_and_check(case, headers, role == ANONYMOUS, violations)

    operations = [result.ok() for result in live_schema.get_all_operations()]
    assert len(operations) > 40  # the whole API, not an empty or truncated schema
    for operation in operations:
        for strategy, examples in strategies(operation, existing):
            explore(strategy, examples, check)
    assert not violations.found, violations.report()


def test_the_live_schema_is_valid_openapi(db, client):
    from drf_spectacular.validation import validate_schema

    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    validate_schema(response.json())
