"""feed version follows community membership: a person's feed shows a
community's members-only events only while they are a member, so joining,
leaving, being removed or blocked raises their feed_version (as a reply or a
hosting does, migration f7d3a9c1e2b4) and the next fetch is rebuilt, never a
stale 304 (issue 36)

Revision ID: 3b8d2f41c7a9
Revises: 7e658ea59b2b
Create Date: 2026-12-07 17:50:00.000000
"""

from alembic import op

revision = "3b8d2f41c7a9"
down_revision = "7e658ea59b2b"
branch_labels = None
depends_on = None

BUMP = "UPDATE user_account SET feed_version = feed_version + 1, feed_etag = NULL"

SQLITE = [
    f"""CREATE TRIGGER feed_membership_added AFTER INSERT ON community_member
    BEGIN {BUMP} WHERE id = NEW.user_id; END""",
    f"""CREATE TRIGGER feed_membership_changed
    AFTER UPDATE OF state, user_id, community_id ON community_member
    BEGIN {BUMP} WHERE id IN (OLD.user_id, NEW.user_id); END""",
    f"""CREATE TRIGGER feed_membership_removed AFTER DELETE ON community_member
    BEGIN {BUMP} WHERE id = OLD.user_id; END""",
]
SQLITE_TRIGGERS = ["feed_membership_added", "feed_membership_changed", "feed_membership_removed"]

# The person's own row changes: the member row's change and their feed's
# version commit together, so no lock is needed beyond the row's.
POSTGRESQL = [
    f"""CREATE FUNCTION feed_membership_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {BUMP} WHERE id = OLD.user_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {BUMP} WHERE id = NEW.user_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER feed_membership_changed
    AFTER INSERT OR DELETE OR UPDATE OF state, user_id, community_id ON community_member
    FOR EACH ROW EXECUTE FUNCTION feed_membership_changed()""",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER feed_membership_changed ON community_member")
        op.execute("DROP FUNCTION feed_membership_changed()")
