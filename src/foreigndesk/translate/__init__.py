"""Translation: the Engine protocol, the engines, and the translation memory's keys."""

from foreigndesk.translate.engine import Engine, EngineFactory, EngineResult
from foreigndesk.translate.memory import memory_key, source_hash

__all__ = ["Engine", "EngineFactory", "EngineResult", "memory_key", "source_hash"]
