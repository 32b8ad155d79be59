"""The embedded default under concurrent writers: web requests and the mail
worker share one SQLite file, and nobody gets "database is locked"."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from meetup import create_app
from meetup.extensions import db
from meetup.mail.transports import DirectoryTransport
from meetup.mail.worker import MailWorker
from meetup.models import OutboxMessage, User


def test_sign_ups_and_the_mail_worker_share_a_sqlite_file(tmp_path, fresh_sqlite_url) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "DATABASE_URL": fresh_sqlite_url("shared.sqlite3"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )
    stop = threading.Event()

    def deliver() -> None:
        with app.app_context():
            worker = MailWorker(DirectoryTransport(tmp_path / "mail"), batch_size=5)
            while not stop.is_set():
                worker.deliver_due()
                db.session.remove()

    def sign_up(number: int) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number + 1}"  # one sign-up each
        html = client.get("/signup").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        response = client.post(
            "/signup",
            data={"csrf_token": token, "email": f"p{number}@example.org",
                  "display_name": f"P {number}", "password": "x" * 12},
        )  # fmt: skip
        return response.status_code

    worker_thread = threading.Thread(target=deliver)
    worker_thread.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(sign_up, range(60)))
    finally:
        stop.set()
        worker_thread.join(timeout=30)
    assert statuses == [303] * 60
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 60
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 60
        db.engine.dispose()
