"""The bundled sample source: a small magazine site written for the project, and a server.

`make demo`, the end-to-end tests and the pipeline benchmark all fetch it over loopback,
so the desk is exercised the way it runs against real sites, with no outside network.
"""

from foreigndesk.sample.server import SAMPLE_SITE, serve_directory

__all__ = ["SAMPLE_SITE", "serve_directory"]
