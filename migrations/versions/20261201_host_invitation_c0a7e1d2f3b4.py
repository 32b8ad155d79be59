"""host invitation

Revision ID: c0a7e1d2f3b4
Revises: 56997a12aef2
Create Date: 2026-12-01 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a7e1d2f3b4'
down_revision = '56997a12aef2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('host_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_host_invitation_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_host_invitation_token_hash'))
    )
    with op.batch_alter_table('host_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_invitation_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('host_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_invitation_event_id'))

    op.drop_table('host_invitation')
