"""archived projects; link names unique per workspace, ignoring case and surrounding spaces

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lite_projects") as batch:
        batch.add_column(sa.Column("archived_at", storage.models.UTCDateTime(), nullable=True))
    _make_link_names_unique()
    op.create_index(
        "uq_lite_projects_link_name",
        "lite_projects",
        ["workspace_id", sa.text("lower(link_name)")],
        unique=True,
    )


def _make_link_names_unique() -> None:
    """Names that differ only in case or surrounding spaces could not be told apart: number the later ones."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, workspace_id, link_name FROM lite_projects ORDER BY id")
    ).all()
    taken: set[tuple[int, str]] = set()
    for project_id, workspace_id, link_name in rows:
        base = (link_name or "").strip() or "Lite project"
        name, number = base, 2
        while (workspace_id, name.lower()) in taken:
            suffix = f" ({number})"
            name, number = base[: 100 - len(suffix)] + suffix, number + 1
        taken.add((workspace_id, name.lower()))
        if name != link_name:
            connection.execute(
                sa.text("UPDATE lite_projects SET link_name = :name WHERE id = :id"),
                {"name": name, "id": project_id},
            )


def downgrade() -> None:
    op.drop_index("uq_lite_projects_link_name", table_name="lite_projects")
    with op.batch_alter_table("lite_projects") as batch:
        batch.drop_column("archived_at")
