"""Problems that need a person, for the admin alerts (issue 15, item 5).

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("open_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("mark", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("transport", sa.Boolean(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("notified_mark", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("resolution_notified", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem")),
        sa.UniqueConstraint("open_key", name=op.f("uq_problem_open_key")),
    )
    op.create_index(op.f("ix_problem_key"), "problem", ["key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_problem_key"), table_name="problem")
    op.drop_table("problem")
