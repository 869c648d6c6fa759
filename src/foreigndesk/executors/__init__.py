"""Executors run the stage functions: ``inline`` in this process (the default, `run`
and `watch`), ``celery`` as tasks on workers across machines (`worker`, `scheduler`)."""
