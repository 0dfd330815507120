"""a decision held before the public saw it counts as published when released

A decision whose public projection was held (待脱敏复核: personal data found after redaction) before the public ever
saw it was not public on its recorded publication date. Before, once an administrator corrected and re-imported it,
the disclosure clock counted it from that recorded date — a decision kept from the public for weeks showed as
published on time. The projection now remembers whether the public has seen the decision (``public_seen``: a
version written unheld while its disclosure was published) and when such a held decision was released
(``released_at``, set by db.projection's upsert); the clock counts from the later of the recorded day and the release
day (domain.deadlines.published_for_clock). A decision the public had already seen keeps its recorded day through
a later hold and release.

Existing rows: seen if unheld and disclosed now, if marked stale (only a visible record is), or if its disclosure has
a later version (a correction: the first was public). A record held now for personal data with only its first
disclosure version is taken as not seen, so a supervisor sees its lateness when it is released.

Revision ID: e5b8c1f4a9d2
Revises: 9c2e7a4b1d53
Create Date: 2026-12-01 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = 'e5b8c1f4a9d2'
down_revision: str | None = '9c2e7a4b1d53'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# domain.publication.STALE_REASON and DisclosureStatus.DRAFT when this migration was written
STALE = "待脱敏复核：原文已修改，待重新生成公示内容"
DRAFT = "待公示"


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (a batch rebuild would drop public_records' triggers on SQLite).
    op.add_column('public_records', sa.Column('public_seen', sa.Boolean(), server_default='0', nullable=False))
    op.add_column('public_records', sa.Column('released_at', db.types.UTCDateTime(), nullable=True))
    op.execute(sa.text(
        "UPDATE public_records SET public_seen = :seen WHERE held_reason = :stale "
        "OR (held_reason IS NULL AND EXISTS (SELECT 1 FROM disclosures s "
        "WHERE s.decision_id = public_records.decision_id "
        "AND s.status <> :draft AND s.published_on IS NOT NULL AND s.withheld_reason IS NULL)) "
        "OR EXISTS (SELECT 1 FROM disclosure_versions v JOIN disclosures s ON s.id = v.disclosure_id "
        "WHERE s.decision_id = public_records.decision_id AND v.version > 1)")
        .bindparams(seen=True, stale=STALE, draft=DRAFT))


def downgrade() -> None:
    # The stored facts of released decisions go back to their recorded day (db.summaries refreshes the queue).
    released = "SELECT decision_id FROM public_records WHERE released_at IS NOT NULL"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT OR IGNORE INTO decision_facts_queue (decision_id) {released}")
    else:
        op.execute(f"INSERT INTO decision_facts_queue (decision_id) {released} ON CONFLICT DO NOTHING")
    with op.batch_alter_table('public_records', recreate='never') as batch_op:
        batch_op.drop_column('released_at')
        batch_op.drop_column('public_seen')
