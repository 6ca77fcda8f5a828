"""schemathesis against the OpenAPI schema: whatever it sends, the API never answers 5xx, and every error
body has the PaxvetError.to_dict() shape."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from fixtures.web.seed_web import seed
from paxvet.accounts.auth import issue_api_token
from paxvet.accounts.service import find_user
from paxvet.db import make_engine, migrate, session_scope
from paxvet.settings import Settings
from paxvet.web.app import create_app

warnings.filterwarnings("ignore", category=DeprecationWarning)


def _app_and_token() -> tuple[object, str]:
    folder = Path(tempfile.mkdtemp(prefix="paxvet-schema-"))
    engine = make_engine(f"sqlite:///{folder / 'paxvet.sqlite3'}")
    migrate(engine)
    seed(engine, folder)
    with session_scope(engine) as session:
        user = find_user(session, "sofia")  # supervisor: every read route and decisions are reachable
        assert user is not None
        token = issue_api_token(session, user, "schemathesis")
    return create_app(engine, Settings(data_dir=folder)), token


APP, TOKEN = _app_and_token()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_5xx(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "message", "problems"}


def test_schema_lists_the_api() -> None:
    paths = set(schema.raw_schema["paths"])
    assert {
        "/api/v1/flights",
        "/api/v1/hits",
        "/api/v1/hits/{hit_id}/decision",
        "/api/v1/travellers/{traveller_id}",
    } <= paths
    assert not any(not p.startswith("/api/v1/") for p in paths)  # pages stay out of the API schema


pytestmark = pytest.mark.filterwarnings("ignore")
