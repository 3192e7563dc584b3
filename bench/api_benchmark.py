"""Benchmark of GET /api/v1/cases at 1,000,000 cases: page 1 against page 1,000 through the cursor (a script).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fs_bench_api .venv/bin/python bench/api_benchmark.py --reset

Seeds the cases as bench/queue_benchmark.py does (its functions, imported), registers an API client with the real
service, fetches a bearer token at /api/v1/token (client credentials) and calls the real endpoint through the
Flask test client with that token: every call is authenticated, rate-limited, journalled and logs its cases as
read, as in production. It walks the cursor to page 1,000 (`next_cursor` back as `cursor`), then times page 1 and
page 1,000 alternately. The keyset page should cost the same however deep it is. The RATIO line comes last.
`--smoke`: 3,000 cases, page 20 of 50, 3 runs (seconds; for CI, its ratio is not judged).
"""
from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queue_benchmark as seeding  # noqa: E402  the same cases, the same way
from config import normalise_database_url  # noqa: E402

TARGET = 1.2
LIMIT = 50


def register_client(app) -> tuple[str, str]:
    """An administrator (inserted) registers the ESDH client with the real service; (client id, secret)."""
    from app.extensions import db
    from app.models import User
    from app.services.integrations import api_clients
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO users (email, password_hash, full_name, role, is_active, password_changed_at, "
                "created_at, email_confirmed_at) VALUES ('admin@bench.dk', '!', 'Administrator', 'administrator', "
                "true, now(), now(), now())"))
        admin = db.session.scalar(db.select(User).where(User.email == "admin@bench.dk"))
        made = api_clients.register_client(admin, "ESDH (bench)", ["cases:read"], api_clients.MAX_RATE_PER_MINUTE)
        return made.client.client_id, made.secret


def bearer(client, client_id: str, secret: str) -> dict:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    resp = client.post("/api/v1/token", data={"grant_type": "client_credentials", "scope": "cases:read"},
                       headers={"Authorization": f"Basic {basic}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {"Authorization": "Bearer " + resp.get_json()["access_token"]}


def get(client, headers: dict, cursor: str | None) -> dict:
    resp = client.get("/api/v1/cases", query_string={"limit": LIMIT, **({"cursor": cursor} if cursor else {})},
                      headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def walk(client, headers: dict, page: int) -> str:
    """The cursor of page `page` (1-based), reached by following next_cursor from page 1."""
    cursor = None
    for _ in range(page - 1):
        cursor = get(client, headers, cursor)["next_cursor"]
        assert cursor, "fewer pages than asked for"
    return cursor


def measure(client, headers: dict, deep_cursor: str, runs: int) -> tuple[tuple, tuple, list]:
    """(median, p95) of page 1 and of the deep page, timed alternately; and the deep page's ids."""
    first, deep = [], []
    ids = [c["id"] for c in get(client, headers, deep_cursor)["items"]]
    for _ in range(runs):
        for samples, cursor in ((first, None), (deep, deep_cursor)):
            began = time.perf_counter()
            get(client, headers, cursor)
            samples.append((time.perf_counter() - began) * 1000)
    return _stats(first), _stats(deep), ids


def _stats(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reset", action="store_true", help="empty the benchmark database first")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--page", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="3,000 cases, page 20, 3 runs")
    args = parser.parse_args()
    if args.smoke:
        args.cases, args.page, args.runs = 3_000, 20, 3
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database of its own.")
    url = normalise_database_url(url)
    app = seeding.make_app(url, seeding.bench_totp_key(url))
    with app.app_context():
        seeding.reset_and_migrate(app, args.reset)
        seeding.seed_reference_data()
        seconds = seeding.insert_cases(1, args.cases, rebuild_indexes=args.cases > 100_000)
        print(f"seeded {args.cases:,} cases in {seconds:.1f} s", flush=True)
    client_id, secret = register_client(app)
    client = app.test_client()
    headers = bearer(client, client_id, secret)
    began = time.perf_counter()
    deep_cursor = walk(client, headers, args.page)
    print(f"walked the cursor to page {args.page:,} ({LIMIT} a page) in {time.perf_counter() - began:.1f} s",
          flush=True)
    (first_p50, first_p95), (deep_p50, deep_p95), ids = measure(client, headers, deep_cursor, args.runs)
    print(f"page {args.page:,} starts at case id {ids[0]:,}; {args.runs} runs each, GET /api/v1/cases?limit={LIMIT}")
    print(f"  page 1:        p50 {first_p50:7.2f} ms   p95 {first_p95:7.2f} ms")
    print(f"  page {args.page:<8,} p50 {deep_p50:7.2f} ms   p95 {deep_p95:7.2f} ms")
    ratio = deep_p95 / first_p95
    verdict = "(smoke)" if args.smoke else ("OK" if ratio <= TARGET else "MISSED")
    print(f"RATIO api cases page {args.page:,} / page 1 p95: {ratio:.2f} (target <= {TARGET}) {verdict}")


if __name__ == "__main__":
    main()
