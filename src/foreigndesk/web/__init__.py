"""The review desk: a web UI where editors check, correct, approve and publish."""

from foreigndesk.web.app import create_app

__all__ = ["create_app"]
