"""URL builders compiled once per process (app/routing.py) build the same URLs as werkzeug's own."""
from __future__ import annotations

import threading

from werkzeug.routing import Map, Rule, converters

from app import create_app
from config import TestingConfig



def _sample(converter):
    if isinstance(converter, converters.AnyConverter):
        return sorted(converter.items)[0]
    if isinstance(converter, converters.FloatConverter):
        return 1.5
    if isinstance(converter, converters.NumberConverter):
        return 7
    if isinstance(converter, converters.UUIDConverter):
        return "0b8f4a4e-2f36-4c8e-9a53-6c3b0c7a1e55"
    return "x/y æ" if isinstance(converter, converters.PathConverter) else "a b"


def _values(rule) -> dict:
    return {name: _sample(converter) for name, converter in rule._converters.items()}


def test_every_rule_builds_the_url_werkzeug_would(app, tmp_path):
    second = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/second.sqlite")
    reference = Map([Rule(r.rule, endpoint=r.endpoint, defaults=r.defaults, methods=r.methods)
                     for r in second.url_map.iter_rules()], converters=second.url_map.converters)
    ours = second.url_map.bind("kommune.example", "/")
    theirs = reference.bind("kommune.example", "/")
    built = 0
    for rule in second.url_map.iter_rules():
        values = _values(rule)
        for extra in ({}, {"side": "2", "q": "ø & å"}):
            assert ours.build(rule.endpoint, {**values, **extra}, method=sorted(rule.methods)[0]) == \
                theirs.build(rule.endpoint, {**values, **extra}, method=sorted(rule.methods)[0]), rule.rule
            built += 1
    assert built > 400


def test_the_openapi_document_is_written_once_when_threads_read_it_together(app):
    api = app.extensions["api_v1"]
    assert api._unwritten, "the document is written when first read, not while the app is built"
    documents = []
    threads = [threading.Thread(target=lambda: documents.append(api.spec.to_dict())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not api._unwritten
    assert len({repr(d) for d in documents}) == 1
    assert "/api/v1/cases" in documents[0]["paths"] and "oauth2" in documents[0]["components"]["securitySchemes"]


def test_a_rules_builder_is_compiled_at_its_first_url_and_then_kept(tmp_path):
    fresh = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/fresh.sqlite")
    rule = next(r for r in fresh.url_map.iter_rules() if r.endpoint == "main.index")
    assert rule._build_unknown.__name__ == "build_first", "nothing is compiled while the app is built"
    urls = fresh.url_map.bind("kommune.example", "/")
    assert urls.build("main.index") == urls.build("main.index") == "/"
    assert rule._build_unknown.__name__ != "build_first", "the compiled builder took the stand-in's place"
