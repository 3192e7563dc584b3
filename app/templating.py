"""Templates compiled once per process, not once per app.

Jinja lexes, parses and compiles a template to Python the first time an environment loads it, and every app has
its own environment. A web or worker process builds one app and gains nothing, nor loses. A process that builds
many (the test suite builds one per test, and a test that visits every page compiles some ninety templates: a
second of its ten) compiles each template once. The cache is keyed by the template's name and the checksum of
its source, so an edited template is compiled again; every app of the process is configured alike by
create_app, so the compiled code is the same for all of them.
"""
from __future__ import annotations

import threading

from jinja2.bccache import Bucket, BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache in this process's memory, shared by its apps."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        with self._lock:
            self._code.clear()


TEMPLATES = ProcessBytecodeCache()
