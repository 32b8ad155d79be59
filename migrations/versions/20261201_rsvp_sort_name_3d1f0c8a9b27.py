"""replies carry their person's name folded for sorting, and their listing

Revision ID: 3d1f0c8a9b27
Revises: f99e4ae38170
Create Date: 2026-12-01 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from meetup.lib.folding import folded_for_sorting


# revision identifiers, used by Alembic.
revision = '3d1f0c8a9b27'
down_revision = 'f99e4ae38170'
branch_labels = None
depends_on = None

SORT_NAME_MAX_LENGTH = 160
# Byte order on PostgreSQL too, as on SQLite (see models.rsvp.SORT_NAME_TYPE).
SORT_NAME_TYPE = sa.String(length=SORT_NAME_MAX_LENGTH).with_variant(
    sa.String(length=SORT_NAME_MAX_LENGTH, collation='C'), 'postgresql'
)


def upgrade():
    with op.batch_alter_table('rsvp', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', SORT_NAME_TYPE, nullable=True))
        batch_op.add_column(sa.Column('is_person_listed', sa.Boolean(), nullable=True))

    # Backfill: each person's name folded once (Python folds accents, SQL
    # cannot), written onto all their replies.
    connection = op.get_bind()
    user_account = sa.table('user_account', sa.column('id', sa.Integer),
                            sa.column('display_name', sa.String))
    rsvp = sa.table('rsvp', sa.column('user_id', sa.Integer), sa.column('sort_name', sa.String))
    people = connection.execute(
        sa.select(user_account.c.id, user_account.c.display_name).where(
            user_account.c.id.in_(sa.select(rsvp.c.user_id))
        )
    ).all()
    if people:
        connection.execute(
            rsvp.update()
            .where(rsvp.c.user_id == sa.bindparam('person'))
            .values(sort_name=sa.bindparam('folded')),
            [{'person': person, 'folded': folded_for_sorting(name, max_length=SORT_NAME_MAX_LENGTH)}
             for person, name in people],
        )

    # privacy.listed_by_default_condition, as it stands at this revision.
    op.execute(
        "UPDATE rsvp SET is_person_listed = EXISTS (SELECT 1 FROM user_account"
        " WHERE user_account.id = rsvp.user_id AND user_account.deleted_at IS NULL"
        " AND user_account.is_listed_in_directories"
        " AND user_account.profile_visibility != 'private')"
    )

    with op.batch_alter_table('rsvp', schema=None) as batch_op:
        batch_op.alter_column('sort_name', existing_type=SORT_NAME_TYPE, nullable=False)
        batch_op.alter_column('is_person_listed', existing_type=sa.Boolean(), nullable=False)
        batch_op.create_index(
            'ix_rsvp_directory',
            ['event_id', 'status', 'sort_name', 'user_id', 'directory_choice', 'is_person_listed'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('rsvp', schema=None) as batch_op:
        batch_op.drop_index('ix_rsvp_directory')
        batch_op.drop_column('is_person_listed')
        batch_op.drop_column('sort_name')
