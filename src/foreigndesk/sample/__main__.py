"""``python -m foreigndesk.sample [PORT [DIRECTORY]]``: serve the sample magazine (or
another folder of pages with a feed.xml) in the foreground."""

import contextlib
import sys
from pathlib import Path

from foreigndesk.sample.server import SAMPLE_SITE, make_server

port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
directory = Path(sys.argv[2]) if len(sys.argv) > 2 else SAMPLE_SITE
server = make_server(directory, port=port)
print(f"sample source on http://127.0.0.1:{server.server_address[1]}/feed.xml", flush=True)
with contextlib.suppress(KeyboardInterrupt):
    server.serve_forever()
