"""Index for the answer rate limit: recent answers per recipient.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbound_mail_recipients_created", "outbound_mail", ["recipients", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbound_mail_recipients_created", "outbound_mail")
