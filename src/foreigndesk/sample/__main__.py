"""``python -m foreigndesk.sample [PORT]``: serve the sample magazine in the foreground."""

import contextlib
import sys

from foreigndesk.sample.server import SAMPLE_SITE, make_server

port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
server = make_server(SAMPLE_SITE, port=port)
print(f"sample source on http://127.0.0.1:{server.server_address[1]}/feed.xml", flush=True)
with contextlib.suppress(KeyboardInterrupt):
    server.serve_forever()
