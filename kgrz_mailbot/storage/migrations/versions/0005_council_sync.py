"""When each committee's dates were last read from its council information system (``sessions sync``).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.Column("full_read_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_sync")),
        sa.UniqueConstraint("committee", name=op.f("uq_council_sync_committee")),
    )


def downgrade() -> None:
    op.drop_table("council_sync")
