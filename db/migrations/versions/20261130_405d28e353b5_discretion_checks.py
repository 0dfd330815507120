"""discretion checks

Stores the discretion-benchmark check of every decision (``discretion_checks``), how supervisors resolved each flag
(``discretion_resolutions``), and the law's own fine range on benchmark items and on 权责清单 matters, so that decisions
of an agency without a benchmark are still checked for 超出法定幅度.

Revision ID: 405d28e353b5
Revises: c3a91e5d7b24
Create Date: 2026-11-30 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = '405d28e353b5'
down_revision: str | None = 'c3a91e5d7b24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('discretion_checks',
    sa.Column('decision_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('benchmark_item_id', sa.Integer(), nullable=True),
    sa.Column('benchmark_tier_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.String(length=200), nullable=False),
    sa.Column('item_no', sa.String(length=20), nullable=False),
    sa.Column('claimed', sa.String(length=50), nullable=False),
    sa.Column('computed', sa.String(length=100), nullable=False),
    sa.Column('amount', db.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('statutory_min', db.types.Money(precision=14, scale=2), nullable=True),
    sa.Column('statutory_max', db.types.Money(precision=14, scale=2), nullable=True),
    sa.Column('claimed_min', db.types.Money(precision=14, scale=2), nullable=True),
    sa.Column('claimed_max', db.types.Money(precision=14, scale=2), nullable=True),
    sa.Column('peer_key', sa.String(length=100), nullable=True),
    sa.Column('peer_value', sa.String(length=40), nullable=True),
    sa.Column('robust_z', sa.Float(), nullable=True),
    sa.Column('peer_note', sa.String(length=200), nullable=False),
    sa.Column('flags', sa.String(length=200), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('checked_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['benchmark_item_id'], ['benchmark_items.id'], name=op.f('fk_discretion_checks_benchmark_item_id_benchmark_items')),
    sa.ForeignKeyConstraint(['benchmark_tier_id'], ['benchmark_tiers.id'], name=op.f('fk_discretion_checks_benchmark_tier_id_benchmark_tiers')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_discretion_checks_decision_id_decisions')),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_discretion_checks'))
    )
    op.create_index(op.f('ix_discretion_checks_benchmark_item_id'), 'discretion_checks', ['benchmark_item_id'], unique=False)
    op.create_index(op.f('ix_discretion_checks_flags'), 'discretion_checks', ['flags'], unique=False)
    op.create_index(op.f('ix_discretion_checks_peer_key'), 'discretion_checks', ['peer_key'], unique=False)
    op.create_table('discretion_resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.String(length=50), nullable=False),
    sa.Column('resolved_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_discretion_resolutions_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discretion_resolutions')),
    sa.UniqueConstraint('decision_id', 'flag', name=op.f('uq_discretion_resolutions_decision_id_flag'))
    )
    op.create_index(op.f('ix_discretion_resolutions_decision_id'), 'discretion_resolutions', ['decision_id'], unique=False)
    with op.batch_alter_table('benchmark_sets') as batch:
        batch.add_column(sa.Column('no_penalty_list', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('benchmark_items') as batch:
        batch.add_column(sa.Column('statutory_range', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('matters') as batch:
        batch.add_column(sa.Column('statutory_range', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('matters') as batch:
        batch.drop_column('statutory_range')
    with op.batch_alter_table('benchmark_items') as batch:
        batch.drop_column('statutory_range')
    with op.batch_alter_table('benchmark_sets') as batch:
        batch.drop_column('no_penalty_list')
    op.drop_index(op.f('ix_discretion_resolutions_decision_id'), table_name='discretion_resolutions')
    op.drop_table('discretion_resolutions')
    op.drop_index(op.f('ix_discretion_checks_peer_key'), table_name='discretion_checks')
    op.drop_index(op.f('ix_discretion_checks_flags'), table_name='discretion_checks')
    op.drop_index(op.f('ix_discretion_checks_benchmark_item_id'), table_name='discretion_checks')
    op.drop_table('discretion_checks')
