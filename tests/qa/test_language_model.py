"""The language model the checks share is loaded once per process, however many articles
are checked at once: each copy is about 80 MB, and a run checking four articles on four
threads loaded four of them, past the desk's 500 MB (found by tests/hostile)."""

from __future__ import annotations

import threading

from foreigndesk.qa import _text


def test_threads_asking_at_once_load_one_model() -> None:
    _text._load_identifier.cache_clear()
    start = threading.Barrier(4)
    models: list[object] = []

    def ask() -> None:
        start.wait()
        models.append(_text._identifier())

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert _text._load_identifier.cache_info().misses == 1
    assert all(model is models[0] for model in models)
