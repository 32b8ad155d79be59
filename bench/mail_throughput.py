"""Mail delivery throughput: the outbox worker against a plain smtplib loop.

    python bench/mail_throughput.py [--counts 1000,5000,10000]

Both send to the same local SMTP sink (aiosmtpd in its own process), in the
same run, so the ratio means something on a shared, noisy machine:

- baseline: pre-built messages sent by one smtplib connection in a loop;
- worker:   messages queued in the outbox (one bulk INSERT), then delivered by
            `flask meetup deliver-mail --once` in its own process, which
            renders, builds, sends and records each message.

Prints messages/s for both, their ratio, and the worker's peak memory (max
RSS) for each count: flat memory means the worker streams batches.
The database is a fresh SQLite file, or MEETUP_DATABASE_URL when set (its
outbox table is emptied first).
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise SystemExit("the SMTP sink did not start")


def baseline(port: int, count: int) -> float:
    """Messages/s of a bare smtplib loop over one connection, messages pre-built."""
    messages = []
    for n in range(count):
        message = EmailMessage()
        message["From"] = "Meetup <noreply@localhost>"
        message["To"] = f"person{n}@example.org"
        message["Subject"] = f"Confirm your email address {n}"
        message.set_content(f"Hello Person {n},\n\nPlease confirm: https://x.example/{n}\n")
        message.add_alternative(f"<p>Hello Person {n}</p>", subtype="html")
        # SMTP needs CRLF line ends; smtplib sends bytes as they are.
        messages.append((message["To"], message.as_bytes(policy=policy.SMTP)))
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        started = time.perf_counter()
        for recipient, data in messages:
            smtp.sendmail("noreply@localhost", [recipient], data)
        elapsed = time.perf_counter() - started
    return count / elapsed


def queue(env: dict[str, str], count: int) -> None:
    """Empty the outbox and queue `count` messages, as a web request would."""
    script = f"""
import flask_migrate
from meetup import create_app
from meetup.extensions import db
from meetup.models import OutboxMessage
from meetup.outbox import Mail, queue_mail_bulk
app = create_app()
with app.app_context():
    flask_migrate.upgrade()
    db.session.execute(OutboxMessage.__table__.delete())
    queue_mail_bulk([
        Mail(to=f"person{{n}}@example.org", subject=f"Confirm your email address {{n}}",
             template="verify_email", dedupe_key=f"bench:{{n}}",
             context={{"name": f"Person {{n}}", "url": f"https://x.example/{{n}}",
                      "valid_for": "3 days"}})
        for n in range({count})
    ])
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)


WORKER = """
import re, sys, time
from flask.cli import FlaskGroup
from meetup import create_app
cli = FlaskGroup(create_app=create_app)
app = create_app()  # warm: imports and app set-up are not delivery
started = time.perf_counter()
try:
    cli.main(["meetup", "deliver-mail", "--once"], standalone_mode=False)
finally:
    print("SECONDS", time.perf_counter() - started, file=sys.stderr)
    # VmHWM counts this program only; ru_maxrss would include the pages it
    # inherited from the benchmark process at fork.
    status = open("/proc/self/status").read()
    print("VmHWM", re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1), file=sys.stderr)
"""


def worker(env: dict[str, str]) -> tuple[float, float]:
    """Run the real worker once; return (seconds, peak RSS in MiB)."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"worker failed: {result.stdout}{result.stderr}")
    peak_kib = int(result.stderr.split("VmHWM")[-1].split()[0])
    elapsed = float(result.stderr.split("SECONDS")[-1].split()[0])
    return elapsed, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", default="1000,5000,10000")
    args = parser.parse_args()
    counts = [int(count) for count in args.counts.split(",")]

    port = free_port()
    sink = start_sink(port)
    workdir = Path(tempfile.mkdtemp(prefix="meetup-bench-mail-"))
    env = {
        **os.environ,
        "MEETUP_SECRET_KEY": "bench",
        "MEETUP_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("MEETUP_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    backend = env["MEETUP_DATABASE_URL"].split(":", 1)[0]
    try:
        print(f"mail throughput, {backend}, {os.cpu_count()} cores, sink: aiosmtpd Sink\n")
        print(f"{'messages':>8}  {'smtplib loop/s':>14}  {'worker/s':>9}  {'ratio':>6}  "
              f"{'worker peak RSS':>15}")  # fmt: skip
        for count in counts:
            loop_rate = baseline(port, count)
            queue(env, count)
            seconds, peak_mib = worker(env)
            worker_rate = count / seconds
            print(f"{count:>8}  {loop_rate:>14,.0f}  {worker_rate:>9,.0f}  "
                  f"{worker_rate / loop_rate:>6.0%}  {peak_mib:>12.1f} MiB")  # fmt: skip
        print("\nworker/s: from the first claim to the last message marked sent (process")
        print("start-up excluded); peak RSS: VmHWM of the worker process.")
    finally:
        sink.terminate()
        sink.wait()


if __name__ == "__main__":
    main()
