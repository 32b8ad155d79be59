"""feed version: a personal feed's stored version, kept current by triggers

Revision ID: f7d3a9c1e2b4
Revises: c4e1a2b3d5f6
Create Date: 2026-12-01 20:50:00.000000

user_account.feed_version is raised, in the transaction of the change, by
triggers on every table a personal feed is made of: a reply of the person
that enters or leaves going/waitlisted, a hosting added or removed, any
change of an event they reply to or host (its version: sequence and
updated_at, what the stored VEVENTs are keyed by too) for those of its
readers who have a feed (a token: only they can fetch one; making the
first token takes care of the change it could race, see
services.calendar.feeds.feed_token). Raising it empties
feed_etag (the stored digest of the feed's event versions, valid until
feed_etag_until, when the first event leaves the feed's window), so a
feed's 304 reads one row (services.calendar.feeds; docs/architecture.md,
"Calendars", says why triggers). Nothing to backfill: an empty digest is
computed on the next fetch.

The statuses are services.calendar.feeds.FEED_REPLIES.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f7d3a9c1e2b4"
down_revision = "c4e1a2b3d5f6"
branch_labels = None
depends_on = None

IN_FEED = "('going', 'waitlisted')"
BUMP = "UPDATE user_account SET feed_version = feed_version + 1, feed_etag = NULL"


def _readers_of(event_id: str) -> str:
    return (
        f"SELECT user_id FROM rsvp WHERE event_id = {event_id} AND status IN {IN_FEED} "
        f"UNION SELECT user_id FROM event_host WHERE event_id = {event_id}"
    )


# SQLite runs one writer at a time: each change simply raises the versions
# of the people whose feed it alters. (A foreign key's cascade fires them too.)
SQLITE = [
    f"""CREATE TRIGGER feed_reply_added AFTER INSERT ON rsvp
    WHEN NEW.status IN {IN_FEED}
    BEGIN {BUMP} WHERE id = NEW.user_id; END""",
    f"""CREATE TRIGGER feed_reply_changed AFTER UPDATE OF status, user_id, event_id ON rsvp
    WHEN OLD.status IN {IN_FEED} OR NEW.status IN {IN_FEED}
    BEGIN {BUMP} WHERE id IN (OLD.user_id, NEW.user_id); END""",
    f"""CREATE TRIGGER feed_reply_removed AFTER DELETE ON rsvp
    WHEN OLD.status IN {IN_FEED}
    BEGIN {BUMP} WHERE id = OLD.user_id; END""",
    f"""CREATE TRIGGER feed_hosting_added AFTER INSERT ON event_host
    BEGIN {BUMP} WHERE id = NEW.user_id; END""",
    f"""CREATE TRIGGER feed_hosting_changed AFTER UPDATE OF user_id, event_id ON event_host
    BEGIN {BUMP} WHERE id IN (OLD.user_id, NEW.user_id); END""",
    f"""CREATE TRIGGER feed_hosting_removed AFTER DELETE ON event_host
    BEGIN {BUMP} WHERE id = OLD.user_id; END""",
    f"""CREATE TRIGGER feed_event_changed AFTER UPDATE ON event
    BEGIN {BUMP} WHERE feed_token IS NOT NULL AND id IN ({_readers_of("NEW.id")}); END""",
]
SQLITE_TRIGGERS = [
    "feed_reply_added",
    "feed_reply_changed",
    "feed_reply_removed",
    "feed_hosting_added",
    "feed_hosting_changed",
    "feed_hosting_removed",
    "feed_event_changed",
]

# PostgreSQL reads committed rows, so an event's change and someone joining
# it (a reply entering the feed, a hosting) must not miss each other: the
# joining takes a share lock on the event, which the event's UPDATE holds
# exclusively before its trigger reads who reads it. Either the event's
# change waits, then sees the new reader, or the joining waits and raises
# its person's version after the event's change. (A reader leaving needs no
# lock: until that commits, the event's change still sees them.) Readers are
# locked in id order, so two events' changes do not deadlock on the readers
# they share.
POSTGRESQL = [
    f"""CREATE FUNCTION feed_reader_left() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {BUMP} WHERE id = OLD.user_id;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION feed_reader_joined() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM event WHERE id = NEW.event_id FOR SHARE;
        {BUMP} WHERE id = NEW.user_id;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION feed_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {BUMP} FROM (
            SELECT id FROM user_account
            WHERE feed_token IS NOT NULL AND id IN ({_readers_of("NEW.id")})
            ORDER BY id FOR NO KEY UPDATE
        ) AS reader WHERE user_account.id = reader.id;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER feed_reply_left
    AFTER DELETE OR UPDATE OF status, user_id, event_id ON rsvp
    FOR EACH ROW WHEN (OLD.status IN {IN_FEED}) EXECUTE FUNCTION feed_reader_left()""",
    f"""CREATE TRIGGER feed_reply_joined
    AFTER INSERT OR UPDATE OF status, user_id, event_id ON rsvp
    FOR EACH ROW WHEN (NEW.status IN {IN_FEED}) EXECUTE FUNCTION feed_reader_joined()""",
    """CREATE TRIGGER feed_hosting_left
    AFTER DELETE OR UPDATE OF user_id, event_id ON event_host
    FOR EACH ROW EXECUTE FUNCTION feed_reader_left()""",
    """CREATE TRIGGER feed_hosting_joined
    AFTER INSERT OR UPDATE OF user_id, event_id ON event_host
    FOR EACH ROW EXECUTE FUNCTION feed_reader_joined()""",
    """CREATE TRIGGER feed_event_changed AFTER UPDATE ON event
    FOR EACH ROW EXECUTE FUNCTION feed_event_changed()""",
]
POSTGRESQL_TRIGGERS = [
    ("feed_reply_left", "rsvp"),
    ("feed_reply_joined", "rsvp"),
    ("feed_hosting_left", "event_host"),
    ("feed_hosting_joined", "event_host"),
    ("feed_event_changed", "event"),
]
POSTGRESQL_FUNCTIONS = ["feed_reader_left()", "feed_reader_joined()", "feed_event_changed()"]


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("feed_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("feed_etag", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("feed_etag_until", sa.DateTime(timezone=True), nullable=True))
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    elif dialect == "postgresql":
        for name, table in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for function in POSTGRESQL_FUNCTIONS:
            op.execute(f"DROP FUNCTION {function}")
    # In place (SQLite 3.35+ drops a column): batch mode would copy
    # user_account, which every foreign key to it forbids once rows exist.
    for column in ("feed_etag_until", "feed_etag", "feed_version"):
        op.execute(f"ALTER TABLE user_account DROP COLUMN {column}")
