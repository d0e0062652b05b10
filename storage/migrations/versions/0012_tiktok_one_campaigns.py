"""Lite projects in TikTok One: each project's account, campaign, invite link and sync state; each
video's linking-request and authorization state

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lite_projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tto_account_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("tto_campaign_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("tto_invite_link", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
        )
        batch_op.add_column(
            sa.Column("tto_create_sent_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("tto_sync_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_lite_projects_tto_campaign_id"), ["tto_campaign_id"], unique=False
        )
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tto_link_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column("tto_auth_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column("tto_auth_ends_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.drop_column("tto_auth_ends_at")
        batch_op.drop_column("tto_auth_status")
        batch_op.drop_column("tto_link_status")
    with op.batch_alter_table("lite_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lite_projects_tto_campaign_id"))
        batch_op.drop_column("tto_sync_error")
        batch_op.drop_column("tto_create_sent_at")
        batch_op.drop_column("tto_invite_link")
        batch_op.drop_column("tto_campaign_id")
        batch_op.drop_column("tto_account_id")
