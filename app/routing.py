"""URL rules whose URL builders are compiled when first used, and once per process, not once per app.

Werkzeug turns every rule into two small Python functions that build its URLs, through `ast` and `compile()`:
three quarters of `create_app()` once the modules are imported. The functions depend only on the rule's parsed
parts and its defaults, never on the app, so a process that builds many apps (the test suite builds one per
test, the CLI one per command) reuses them. And a rule's builder is compiled the first time a URL is built from
it, not when the app starts: a worker process builds URLs from a handful of its 480 rules, a web process from
the pages it serves.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

_builders: dict[tuple, Callable[..., tuple[str, str]]] = {}


class CompiledOnceRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        """A stand-in that compiles (or finds) the builder at its first call, then puts it in its own place."""
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: CompiledOnceRule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            builder = rule._compiled_builder(append_unknown)
            setattr(rule, attribute, builder.__get__(rule, None))
            return builder(rule, *args, **kwargs)

        return build_first

    def _compiled_builder(self, append_unknown: bool) -> Callable[..., tuple[str, str]]:
        key = self._builder_key(append_unknown)
        if key is None:
            return Rule._compile_builder(self, append_unknown)
        builder = _builders.get(key)
        if builder is None:
            builder = _builders[key] = Rule._compile_builder(self, append_unknown)
        return builder

    def _builder_key(self, append_unknown: bool) -> tuple | None:
        """What the builder's code is made of: the rule's trace, and its defaults as the converters write them."""
        defaults: Any = self.defaults or {}
        try:
            written = tuple(sorted((name, type(self._converters.get(name)).__name__, repr(value))
                                   for name, value in defaults.items()))
            return (self.rule, tuple(self._trace), written, append_unknown)
        except TypeError:  # defaults that cannot be ordered: compile as werkzeug would
            return None
