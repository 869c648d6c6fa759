"""Publishing: a reviewed translation composed once into a post, rendered for each target."""

from foreigndesk.publish.compose import compose_post
from foreigndesk.publish.target import PublishTarget

__all__ = ["PublishTarget", "compose_post"]
