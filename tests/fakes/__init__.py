"""Local fake servers for the third-party HTTP services the desk talks to.

Each is a real HTTP server on 127.0.0.1 (see ``_server`` for what a test can script), speaking
the documented request and response shapes of one service (see each module's docstring for the
pages followed). The code under test is always the real client.

    with DeepLFake() as deepl:
        deepl.inject(error(429, retry_after=1))
        ...  # point the real client at deepl.url, with auth key "test-key"
        assert len(deepl.requests_to("/v2/translate")) == 2
"""

from tests.fakes._server import (
    FakeService,
    Fault,
    RecordedRequest,
    Reply,
    drop,
    error,
    malformed,
    slow,
    truncate,
)
from tests.fakes._translate import Translator, fake_translate
from tests.fakes.deepl import DeepLFake
from tests.fakes.google import GoogleTranslateFake
from tests.fakes.libretranslate import LibreTranslateFake
from tests.fakes.openai import CannotAnswer, Misbehaviour, OpenAIFake, translation_responder

__all__ = [
    "CannotAnswer",
    "DeepLFake",
    "FakeService",
    "Fault",
    "GoogleTranslateFake",
    "LibreTranslateFake",
    "Misbehaviour",
    "OpenAIFake",
    "RecordedRequest",
    "Reply",
    "Translator",
    "drop",
    "error",
    "fake_translate",
    "malformed",
    "slow",
    "translation_responder",
    "truncate",
]
