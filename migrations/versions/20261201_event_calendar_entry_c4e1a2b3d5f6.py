"""event calendar entry: one VEVENT per event version and variant

Revision ID: c4e1a2b3d5f6
Revises: 3d1f0c8a9b27
Create Date: 2026-12-01 17:30:00.000000

A cache: nothing to backfill (each entry is built on its first read).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e1a2b3d5f6'
down_revision = '3d1f0c8a9b27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_calendar_entry',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('variant', sa.String(length=16), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('alarm', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_calendar_entry_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'variant', name=op.f('pk_event_calendar_entry'))
    )


def downgrade():
    op.drop_table('event_calendar_entry')
