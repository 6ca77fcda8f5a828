"""The officers' CLI against a real SQLite data directory: `paxvet lists load`, `paxvet ingest` (screens
each stored file), `paxvet queue --json`, `paxvet hit show|decide`, `paxvet allowlist`, `paxvet rescreen`,
and a SIGKILL in the middle of an ingest-and-screen batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from conftest import POSTGRES_URL
from paxvet.cli import main
from paxvet.db import utcnow

sys.path.insert(0, str(Path(__file__).parents[1] / "screening"))
from screening_factories import Person, paxlst, wanted_csv

WANTED = [
    {
        "source_id": "MX-001",
        "given_names": "Joaquin",
        "surname": "Guzman Loera",
        "dates_of_birth": "1957-04-04",
        "warrant_number": "OA-1",
        "extradition_request": "yes",
    },
    {
        "source_id": "MX-002",
        "given_names": "Rafael",
        "surname": "Caro Quintero",
        "dates_of_birth": "1952-10-24",
    },
]
SURNAMES = ["PEREZ", "LOPEZ", "MARTINEZ", "HERNANDEZ", "GARCIA", "RAMIREZ", "TORRES", "FLORES", "RIVERA"]
GIVEN = ["ANA", "JUAN", "SOFIA", "LUIS", "EVA", "PEDRO", "LUCIA", "MARIO", "ELENA", "DIEGO", "ROSA"]


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["paxvet", *args])
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def manifests(folder: Path, flights: int, per_flight: int = 20) -> Path:
    """`flights` PAXLST files; every third flight carries Guzman, every fifth Caro (under variant names)."""
    folder.mkdir(parents=True, exist_ok=True)
    arrival = utcnow().replace(second=0, microsecond=0) + timedelta(hours=2)
    for f in range(flights):
        people = [
            Person(
                SURNAMES[(f + i) % 9],
                GIVEN[(f * 3 + i) % 11],
                date(1960 + (f + i) % 40, 1 + i % 12, 1 + f % 28),
                f"N{f:03d}{i:04d}",
            )
            for i in range(per_flight)
        ]
        if f % 3 == 0:
            people.append(Person("GUZMAN LOERA", "JOAQUIN", date(1957, 4, 4), f"G{f:07d}"))
        if f % 5 == 0:
            people.append(Person("CARO-QUINTERO", "RAFAEL", date(1952, 10, 24), f"R{f:07d}"))
        data = paxlst(people, arrival=arrival + timedelta(minutes=7 * f), number=str(100 + f), ref=str(f + 1))
        (folder / f"flight{f:03d}.edi").write_bytes(data)
    return folder


@pytest.fixture
def loaded(cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    wanted_csv(cli_env / "wanted.csv", WANTED)
    code, _out, err = run(
        monkeypatch,
        capsys,
        "lists",
        "load",
        "paxvet-csv",
        str(cli_env / "wanted.csv"),
        "--list",
        "FGR-WANTED",
        "--category",
        "wanted",
        "--severity",
        "critical",
    )
    assert code == 0, err
    code, _out, err = run(monkeypatch, capsys, "ingest", str(manifests(cli_env / "in", 4)), "--json")
    assert code == 0, err
    return cli_env


def queue(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = run(monkeypatch, capsys, "queue", "--json", *args)
    assert code == 0, err
    result: list[dict] = json.loads(out)  # type: ignore[type-arg]
    return result


def test_queue_json_is_the_promised_shape(
    loaded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    items = queue(monkeypatch, capsys)
    assert [(i["flight"], i["source_id"]) for i in items] == [
        ("AM100", "MX-001"),
        ("AM100", "MX-002"),
        ("AM103", "MX-001"),
    ]
    first = items[0]
    assert {
        "id",
        "flight",
        "arrival",
        "traveller",
        "list",
        "source_id",
        "score",
        "severity",
        "status",
    } <= set(first)
    assert first["traveller"] == first["traveller"] | {
        "surname": "GUZMAN LOERA",
        "given_names": "JOAQUIN",
        "date_of_birth": "1957-04-04",
    }
    assert first["list"] == "FGR-WANTED" and first["status"] == "open" and first["severity"] == "critical"
    assert first["arrival"].startswith(str(utcnow().date())[:4])
    assert queue(monkeypatch, capsys, "--flight", "AM103")[0]["flight"] == "AM103"
    assert queue(monkeypatch, capsys, "--status", "confirmed") == []
    # lists loaded without --owner belong to 'local': another agency's officer sees none of their hits
    assert len(queue(monkeypatch, capsys, "--agency", "local")) == len(items)
    assert queue(monkeypatch, capsys, "--agency", "MX-INM") == []


def test_hit_show_and_decide(
    loaded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hit_id = str(queue(monkeypatch, capsys)[0]["id"])
    code, out, _ = run(monkeypatch, capsys, "hit", "show", hit_id, "--json")
    assert code == 0 and json.loads(out)["explanation"]["name"]
    code, out, _ = run(monkeypatch, capsys, "hit", "show", hit_id)
    assert code == 0 and "GUZMAN LOERA" in out
    code, _, err = run(monkeypatch, capsys, "hit", "decide", hit_id, "--disposition", "false_positive")
    assert code == 2 and "comment is required" in err
    code, out, err = run(
        monkeypatch,
        capsys,
        "hit",
        "decide",
        hit_id,
        "--disposition",
        "false_positive",
        "--comment",
        "born in Sonora, different person",
        "--officer",
        "officer.ruiz",
    )
    assert code == 0, err
    assert "allow-listed" in out
    code, out, _ = run(monkeypatch, capsys, "hit", "show", hit_id, "--json")
    (record,) = json.loads(out)["history"]
    assert record["officer"] == "officer.ruiz" and record["comment"] == "born in Sonora, different person"
    code, _, err = run(
        monkeypatch, capsys, "hit", "decide", "99999", "--disposition", "confirmed", "--comment", "x"
    )
    assert code == 2 and "no hit 99999" in err


def test_allowlist_list_and_revoke(
    loaded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hit_id = str(queue(monkeypatch, capsys)[0]["id"])
    run(monkeypatch, capsys, "hit", "decide", hit_id, "-d", "false_positive", "-c", "not him")
    code, out, _ = run(monkeypatch, capsys, "allowlist", "list", "--json")
    (row,) = json.loads(out)
    assert row["state"] == "active" and row["date_of_birth"] == "1957-04-04"
    code, out, _ = run(monkeypatch, capsys, "allowlist", "revoke", str(row["id"]), "--reason", "new evidence")
    assert code == 0
    code, out, _ = run(monkeypatch, capsys, "allowlist", "list", "--json")
    assert json.loads(out) == []
    code, _, err = run(monkeypatch, capsys, "allowlist", "revoke", str(row["id"]))
    assert code == 2 and "already revoked" in err


def test_withdrawn_hit_cannot_be_decided_and_lists_load_retro_screens(
    loaded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    caro = next(i for i in queue(monkeypatch, capsys) if i["source_id"] == "MX-002")
    wanted_csv(loaded / "wanted.csv", [WANTED[0]])
    code, out, err = run(
        monkeypatch,
        capsys,
        "lists",
        "load",
        "paxvet-csv",
        str(loaded / "wanted.csv"),
        "--list",
        "FGR-WANTED",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["retro_screening"]["withdrawn_hits"] == 1
    code, _, err = run(monkeypatch, capsys, "hit", "decide", str(caro["id"]), "-d", "confirmed", "-c", "seen")
    assert code == 2 and "withdrawn" in err
    code, out, _ = run(monkeypatch, capsys, "rescreen", "--json")
    assert code == 0 and json.loads(out)["travellers"] == 4 * 20 + 2 + 1
    code, out, _ = run(monkeypatch, capsys, "rescreen", "--list", "FGR-WANTED")
    assert code == 0 and "travellers covered" in out
    code, _, err = run(monkeypatch, capsys, "rescreen", "--list", "NOPE")
    assert code == 2 and "NOPE" in err


def test_confirmed_wanted_person_shows_a_lookout(
    loaded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hit_id = str(queue(monkeypatch, capsys)[0]["id"])
    code, out, _ = run(monkeypatch, capsys, "hit", "decide", hit_id, "-d", "confirmed", "-c", "photo matches")
    assert code == 0 and "lookout" in out
    code, out, _ = run(monkeypatch, capsys, "lookouts", "--json", "--port", "MEX")
    (lookout,) = json.loads(out)
    assert lookout["hit_id"] == int(hit_id) and "OA-1" in lookout["reason"]


def _snapshot(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        travellers = conn.execute(
            text(
                "SELECT f.carrier || f.number, t.identity_key FROM traveller t "
                "JOIN flight f ON f.id = t.flight_id ORDER BY 1, 2"
            )
        ).all()
        found = conn.execute(
            text(
                "SELECT f.carrier || f.number, t.identity_key, h.kind, e.source_id, h.status, h.score "
                "FROM hit h JOIN traveller t ON t.id = h.traveller_id JOIN flight f ON f.id = h.flight_id "
                "LEFT JOIN watchlist_entry e ON e.id = h.entry_id ORDER BY 1, 2, 4"
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in travellers], [tuple(r) for r in found]


def _cli(data_dir: Path, url: str, *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PAXVET_DATA_DIR": str(data_dir), "PAXVET_DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "paxvet.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **kwargs,
    )  # type: ignore[call-overload]


def _count(url: str, table: str) -> int:
    engine = create_engine(url, connect_args={"timeout": 5} if url.startswith("sqlite") else {})
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    except (OperationalError, ProgrammingError):
        return 0  # not migrated yet
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """An empty database per run ("clean", "killed") on the backend: SQLite files, or PostgreSQL schemas."""
    names = ("clean", "killed")
    if request.param == "sqlite":
        yield {n: f"sqlite:///{tmp_path / n / 'paxvet.sqlite3'}" for n in names}
        return
    schemas = {n: f"paxvet_kill_{os.getpid()}_{n}" for n in names}
    try:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for schema in schemas.values():
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        if os.environ.get("PAXVET_TEST_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield {n: f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}" for n, schema in schemas.items()}
    with admin.connect() as conn:
        for schema in schemas.values():
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def test_sigkill_mid_batch_then_rerun_equals_an_uninterrupted_run(
    tmp_path: Path, database_urls: dict[str, str]
) -> None:
    folder = manifests(tmp_path / "in", 40, per_flight=20)
    wanted_csv(tmp_path / "wanted.csv", WANTED)
    results = []
    for name, kill in (("clean", False), ("killed", True)):
        data_dir, url = tmp_path / name, database_urls[name]
        load = _cli(
            data_dir, url, "lists", "load", "paxvet-csv", str(tmp_path / "wanted.csv"), "--list", "FGR-WANTED"
        )
        assert load.wait(120) == 0
        process = _cli(data_dir, url, "ingest", str(folder))
        if kill:
            deadline = time.monotonic() + 120
            while _count(url, "ingest_file") < 8 and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert process.poll() is None, "the batch finished before it could be killed"
            process.send_signal(signal.SIGKILL)
            assert process.wait(30) == -signal.SIGKILL
            assert 0 < _count(url, "ingest_file") < 40
            process = _cli(data_dir, url, "ingest", str(folder))
        assert process.wait(300) == 0, process.stderr.read() if process.stderr else ""
        results.append(_snapshot(url))
    (clean_travellers, clean_hits), (killed_travellers, killed_hits) = results
    assert len(clean_travellers) == 40 * 20 + 14 + 8
    assert len(clean_hits) == 14 + 8
    assert killed_travellers == clean_travellers
    assert killed_hits == clean_hits
