"""TikTok One ids of brand profiles and anchors

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("brand_profiles") as batch:
        batch.add_column(
            sa.Column("tto_brand_profile_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    with op.batch_alter_table("anchors") as batch:
        batch.add_column(
            sa.Column("tto_anchor_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("anchors") as batch:
        batch.drop_column("tto_anchor_id")
    with op.batch_alter_table("brand_profiles") as batch:
        batch.drop_column("tto_brand_profile_id")
