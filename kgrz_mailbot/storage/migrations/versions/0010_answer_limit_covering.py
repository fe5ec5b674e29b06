"""The answer rate limit counts from its index alone (issue 15, item 6).

Its count also tests ``inbound_mail_id`` and ``state``; with only (recipients, created_at) indexed, SQLite read
every counted row, and those columns lie behind the mail's raw bytes, in its overflow pages: a flood of
answers to one address made each further answer read all earlier ones (a third of a 10 000-mail poll).

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outbound_mail_recipients_created", "outbound_mail")
    op.create_index("ix_outbound_mail_answers", "outbound_mail", ["recipients", "created_at", "inbound_mail_id",
                                                                  "state"])


def downgrade() -> None:
    op.drop_index("ix_outbound_mail_answers", "outbound_mail")
    op.create_index("ix_outbound_mail_recipients_created", "outbound_mail", ["recipients", "created_at"])
