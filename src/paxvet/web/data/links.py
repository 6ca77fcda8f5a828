"""The link-analysis page's read model: travel history, the 1-2 hop neighbourhood, the open hits the
viewer may see on each neighbour, and a small graph laid out on the server (rings by hop) for inline SVG."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paxvet.accounts.policy import Viewer, visible_hits_clause
from paxvet.errors import NotFound
from paxvet.flights.models import Traveller
from paxvet.links.service import Neighbourhood, TravelHistory, neighbourhood, travel_history
from paxvet.links.shared import SharedItem, shared_items
from paxvet.screening.models import Hit
from paxvet.web.i18n import N_

SIZE, CENTRE, RINGS = 420, 210, (0.0, 95.0, 175.0)
# the line's colour: the most telling shared item (a card or phone says more than a booking)
PRIORITY = ("card", "phone", "email", "address", "seat", "booking")

KINDS = {
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "card": N_("Card (hash)"),
    "address": N_("Address"),
    "booking": N_("Same booking"),
    "seat": N_("Adjacent seat"),
}


@dataclass
class Node:
    traveller_id: int
    label: str
    hops: int
    x: float
    y: float
    open_hits: int = 0
    title: str = ""


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # the first shared kind: colours the line


@dataclass
class LinksView:
    traveller: Traveller
    history: TravelHistory
    links: Neighbourhood
    open_hits: dict[int, int]
    shared: dict[int, list[SharedItem]] = field(default_factory=dict)  # per linked traveller: what exactly
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def links_view(
    session: Session, viewer: Viewer, traveller_id: int, *, hops: int, days: int | None, limit: int
) -> LinksView:
    """Everything the page shows. The time window is centred on this traveller's flight date."""
    traveller = session.get(Traveller, traveller_id)
    if traveller is None:
        raise NotFound(f"no traveller {traveller_id}")
    found = neighbourhood(
        session, traveller_id, hops=hops, days=days, limit=limit, as_of=traveller.flight.flight_date
    )
    counts = open_hits(session, viewer, [n.traveller_id for n in found.neighbours])
    view = LinksView(traveller, travel_history(session, traveller_id), found, counts)
    view.shared = what_is_shared(session, traveller_id, found)
    view.nodes, view.edges = layout(traveller, found, counts)
    return view


def what_is_shared(session: Session, traveller_id: int, found: Neighbourhood) -> dict[int, list[SharedItem]]:
    """A first-hop neighbour shares items with the traveller; a second-hop one with the travellers it is
    reached through."""
    pairs = [
        (source, n.traveller_id)
        for n in found.neighbours
        for source in ([traveller_id] if n.hops == 1 else n.via)
    ]
    by_pair = shared_items(session, pairs, found.window)
    out: dict[int, list[SharedItem]] = {}
    for (_, target), items in by_pair.items():
        out.setdefault(target, []).extend(i for i in items if i not in out.get(target, []))
    return {tid: sorted(items, key=lambda i: (i.kind, i.value)) for tid, items in out.items()}


def open_hits(session: Session, viewer: Viewer, ids: list[int]) -> dict[int, int]:
    """Open hits per traveller, counting only hits this viewer's agency may see (the same policy as the
    traveller page)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Hit.traveller_id, func.count())
        .where(Hit.traveller_id.in_(ids), Hit.status == "open", visible_hits_clause(viewer))
        .group_by(Hit.traveller_id)
    ).all()
    return {tid: int(n) for tid, n in rows}


def _short(text: str, width: int = 18) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def layout(
    traveller: Traveller, found: Neighbourhood, counts: dict[int, int]
) -> tuple[list[Node], list[Edge]]:
    """Subject in the centre, first-hop neighbours on the inner ring, second-hop on the outer ring."""
    centre = Node(traveller.id, _short(traveller.full_name), 0, CENTRE, CENTRE, title=traveller.full_name)
    nodes, where = [centre], {traveller.id: centre}
    for ring in (1, 2):
        members = [n for n in found.neighbours if n.hops == ring]
        for i, n in enumerate(members):
            angle = 2 * math.pi * i / max(len(members), 1) - math.pi / 2 + (0.3 if ring == 2 else 0.0)
            node = Node(
                n.traveller_id,
                _short(n.name or f"#{n.traveller_id}"),
                ring,
                round(CENTRE + RINGS[ring] * math.cos(angle), 1),
                round(CENTRE + RINGS[ring] * math.sin(angle), 1),
                counts.get(n.traveller_id, 0),
                f"{n.name} · {n.flight} {n.flight_date or ''}",
            )
            nodes.append(node)
            where[n.traveller_id] = node
    edges = []
    for n in found.neighbours:
        to = where[n.traveller_id]
        sources = [traveller.id] if n.hops == 1 else [v for v in n.via if v in where]
        for source in sources:
            start = where[source]
            edges.append(Edge(start.x, start.y, to.x, to.y, _strongest(n.shared)))
    return nodes, edges


def _strongest(kinds: tuple[str, ...]) -> str:
    return next((k for k in PRIORITY if k in kinds), "booking")


# The resolver explains itself in English; these patterns turn its reasons into translatable sentences.
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^the traveller asked about$"), N_("this traveller")),
    (
        re.compile(r"^same document (?P<number>\S+) issued by (?P<country>\S+)$"),
        N_("same document %(number)s issued by %(country)s"),
    ),
    (
        re.compile(r"^same document number (?P<number>\S+) \(issuing country not known on both\)$"),
        N_("same document number %(number)s (issuing country not known on both)"),
    ),
    (
        re.compile(r"^matcher (?P<score>[\d.]+): (?P<detail>.*)$"),
        N_("names and date of birth judged by the matcher (%(score)s): %(detail)s"),
    ),
]
_CO = re.compile(r"^(?P<name>.*) \((?P<how>[^()]*)\)$")
CO_KINDS = {"same booking": N_("same booking"), "seat neighbour": N_("seat neighbour")}


def reason_text(reason: str, gettext: Any) -> str:
    for pattern, message in _REASONS:
        m = pattern.match(reason)
        if m:
            return str(gettext(message)) % m.groupdict()
    return reason


def co_traveller_text(entry: str, gettext: Any) -> str:
    m = _CO.match(entry)
    if not m:
        return entry
    how = ", ".join(str(gettext(CO_KINDS.get(k.strip(), k.strip()))) for k in m["how"].split(","))
    return f"{m['name']} ({how})"


def window_text(window: tuple[date, date] | None) -> str:
    return "" if window is None else f"{window[0].isoformat()} – {window[1].isoformat()}"
