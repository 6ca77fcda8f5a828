"""The records' own __init__ (records.py) takes and sets exactly the dataclass fields."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from paxvet.match.records import DateRange, Document, Name, PartialDate, PersonRecord

CLASSES = (PartialDate, DateRange, Name, Document, PersonRecord)


@pytest.mark.parametrize("cls", CLASSES)
def test_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    parameters = list(inspect.signature(cls).parameters.values())
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for p, f in zip(parameters, fields, strict=True):
        if f.default is not dataclasses.MISSING:
            assert p.default == f.default
        elif f.default_factory is not dataclasses.MISSING:
            assert p.default is None  # the factory's value is made per record
        else:
            assert p.default is inspect.Parameter.empty


def test_records_are_set_frozen_and_equal() -> None:
    record = PersonRecord(
        (Name("A B", given="A", family="B", kind="alias"),),
        (PartialDate(1962, 11, circa=True), DateRange(1960, 1963)),
        "M",
        ("VEN",),
        (Document("X123", "VEN", doc_type="P"),),
        key="k1",
    )
    assert record.names[0].family == "B" and record.dates_of_birth[0].circa and record.key == "k1"
    assert record.extra == {} and PersonRecord(()).extra is not PersonRecord(()).extra
    same = PersonRecord(
        names=record.names,
        dates_of_birth=record.dates_of_birth,
        gender="M",
        nationalities=("VEN",),
        documents=record.documents,
        key="k1",
        extra={"ignored": "by equality"},
    )
    assert same == record and hash(same) == hash(record)
    assert dataclasses.replace(record, gender="F").gender == "F"
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.names[0].full = "C"  # type: ignore[misc]
