"""Translation: the Engine protocol, the engines, the translator, memory and glossary."""

from foreigndesk.translate.engine import Engine, EngineLimits, EngineResult, EngineSpec
from foreigndesk.translate.glossary import Glossary, GlossaryEntry
from foreigndesk.translate.memory import choose, memory_key, source_hash
from foreigndesk.translate.translator import SegmentResult, TranslationRun, Translator

__all__ = [
    "Engine",
    "EngineLimits",
    "EngineResult",
    "EngineSpec",
    "Glossary",
    "GlossaryEntry",
    "SegmentResult",
    "TranslationRun",
    "Translator",
    "choose",
    "memory_key",
    "source_hash",
]
