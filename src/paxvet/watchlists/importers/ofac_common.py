"""OFAC's legacy CSV sets (SDN and the consolidated non-SDN lists share the layout).

Primary file: ent_num, name, type, program, title, call_sign, vess_type, tonnage, GRT, vess_flag,
vess_owner, remarks; no header; '-0-' means empty; the file ends with a DOS end-of-file byte (0x1A).
Alias file: ent_num, alt_num, alt_type (aka/fka/nka), alt_name, remarks. Comments file: ent_num and the
overflow of the remarks field. Individuals become person entries; entities, vessels and aircraft are
counted and skipped (paxvet screens travellers). Names are 'SURNAME(S), Given names' for individuals.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from paxvet.errors import Problem, ProblemList
from paxvet.watchlists.importers.base import (
    ParsedList,
    Problems,
    SourceError,
    build_entry,
    csv_rows,
    finish,
)
from paxvet.watchlists.importers.base import read_text as _read_text
from paxvet.watchlists.importers.ofac_remarks import parse_remarks
from paxvet.watchlists.schemas import EntryName, EntryRecord

PRIMARY_COLUMNS = 12
_DATE_SUFFIX = r"(?:[_-]\d{4}(?:-\d{2}){0,2}|[_-]\d{8})?"


@dataclass(frozen=True)
class FileSet:
    """The file stems of one OFAC set: ('sdn', 'alt', 'sdn_comments') or ('cons_prim', 'cons_alt', ...)."""

    primary: str
    alias: str
    comments: str


SDN = FileSet("sdn", "alt", "sdn_comments")
CONSOLIDATED = FileSet("cons_prim", "cons_alt", "cons_comments")


def read_text(path: Path) -> str:
    # OFAC strips accents but older files carry the odd Windows-1252 byte; never fail on that.
    return _read_text(path, fallback="cp1252").replace("\x1a", "")


def find_file(folder: Path, stem: str, problems: ProblemList) -> Path | None:
    """'alt.csv' or a dated copy such as 'alt_2025-01.csv'; the newest name wins when several are there."""
    pattern = re.compile(rf"^{re.escape(stem)}{_DATE_SUFFIX}\.csv$", re.IGNORECASE)
    found = sorted(p for p in folder.iterdir() if p.is_file() and pattern.match(p.name))
    if len(found) > 1:
        problems.warning(f"several {stem} files; using {found[-1].name}", str(folder))
    return found[-1] if found else None


def locate(path: Path, files: FileSet, problems: ProblemList) -> tuple[Path, Path | None, Path | None]:
    """PATH is the folder of the set or its primary file; the alias and comments files sit beside it."""
    if path.is_dir():
        primary = find_file(path, files.primary, problems)
        if primary is None:
            raise SourceError(Problem(f"no {files.primary}.csv (or dated copy) in this folder", str(path)))
        folder = path
    elif path.is_file():
        primary, folder = path, path.parent
    else:
        raise SourceError(Problem("no such file or folder", str(path)))
    return primary, find_file(folder, files.alias, problems), find_file(folder, files.comments, problems)


def empty(value: str) -> str:
    value = value.strip()
    return "" if value == "-0-" else value


def split_name(name: str, individual: bool) -> EntryName | None:
    """'GUZMAN LOERA, Joaquin Archivaldo' -> full 'Joaquin Archivaldo GUZMAN LOERA' with its parts."""
    name = " ".join(name.split())
    if not name:
        return None
    family, comma, given = name.partition(",")
    if individual and comma and family.strip() and given.strip():
        given, family = given.strip(), family.strip()
        return EntryName(full=f"{given} {family}", given=given, family=family)
    return EntryName(full=name)


def parse_ofac(path: Path, files: FileSet) -> ParsedList:
    problems = Problems()
    primary, alias_file, comments_file = locate(path, files, problems)
    primary_text = read_text(primary)
    alias_text = read_text(alias_file) if alias_file else ""
    comments_text = read_text(comments_file) if comments_file else ""
    counts: Counter[str] = Counter()
    comments = _comments(comments_text, comments_file, problems)
    aliases = _aliases(alias_text, alias_file, problems, counts)
    seen: set[str] = set()
    entries = _primary(primary_text, primary.name, comments, aliases, problems, counts, seen)
    # Alias files newer than the primary file name entries designated later: ignored, but counted.
    counts["aliases_without_entry"] = sum(len(v) for k, v in aliases.items() if k not in seen)
    return finish(entries, problems, counts)


def _comments(text: str, file: Path | None, problems: ProblemList) -> dict[str, str]:
    result: dict[str, str] = {}
    if file is None:
        return result
    for row in csv_rows(text, problems, file.name):
        if not any(v.strip() for v in row.values):
            continue
        if len(row.values) < 2 or not row.values[0].strip().isdigit():
            problems.error("expected ent_num,remarks", f"{file.name}:line {row.line}")
            continue
        ent = row.values[0].strip()
        result[ent] = result.get(ent, "") + empty(",".join(row.values[1:]))
    return result


def _aliases(
    text: str, file: Path | None, problems: ProblemList, counts: Counter[str]
) -> dict[str, list[tuple[str, str]]]:
    result: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if file is None:
        return result
    for row in csv_rows(text, problems, file.name):
        if not any(v.strip() for v in row.values):
            continue
        if len(row.values) != 5 or not row.values[0].strip().isdigit():
            problems.error(
                f"expected 5 fields (ent_num,alt_num,alt_type,alt_name,remarks), found {len(row.values)}",
                f"{file.name}:line {row.line}",
            )
            continue
        counts["alias_rows"] += 1
        ent, _, alt_type, alt_name, _ = row.values
        if empty(alt_name):
            result[ent.strip()].append((empty(alt_type).lower(), empty(alt_name)))
    return result


def _primary(
    text: str,
    name: str,
    comments: dict[str, str],
    aliases: dict[str, list[tuple[str, str]]],
    problems: ProblemList,
    counts: Counter[str],
    seen: set[str],
) -> list[EntryRecord]:
    entries: list[EntryRecord] = []
    for row in csv_rows(text, problems, name):
        if not any(v.strip() for v in row.values):
            continue
        location = f"{name}:line {row.line}"
        if len(row.values) != PRIMARY_COLUMNS:
            problems.error(f"expected {PRIMARY_COLUMNS} fields, found {len(row.values)}", location)
            continue
        counts["rows"] += 1
        ent_num = row.values[0].strip()
        seen.add(ent_num)
        if not ent_num.isdigit():
            problems.error(f"ent_num {ent_num!r} is not a number", location)
            continue
        sdn_type = empty(row.values[2]).lower() or "entity"
        if sdn_type != "individual":
            counts[f"skipped_{sdn_type}"] += 1
            continue
        remarks = empty(row.values[11]) + comments.get(ent_num, "")
        entry = _individual(row.values, remarks, aliases.get(ent_num, []), problems, location, counts)
        if entry is not None:
            entries.append(entry)
    return entries


def _individual(
    values: list[str],
    remarks: str,
    aliases: list[tuple[str, str]],
    problems: ProblemList,
    location: str,
    counts: Counter[str],
) -> EntryRecord | None:
    primary = split_name(empty(values[1]), individual=True)
    if primary is None:
        problems.error("an individual without a name", location)
        return None
    facts = parse_remarks(remarks)
    for item in facts.unreadable:
        problems.warning(f"remark not understood: {item!r}", location)
    names = [primary]
    for _alt_type, alt_name in aliases:
        alias = split_name(alt_name, individual=True)
        if alias is not None:
            names.append(alias.model_copy(update={"kind": "alias"}))
    names.extend(EntryName(full=weak, kind="weak") for weak in facts.weak_aliases)
    title = empty(values[4])
    return build_entry(
        problems,
        location,
        counts,
        source_id=values[0].strip(),
        names=names,
        dates_of_birth=facts.dates_of_birth,
        places_of_birth=facts.places_of_birth,
        nationalities=facts.nationalities,
        citizenships=facts.citizenships,
        gender=facts.gender,
        documents=facts.documents,
        remarks="; ".join(p for p in (f"Title: {title}" if title else "", remarks) if p) or None,
        programs=[p.strip() for p in re.split(r"\]\s*\[", empty(values[3]).strip("[]")) if p.strip()],
    )
