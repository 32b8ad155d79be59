"""The RSVP race: 200 members press "going" at the same moment for 50 seats,
against gunicorn with 4 workers. Counts what the database holds afterwards
(must be 50 going, 150 waitlisted at 1..150, and no errors) and the latency
each member saw."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, text

from meetup.config import normalize_database_url


@dataclass(frozen=True)
class RaceResult:
    going: int
    waitlisted: int
    positions_ok: bool  # the waitlist is 1..n, no gaps, no repeats
    errors: int  # any answer but the 303 after a saved reply
    statuses: dict[int, int]  # HTTP status -> how many (0: no answer)
    p50_ms: float
    p99_ms: float


def race(
    server_url: str, database_url: str, slug: str, sessions: list[dict[str, Any]]
) -> RaceResult:
    address = urlsplit(server_url)
    start = threading.Barrier(len(sessions))
    outcomes: list[tuple[int, float]] = []
    lock = threading.Lock()

    def member(minted: dict[str, Any]) -> None:
        body = urlencode({"csrf_token": minted["csrf_token"], "response": "going"})
        headers = {
            "Cookie": minted["cookie"],
            "Content-Type": "application/x-www-form-urlencoded",
        }
        start.wait()
        began = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
            connection.request("POST", f"/events/{slug}/rsvp", body, headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:
            status = 0
        with lock:
            outcomes.append((status, (time.perf_counter() - began) * 1000))

    threads = [threading.Thread(target=member, args=(minted,)) for minted in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    engine = create_engine(normalize_database_url(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT rsvp.status, rsvp.waitlist_position FROM rsvp "
                "JOIN event ON event.id = rsvp.event_id WHERE event.slug = :slug"
            ),
            {"slug": slug},
        ).all()
    engine.dispose()
    positions = sorted(position for status, position in rows if status == "waitlisted")
    latencies = sorted(ms for _, ms in outcomes)
    return RaceResult(
        going=sum(1 for status, _ in rows if status == "going"),
        waitlisted=len(positions),
        positions_ok=positions == list(range(1, len(positions) + 1)),
        errors=sum(1 for status, _ in outcomes if status != 303),
        statuses=dict(Counter(status for status, _ in outcomes)),
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[max(0, int(len(latencies) * 0.99) - 1)],
    )
