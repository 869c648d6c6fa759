"""What the pages pool's server process imports before it forks the pool's processes.

The page reader, and the language model, loaded here on import: each process forked
from the server starts with both, instead of loading the model (half a second) itself.
Only executors/pages_pool.py names this module, as the server's preload.
"""

from foreigndesk.extract.job import extract_page_job
from foreigndesk.extract.language import preload_language_model

preload_language_model()

__all__ = ["extract_page_job"]
