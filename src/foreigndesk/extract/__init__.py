"""Extraction: a page → an article of blocks, with its metadata, normalised.

The public surface is small: ``extract_article`` for a page, ``content_hash`` and the
MinHash helpers for duplicates across articles, and the normalisers the rest of the desk
may want on their own (dates, author names, URLs).
"""

from foreigndesk.extract.article import content_hash, extract_article
from foreigndesk.extract.dates import parse_date
from foreigndesk.extract.minhash import Signature
from foreigndesk.extract.names import clean_names
from foreigndesk.extract.near_duplicates import (
    NUM_PERM,
    NearDuplicateIndex,
    near_duplicate_signature,
    signature_bytes,
    signature_from_bytes,
    signature_from_values,
    signature_values,
    similarity,
)
from foreigndesk.extract.urls import clean_url

__all__ = [
    "NUM_PERM",
    "NearDuplicateIndex",
    "Signature",
    "clean_names",
    "clean_url",
    "content_hash",
    "extract_article",
    "near_duplicate_signature",
    "parse_date",
    "signature_bytes",
    "signature_from_bytes",
    "signature_from_values",
    "signature_values",
    "similarity",
]
