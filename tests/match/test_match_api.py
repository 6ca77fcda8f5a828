"""The public API other domains build on."""

import itertools

from paxvet.match import DEFAULT_THRESHOLD, MatchResult, Name, PartialDate, PersonRecord, Screener, score_pair


def person(full: str, *dobs: PartialDate) -> PersonRecord:
    return PersonRecord(names=(Name(full),), dates_of_birth=dobs)


def test_score_pair_returns_score_and_explanation() -> None:
    result = score_pair(person("Joaquin Guzman Loera"), person("GUZMAN LOERA, Joaquin Archivaldo"))
    assert isinstance(result, MatchResult)
    assert DEFAULT_THRESHOLD <= result.score <= 1.0
    data = result.explanation.to_dict()
    assert data["name"]["entry_leftover"] == [{"token": "Archivaldo", "role": "given name"}]  # type: ignore[index]
    assert "Guzman~GUZMAN exact" in result.explanation.summary


def test_screener_finds_listed_person_best_first() -> None:
    entries = [person("SMITH, John"), person("GUZMAN LOERA, Joaquin Archivaldo"), person("GUZMAN, Maria")]
    screener = Screener(entries)
    found = screener.screen(person("Joaquín Guzmán"), threshold=0.5)
    assert next(r.entry_index for r in found) == 1
    assert all(a.score >= b.score for a, b in itertools.pairwise(found))
    assert screener.screen(person("Nobody Atall")) == []
