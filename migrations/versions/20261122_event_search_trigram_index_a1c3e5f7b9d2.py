"""event search trigram index (PostgreSQL only)

Revision ID: a1c3e5f7b9d2
Revises: 78137d674b1b
Create Date: 2026-11-22 06:50:00

"""
from alembic import op


revision = 'a1c3e5f7b9d2'
down_revision = '78137d674b1b'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may add it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_event_search_text_trgm",
        "event",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_event_search_text_trgm", table_name="event")
