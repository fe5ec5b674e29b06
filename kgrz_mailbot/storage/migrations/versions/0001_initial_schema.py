"""Initial schema: committees, sessions, projects, people, requests, inbox, updates, outbox, drafts.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 11:03:33.926535
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('committee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee')),
    sa.UniqueConstraint('key', name=op.f('uq_committee_key'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('key', name=op.f('uq_project_key'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_person_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('project_id', 'address', name='uq_person_project_address')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_address'), ['address'], unique=False)

    op.create_table('session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('configured', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], name=op.f('fk_session_committee_id_committee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session')),
    sa.UniqueConstraint('committee_id', 'date', name='uq_session_committee_date')
    )
    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('json_path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('html_path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('docx_path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_draft_session_id_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft')),
    sa.UniqueConstraint('session_id', 'version', name='uq_draft_session_version')
    )
    op.create_table('session_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_session_action_session_id_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_action')),
    sa.UniqueConstraint('session_id', 'action', name='uq_session_action_session_action')
    )
    op.create_table('status_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_status_request_project_id_project')),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_status_request_session_id_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_request')),
    sa.UniqueConstraint('session_id', 'project_id', name='uq_status_request_session_project'),
    sa.UniqueConstraint('token', name=op.f('uq_status_request_token'))
    )
    op.create_table('inbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('date_header', sa.DateTime(), nullable=True),
    sa.Column('from_address', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('verified_sender', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('classification', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('acked', sa.Boolean(), nullable=False),
    sa.Column('status_request_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['status_request_id'], ['status_request.id'], name=op.f('fk_inbound_mail_status_request_id_status_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mail')),
    sa.UniqueConstraint('source_key', name=op.f('uq_inbound_mail_source_key'))
    )
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_mail_from_address'), ['from_address'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mail_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mail_sha256'), ['sha256'], unique=False)

    op.create_table('outbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('status_request_id', sa.Integer(), nullable=True),
    sa.Column('inbound_mail_id', sa.Integer(), nullable=True),
    sa.Column('recipients', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['inbound_mail_id'], ['inbound_mail.id'], name=op.f('fk_outbound_mail_inbound_mail_id_inbound_mail')),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_outbound_mail_session_id_session')),
    sa.ForeignKeyConstraint(['status_request_id'], ['status_request.id'], name=op.f('fk_outbound_mail_status_request_id_status_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_mail')),
    sa.UniqueConstraint('business_key', name=op.f('uq_outbound_mail_business_key')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbound_mail_message_id'))
    )
    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_mail_status_request_id'), ['status_request_id'], unique=False)

    op.create_table('status_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status_request_id', sa.Integer(), nullable=False),
    sa.Column('inbound_mail_id', sa.Integer(), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('ampel', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('fortschritt', sa.Integer(), nullable=True),
    sa.Column('stand', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('weiteres_vorgehen', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('meilenstein', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('budget', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('hinweis', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('unchanged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['inbound_mail_id'], ['inbound_mail.id'], name=op.f('fk_status_update_inbound_mail_id_inbound_mail')),
    sa.ForeignKeyConstraint(['status_request_id'], ['status_request.id'], name=op.f('fk_status_update_status_request_id_status_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_update')),
    sa.UniqueConstraint('inbound_mail_id', name=op.f('uq_status_update_inbound_mail_id'))
    )
    with op.batch_alter_table('status_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_update_status_request_id'), ['status_request_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('status_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_update_status_request_id'))

    op.drop_table('status_update')
    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_mail_status_request_id'))

    op.drop_table('outbound_mail')
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_mail_sha256'))
        batch_op.drop_index(batch_op.f('ix_inbound_mail_message_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_mail_from_address'))

    op.drop_table('inbound_mail')
    op.drop_table('status_request')
    op.drop_table('session_action')
    op.drop_table('draft')
    op.drop_table('session')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_address'))

    op.drop_table('person')
    op.drop_table('project')
    op.drop_table('committee')

