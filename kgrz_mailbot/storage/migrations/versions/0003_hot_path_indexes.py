"""Indexes for the poll's hot queries: the answer in force per request, pending outbox rows, stored mails.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_status_update_in_force", "status_update",
                    ["status_request_id", "sent_at", "inbound_mail_id"])
    op.create_index("ix_outbound_mail_state", "outbound_mail", ["state"])
    op.create_index("ix_inbound_mail_state", "inbound_mail", ["state"])


def downgrade() -> None:
    op.drop_index("ix_inbound_mail_state", "inbound_mail")
    op.drop_index("ix_outbound_mail_state", "outbound_mail")
    op.drop_index("ix_status_update_in_force", "status_update")
