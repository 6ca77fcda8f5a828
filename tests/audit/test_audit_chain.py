"""The audit chain: search, and `paxvet audit verify` finding altered, inserted and deleted rows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from paxvet.audit.models import AuditEvent
from paxvet.audit.search import AuditQuery, search_events
from paxvet.audit.service import record_event, verify_chain
from paxvet.cli import app
from paxvet.console import open_engine
from paxvet.db import session_scope, utcnow


def _three(engine: Engine) -> None:
    with session_scope(engine) as s:
        record_event(
            s, "traveller:record:viewed", actor="ana", agency="MX-INM", subject_type="traveller", subject_id=7
        )
        record_event(
            s,
            "vetting:hit:decided",
            actor="ana",
            agency="MX-INM",
            subject_type="hit",
            subject_id=3,
            details={"disposition": "false_positive"},
        )
        record_event(s, "accounts:login:succeeded", actor="bob", agency="US-CBP")


def test_search_by_user_subject_action_and_time(engine: Engine) -> None:
    _three(engine)
    with session_scope(engine) as s:
        assert [e.seq for e in search_events(s, AuditQuery(actor="ana"))] == [2, 1]
        assert [e.seq for e in search_events(s, AuditQuery(subject_type="traveller", subject_id="7"))] == [1]
        assert [e.seq for e in search_events(s, AuditQuery(action="vetting:"))] == [2]
        assert [e.seq for e in search_events(s, AuditQuery(agency="US-CBP"))] == [3]
        assert search_events(s, AuditQuery(since=utcnow() + timedelta(minutes=1))) == []


def test_verify_detects_an_altered_row(engine: Engine) -> None:
    _three(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 2"))
    with session_scope(engine) as s:
        report = verify_chain(s)
    assert (report.ok, report.first_bad_seq) == (False, 2)
    assert "altered" in report.reason


def test_verify_detects_a_deleted_row(engine: Engine) -> None:
    _three(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    with session_scope(engine) as s:
        report = verify_chain(s)
    assert (report.ok, report.first_bad_seq) == (False, 2)
    assert "deleted" in report.reason


def test_verify_detects_an_inserted_row(engine: Engine) -> None:
    _three(engine)
    with engine.begin() as conn:
        # an intruder shifts the later rows up and slips a forged, self-consistent row in at seq 2
        conn.execute(text("UPDATE audit_event SET seq = seq + 100 WHERE seq >= 2"))
        conn.execute(text("UPDATE audit_event SET seq = seq - 99 WHERE seq >= 100"))
        row = conn.execute(text("SELECT hash, at FROM audit_event WHERE seq = 1")).one()
        conn.execute(
            text(
                "INSERT INTO audit_event (seq, at, action, actor, details, prev_hash, hash) "
                "VALUES (2, :at, 'vetting:hit:decided', 'mallory', '{}', :prev, :h)"
            ),
            {"at": row.at, "prev": row.hash, "h": "f" * 64},
        )
    with session_scope(engine) as s:
        report = verify_chain(s)
    assert report.ok is False
    assert report.first_bad_seq == 2


def test_audit_verify_command(cli_env: Path) -> None:
    runner = CliRunner()
    _three(open_engine())
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "3 events" in ok.output
    with open_engine().begin() as conn:
        conn.execute(text('UPDATE audit_event SET details = \'{"disposition": "true_match"}\' WHERE seq = 2'))
    broken = runner.invoke(app, ["audit", "verify", "--json"])
    assert broken.exit_code == 1
    assert '"first_bad_seq": 2' in broken.output
    log = runner.invoke(app, ["audit", "log", "--user", "bob", "--json"])
    assert '"accounts:login:succeeded"' in log.output


def test_verify_detects_deletion_at_the_end_of_the_chain(engine: Engine) -> None:
    _three(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    with session_scope(engine) as s:
        report = verify_chain(s)
    assert (report.ok, report.first_bad_seq) == (False, 3)
    assert "deleted" in report.reason


def test_concurrent_writers_never_collide(engine: Engine) -> None:
    """Twenty threads appending at once: every event gets its own sequence number and the chain holds."""
    import threading

    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                with session_scope(engine) as s:
                    record_event(s, "traveller:record:viewed", actor=f"user{n}", subject_id=i)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    with session_scope(engine) as s:
        record_event(s, "accounts:login:succeeded", actor="first")
    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine) as s:
        report = verify_chain(s)
    assert report.ok and report.checked == 101


def test_views_appended_by_group_commit_keep_one_chained_event_each(engine: Engine) -> None:
    """record_view from twenty threads at once, more than the connection pool holds: batches share a
    commit, yet every view is its own event, committed when the call returns, and the chain verifies."""
    import threading

    from paxvet.audit.service import record_view

    errors: list[BaseException] = []

    def view(n: int) -> None:
        try:
            for i in range(5):
                with session_scope(engine) as s:
                    s.execute(select(AuditEvent.id).limit(1))  # holds a pooled connection, as a page does
                    record_view(s, "traveller:record:viewed", actor=f"user{n}", subject_id=i)
                with session_scope(engine) as s:  # visible to another session as soon as the call returns
                    mine = s.scalars(
                        select(AuditEvent).where(
                            AuditEvent.actor == f"user{n}", AuditEvent.subject_id == str(i)
                        )
                    ).all()
                    assert len(mine) == 1
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=view, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine) as s:
        report = verify_chain(s)
    assert report.ok and report.checked == 100


def test_group_commit_refuses_a_malformed_action_before_writing(engine: Engine) -> None:
    from paxvet.audit.service import record_view
    from paxvet.errors import InvalidInput

    with pytest.raises(InvalidInput), session_scope(engine) as s:
        record_view(s, "viewed", actor="ana")
    with session_scope(engine) as s:
        assert verify_chain(s).checked == 0
