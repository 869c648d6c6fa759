"""The stages, one module each: discover, fetch, extract, translate, qa, publish.

Every stage is a function over one item (a source, a page, an article) that the caller
has *claimed* in the store (store/claims.py). The function does the work and writes its
result together with the item's next status, guarded on the claim and the status it
expects, so a stage run twice is run once and a crash leaves each item either done or
still waiting. The functions keep no state of their own: what they work with is a
``StageContext``. Executors (``foreigndesk.executors``) decide where they run.
"""

from foreigndesk.stages.context import StageContext
from foreigndesk.stages.report import Reporter, RunReport, SilentReporter

__all__ = ["Reporter", "RunReport", "SilentReporter", "StageContext"]
