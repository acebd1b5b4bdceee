"""knowledge versions: guides go live through review, with history, dates and variants

Revision ID: 0022_knowledge_versions
Revises: 0021_office_levels
Create Date: 2026-12-12 09:00:00

A change to a service, bundle or office (its FAQs, district variants and example
questions included) is now a numbered version of its guide: drafted by an editor,
reviewed by someone else, published, later retired or rolled back to. Versions may
be drafted together as one batch (a whole catalogue imported for review). Each live
guide carries its effective date (施行日期) and when and by whom it was last checked
(最近核验). A service may say, district by district, where to go, its hours, phone,
online link and extra materials. Tokens may be an editor's or a reviewer's.

Nothing is carried over on the way up: the live tables stay what they were, and a
guide's first draft records its live content as version 1. The way down drops the
versions, batches and variants with what they held, and turns editor and reviewer
tokens into revoked agent tokens, kept because the audit log refers to them.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0022_knowledge_versions"
down_revision = "0021_office_levels"
branch_labels = None
depends_on = None

NEW_ROLES = "('agent', 'admin', 'department', 'manager', 'editor', 'reviewer')"
OLD_ROLES = "('agent', 'admin', 'department', 'manager')"
KINDS = ("service", "bundle", "office")
STATUSES = ("draft", "in_review", "published", "retired")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

_tokens = sa.table(
    "api_tokens",
    sa.column("role", sa.String()),
    sa.column("revoked_at", sa.DateTime()),
)


def _dated(batch: BatchOperations) -> None:
    for column in (
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("verified_at", sa.Date(), nullable=True),
        sa.Column("verified_by", sa.String(length=100), nullable=True),
    ):
        batch.add_column(column)


def upgrade() -> None:
    op.create_table(
        "guide_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_batches")),
    )
    op.create_table(
        "guide_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("warnings_acknowledged", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f("ck_guide_versions_kind")),
        sa.CheckConstraint(
            f"status IN {STATUSES}", name=op.f("ck_guide_versions_status")
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_guide_versions_number")),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["guide_batches.id"],
            name=op.f("fk_guide_versions_batch_id_guide_batches"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_versions")),
        sa.UniqueConstraint(
            "kind", "code", "number", name=op.f("uq_guide_versions_kind")
        ),
    )
    op.create_index(
        op.f("ix_guide_versions_status"), "guide_versions", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_guide_versions_batch_id"), "guide_versions", ["batch_id"], unique=False
    )
    op.create_table(
        "service_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("offline_where", sa.Text(), nullable=True),
        sa.Column("offline_where_en", sa.Text(), nullable=True),
        sa.Column("hours", sa.Text(), nullable=True),
        sa.Column("hours_en", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("online_url", sa.String(length=1000), nullable=True),
        sa.Column("extra_materials", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_service_variants_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_variants")),
        sa.UniqueConstraint(
            "service_id", "district", name=op.f("uq_service_variants_service_id")
        ),
    )
    with op.batch_alter_table("services") as batch:
        _dated(batch)
        batch.add_column(
            sa.Column("examples", sa.JSON(), nullable=False, server_default="[]")
        )
        # A provincial catalogue lists several consultation lines in one field (386
        # characters in the Guangdong file): no longer refused by PostgreSQL.
        batch.alter_column("phone", existing_type=sa.String(length=64), type_=sa.Text())
    for table in ("bundles", "offices"):
        with op.batch_alter_table(table) as batch:
            _dated(batch)

    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_role"), type_="check")
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_check_constraint(
            op.f("ck_api_tokens_role"), f"role IN {NEW_ROLES}"
        )


def downgrade() -> None:
    # Naive Shanghai time, as foundation.clock keeps it.
    now = dt.datetime.now(SHANGHAI).replace(tzinfo=None)
    op.get_bind().execute(
        _tokens.update()
        .where(_tokens.c.role.in_(("editor", "reviewer")))
        .values(
            role="agent",
            revoked_at=sa.func.coalesce(_tokens.c.revoked_at, now),
        )
    )
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_role"), type_="check")
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_check_constraint(
            op.f("ck_api_tokens_role"), f"role IN {OLD_ROLES}"
        )

    for table in ("offices", "bundles"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("verified_by")
            batch.drop_column("verified_at")
            batch.drop_column("effective_date")
    services = sa.table("services", sa.column("phone", sa.Text()))
    op.get_bind().execute(
        services.update()
        .where(sa.func.length(services.c.phone) > 64)
        .values(phone=sa.func.substr(services.c.phone, 1, 64))
    )
    with op.batch_alter_table("services") as batch:
        batch.alter_column("phone", existing_type=sa.Text(), type_=sa.String(length=64))
        batch.drop_column("examples")
        batch.drop_column("verified_by")
        batch.drop_column("verified_at")
        batch.drop_column("effective_date")
    op.drop_table("service_variants")
    op.drop_index(op.f("ix_guide_versions_batch_id"), table_name="guide_versions")
    op.drop_index(op.f("ix_guide_versions_status"), table_name="guide_versions")
    op.drop_table("guide_versions")
    op.drop_table("guide_batches")
