"""Translation: the Engine protocol, the engines, and the translation memory's keys."""

from foreigndesk.translate.engine import Engine, EngineResult, EngineSpec
from foreigndesk.translate.memory import memory_key, source_hash

__all__ = ["Engine", "EngineResult", "EngineSpec", "memory_key", "source_hash"]
