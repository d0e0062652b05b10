"""outbox refresh key (a queued card refresh found by an index, not a LIKE); home_opens

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARD_PREFIX = "project-card:"


def upgrade() -> None:
    op.create_table(
        "home_opens",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("opened_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("workspace_id", "user_id"),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("refresh_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
    op.create_index("ix_outbox_refresh", "outbox", ["refresh_key", "status", "next_attempt_at"], unique=False)
    # card refreshes still queued keep merging after the upgrade: give them their key
    # (dedup keys are "project-card:<project id>:<reason>")
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer),
        sa.column("dedup_key", sa.String),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
        sa.column("refresh_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.dedup_key).where(
            outbox.c.kind == "project_card", outbox.c.status == "pending"
        )
    ).all()
    for row_id, dedup_key in rows:
        project_id = dedup_key.removeprefix(CARD_PREFIX).split(":", 1)[0]
        connection.execute(
            sa.update(outbox).where(outbox.c.id == row_id).values(refresh_key=f"{CARD_PREFIX}{project_id}")
        )


def downgrade() -> None:
    op.drop_index("ix_outbox_refresh", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("refresh_key")
    op.drop_table("home_opens")
