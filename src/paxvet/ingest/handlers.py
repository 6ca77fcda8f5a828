"""Handler registry: one handler per message type, all behind the same raw store, quarantine and replay.

A handler maps one received message into the domain tables:

    handler(session, message, raw_message) -> HandlerOutcome

* `message` is an `edifact.Message` for EDIFACT types ("PAXLST", "PNRGOV", ...) and the raw payload
  (`bytes`) for XML types ("xml:<root element name>", e.g. "xml:IATA_PNRGOV_NotifRQ").
* `raw_message` is the stored `RawMessage` (committed, so it has an id): link what you create to it (e.g.
  `Traveller.last_message_id = raw_message.id`). Set its `flight_id` and `part_set_key` as needed: the
  service writes them with the message's outcome, in the same transaction, and drops them if the message is
  quarantined. A message `receive` just stored is not attached to the session (its row is written by plain
  statements); a replayed one is.
* Return problems as `Diagnostic`s with their location. Any "error" quarantines the message: the service
  runs the handler inside a savepoint and rolls back whatever it wrote. Warnings are kept on the message.
* Handlers must be idempotent: a replay or a re-sent part runs the handler again on the same content.
* A handler may raise; the service turns the exception into a located error and quarantines the message.

Register with the decorator: `@handles("PNRGOV")`. Built-in handlers (PAXLST) register on import of
`paxvet.ingest.service`; other domains' handlers are imported there too (see `load_builtin_handlers`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paxvet.ingest.edifact import Diagnostic

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from paxvet.ingest.models import RawMessage


@dataclass
class HandlerOutcome:
    """What a handler did with one message."""

    flight_ids: set[int] = field(default_factory=set)
    traveller_ids: set[int] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)  # small, JSON-able facts (e.g. counts)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


Handler = Callable[["Session", Any, "RawMessage"], HandlerOutcome]

_HANDLERS: dict[str, Handler] = {}

# Modules that register handlers when imported. Missing ones (a domain not yet written) are skipped.
BUILTIN_HANDLER_MODULES = (
    "paxvet.ingest.paxlst_handler",
    "paxvet.ingest.pnrgov_handler",
    "paxvet.ingest.pnrgov_xml",
)


def register(message_type: str, handler: Handler) -> None:
    """Register (or replace) the handler for a message type, e.g. "PAXLST" or "xml:IATA_PNRGOV_NotifRQ"."""
    _HANDLERS[message_type] = handler


def handles(message_type: str) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        register(message_type, handler)
        return handler

    return decorator


def handler_for(message_type: str) -> Handler | None:
    load_builtin_handlers()
    return _HANDLERS.get(message_type)


def registered_types() -> list[str]:
    load_builtin_handlers()
    return sorted(_HANDLERS)


_loaded = False


def load_builtin_handlers() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in BUILTIN_HANDLER_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
