#!/usr/bin/env python3
"""Serves the msgsim trace viewer for one run directory on localhost.

usage: tools/viewer/serve.py OUTDIR [--port N]

The viewer's files (this directory) are served at /, the run directory at /run/
(topology.json, trace.json, packets.jsonl, summary.json). Binds 127.0.0.1 only; without
--port (or with --port 0) the system picks a free port. Prints the URL, then serves in the
foreground until Ctrl-C. Exit status: 0 after Ctrl-C, 2 bad usage or not a run directory,
1 the port could not be bound. Standard library only.
"""

import argparse
import functools
import http.server
import os
import posixpath
import sys
import urllib.parse

VIEWER_DIR = os.path.dirname(os.path.abspath(__file__))
VIEWER_FILES = {"index.html", "viewer.js", "style.css"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """/ -> viewer files, /run/<file> -> the run directory; nothing else."""

    def __init__(self, *args, run_dir, quiet, **kwargs):
        self.run_dir = run_dir
        self.quiet = quiet
        super().__init__(*args, directory=VIEWER_DIR, **kwargs)

    def translate_path(self, path):
        path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        parts = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".", "..")]
        if not parts:
            return os.path.join(VIEWER_DIR, "index.html")
        if parts[0] == "run":
            return os.path.join(self.run_dir, *parts[1:]) if len(parts) > 1 else self.run_dir
        if len(parts) == 1 and parts[0] in VIEWER_FILES:
            return os.path.join(VIEWER_DIR, parts[0])
        return os.path.join(VIEWER_DIR, "\0missing")   # 404 for anything else

    def list_directory(self, path):
        self.send_error(404, "no directory listings")
        return None

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("serve.py: " + (fmt % args) + "\n")


Handler.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".jsonl": "application/x-ndjson", ".js": "text/javascript",
                          ".json": "application/json"}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Serve the msgsim trace viewer for a run directory.")
    ap.add_argument("outdir", metavar="OUTDIR", help="a msgsim run directory (msgsim run -o OUTDIR)")
    ap.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    ap.add_argument("--verbose", action="store_true", help="log every request to stderr")
    a = ap.parse_args(argv)
    run_dir = os.path.abspath(a.outdir)
    if not os.path.isdir(run_dir):
        print(f"serve.py: {a.outdir}: not a directory", file=sys.stderr)
        return 2
    if not any(os.path.exists(os.path.join(run_dir, f)) for f in ("topology.json", "trace.json")):
        print(f"serve.py: {a.outdir}: no topology.json or trace.json (is it a msgsim run directory?)",
              file=sys.stderr)
        return 2
    if not 0 <= a.port <= 65535:
        print(f"serve.py: --port {a.port}: not a TCP port", file=sys.stderr)
        return 2
    handler = functools.partial(Handler, run_dir=run_dir, quiet=not a.verbose)
    try:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), handler)
    except OSError as e:
        print(f"serve.py: cannot listen on 127.0.0.1:{a.port}: {e}", file=sys.stderr)
        return 1
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    print(f"msgsim view: serving {run_dir} at http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        print("\nmsgsim view: stopped", flush=True)
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
