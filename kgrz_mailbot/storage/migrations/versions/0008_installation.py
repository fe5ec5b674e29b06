"""The installation token: a database knows which installation it belongs to (issue 13, item 5).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No row here: an upgraded database takes the token of its installation's marker file on first open,
    # so a backup from before this revision still fits the installation it came from.
    op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
        sa.UniqueConstraint("token", name=op.f("uq_installation_token")),
    )


def downgrade() -> None:
    op.drop_table("installation")
