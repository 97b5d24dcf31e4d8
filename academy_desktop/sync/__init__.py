"""Sync with the academy's Django server: sign-in, the durable outbox, exactly-once upload,
server status and retry on the server (see ``docs/sync.md``).

* :mod:`.config` - :class:`~.config.SyncConfig` (address, sign-in paths, CA bundle, timeout)
* :mod:`.auth` - tokens in the OS keyring, sign-in, refresh
* :mod:`.client` - the submissions API over ``requests`` (streamed multipart)
* :mod:`.payload` - hold reasons, the payload JSON, the file as graded
* :mod:`.outbox` - the outbox in the workspace database (no network)
* :mod:`.runner` - :class:`~.runner.SyncRunner`, run on a background thread
* :mod:`.mapping` - exam ids, ``exam_question_id``s and ``enrollment_id``s

Nothing here imports Qt; the window and ``main.py`` call the same functions.
"""
