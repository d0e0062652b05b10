"""creator language of a project

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 22:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # the language of the creator pages and the invite message; empty = the creator's browser decides
    with op.batch_alter_table("lite_projects") as batch:
        batch.add_column(
            sa.Column(
                "creator_language",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("lite_projects") as batch:
        batch.drop_column("creator_language")
