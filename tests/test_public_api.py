"""The package's public surface is what ``__all__`` says, and nothing in it is missing."""

from __future__ import annotations

import foreigndesk


def test_public_names() -> None:
    assert sorted(foreigndesk.__all__) == [
        "Article",
        "ArticleStatus",
        "Block",
        "BlockKind",
        "DeskError",
        "Post",
        "Source",
        "Translation",
        "__version__",
    ]
    for name in foreigndesk.__all__:
        assert getattr(foreigndesk, name) is not None
