"""The `paxvet` command. Each domain adds its own commands through `register(app)` in its commands.py."""

from __future__ import annotations

import sys

import typer

from paxvet import __version__
from paxvet.console import err_console
from paxvet.errors import DatabaseUnavailable, PaxvetError

app = typer.Typer(
    name="paxvet",
    help="Vet airline travellers (PAXLST, PNRGOV) against watchlists before they land.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()


def _register_domains() -> None:
    from paxvet.audit import commands as audit_cmds
    from paxvet.demo import register as register_demo
    from paxvet.documents import commands as document_cmds
    from paxvet.ingest import commands as ingest_cmds
    from paxvet.links import commands as link_cmds
    from paxvet.notify import commands as notify_cmds
    from paxvet.screening import commands as screening_cmds
    from paxvet.synth import commands as synth_cmds
    from paxvet.vetting import commands as vetting_cmds
    from paxvet.watchlists import commands as watchlist_cmds
    from paxvet.web import commands as web_cmds

    for module in (
        ingest_cmds,
        document_cmds,
        watchlist_cmds,
        screening_cmds,
        vetting_cmds,
        notify_cmds,
        link_cmds,
        audit_cmds,
        synth_cmds,
        web_cmds,
    ):
        module.register(app)
    register_demo(app)


_register_domains()


def exit_code_for(error: PaxvetError) -> int:
    if isinstance(error, DatabaseUnavailable):
        return 3
    return 2 if 400 <= error.status_code < 500 else 1


def main() -> None:
    try:
        app()
    except PaxvetError as error:
        err_console.print(f"[bold red]error:[/] {error.message}")
        for problem in error.problems[:50]:
            err_console.print(f"  - {problem}")
        if len(error.problems) > 50:
            err_console.print(f"  … and {len(error.problems) - 50} more")
        sys.exit(exit_code_for(error))


if __name__ == "__main__":
    main()
