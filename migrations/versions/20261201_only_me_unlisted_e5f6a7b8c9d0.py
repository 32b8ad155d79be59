"""only me is not listed in directories by default

Revision ID: e5f6a7b8c9d0
Revises: c0a7e1d2f3b4
Create Date: 2026-12-01 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d0'
down_revision = 'c0a7e1d2f3b4'
branch_labels = None
depends_on = None


def upgrade():
    # "Only me" turns the default directory listing off (issue 17): accounts
    # made before that rule lose it. Per-event choices stay as they are.
    user_account = sa.table(
        'user_account',
        sa.column('profile_visibility', sa.String),
        sa.column('is_listed_in_directories', sa.Boolean),
    )
    op.execute(
        user_account.update()
        .where(user_account.c.profile_visibility == 'private')
        .values(is_listed_in_directories=False)
    )


def downgrade():
    # Nothing to undo: whom the rule unlisted cannot be told apart afterwards.
    pass
