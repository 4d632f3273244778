"""`coach serve`: start the local upload page for CSMs."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import click

from coach.errors import CoachError


def _probe(host: str, port: int) -> None:
    """Bind once ourselves, so a busy port gives our one-line error, not werkzeug's exit."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(addr)


def _fail(message: str) -> None:
    click.echo(f"Error: {' '.join(message.split())}", err=True)
    raise SystemExit(2)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs --token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--storage", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Keep uploads and their JSON reports in DIR "
                                  "(default: keep nothing).")
@click.option("--token", default=None, metavar="TOKEN", envvar="COACH_TOKEN",
              help="Access token required on every request (?token=TOKEN or the "
                   "X-Coach-Token header). Required with a non-loopback --host. "
                   "Also read from COACH_TOKEN.")
@click.option("--batch-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, metavar="DIR", help="A `coach batch --out` folder to browse.")
@click.option("--max-upload-mb", default=20.0, show_default=True,
              type=click.FloatRange(0.01, 1024), metavar="N", help="Largest upload accepted.")
@click.option("--rules", "rules_dirs", multiple=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Extra rule pack folder (repeatable), as for `coach analyze`.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, metavar="FILE", help="Team roster: who is a CSM, who is internal.")
def serve(host: str, port: int, storage: Path | None, token: str | None,
          batch_dir: Path | None, max_upload_mb: float, rules_dirs: tuple[Path, ...],
          roster: Path | None) -> None:
    """Start the local upload page: drop a transcript, read the coaching report.

    \b
    Binds to 127.0.0.1 by default: only this computer can open the page.
    Nothing uploaded is kept unless --storage DIR is given.
      coach serve                          then open http://127.0.0.1:8000/
      coach serve --batch-dir week/        also browse `coach batch --out week/`
    """
    from werkzeug.serving import WSGIRequestHandler, make_server

    from coach.web import check_bind, create_app

    try:
        check_bind(host, token)
    except CoachError as err:
        _fail(str(err))
    app = create_app(storage=storage, token=token, batch_dir=batch_dir,
                     max_upload_mb=max_upload_mb, rules_dirs=rules_dirs, roster=roster)

    class QuietHandler(WSGIRequestHandler):
        """Request log lines without the query string (it may hold the token)."""

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            path = self.path.split("?", 1)[0]
            self.log("info", '"%s %s" %s', self.command, path, code)

    try:
        _probe(host, port)
        server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    except OSError as err:
        _fail(f"cannot listen on {host}:{port}: {err.strerror or err}")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_port}/" + (f"?token={token}" if token else "")
    click.echo(f"coach: the upload page is at {url}  (Ctrl-C to stop)", err=True)

    def warm() -> None:  # build spaCy and the matchers now, not on the first upload
        try:
            app.extensions["coach"].analyzer()
        except Exception as err:  # noqa: BLE001 - the first upload shows the real error
            click.echo(f"coach: the analyzer could not be built yet: {err}", err=True)

    threading.Thread(target=warm, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
