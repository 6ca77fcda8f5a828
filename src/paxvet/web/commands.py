"""`paxvet serve` (the officers' web application and JSON API) and the `paxvet users` commands."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (one per core)."),
) -> None:
    """Run the web application (pages and /api/v1) with uvicorn."""
    import uvicorn

    from paxvet.console import open_engine
    from paxvet.web.app import create_app, prepare_worker

    engine = open_engine()  # migrated once here, before any worker starts
    options = {"host": host, "port": port, "proxy_headers": False, "server_header": False}
    if workers == 1:
        app = create_app(engine)
        prepare_worker()
        uvicorn.run(app, **options)  # type: ignore[arg-type]
        return
    engine.dispose()
    uvicorn.run("paxvet.web.app:create_served_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    from paxvet.accounts import commands as account_cmds

    app.command("serve")(serve)
    account_cmds.register(app)
