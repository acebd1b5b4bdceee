"""0015 encrypts the free texts already stored about work orders (description, address,
time, result, history notes, notices, rating comments) and decrypts them again on the
way down, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from cases.models import Notification, WorkOrder, WorkOrderUpdate
from contact_centre.models import Feedback
from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server
from tests.support.migration_rows import insert_test_category

BEFORE = "0014_retention_erasure"
AFTER = "0015_free_text_encrypted"
PHONE = "13912345678"
DESCRIPTION = f"楼下饭店油烟直排，联系人王女士，电话{PHONE}"
ADDRESS = "徐汇区田林路88号3号楼502室"
WHEN = "每天晚上六点以后"
RESULT = f"已联系王女士（{PHONE}），饭店已加装净化设备"
NOTE = f"已电话联系市民{PHONE}"
NOTICE = "您反映的问题（工单编号 GD20261206000001）已派至徐汇区生态环境局办理。"
COMMENT = f"处理很快，有事请打{PHONE}"
AT = "'2026-12-06 09:00:00'"
TABLES = {
    "work_orders": ("description", "address", "occurred_at", "result"),
    "work_order_updates": ("note",),
    "notifications": ("text",),
    "feedback": ("comment",),
}


def _write_rows_of_0014(engine) -> None:
    with engine.begin() as connection:
        run = connection.execute
        insert_test_category(connection)
        run(
            text(
                "INSERT INTO work_orders (id, number, category_id, department_id, "
                "description, address, occurred_at, result, anonymous, status, "
                "due_date, channel, created_at, updated_at) VALUES (1, "
                "'GD20261206000001', 1, 1, :description, :address, :occurred_at, "
                f":result, false, 'completed', '2026-12-13', 'web', {AT}, {AT})"
            ),
            {
                "description": DESCRIPTION,
                "address": ADDRESS,
                "occurred_at": WHEN,
                "result": RESULT,
            },
        )
        run(
            text(
                "INSERT INTO work_order_updates (id, work_order_id, status, action, "
                f"note, actor, created_at) VALUES (1, 1, 'completed', 'complete', "
                f":note, '承办人', {AT})"
            ),
            {"note": NOTE},
        )
        run(
            text(
                "INSERT INTO notifications (id, work_order_id, kind, key, audience, "
                "channel, recipient, text, created_at, attempts) VALUES (1, 1, "
                f"'status', 'dispatched-0', 'citizen', 'web', 'web:x', :text, {AT}, 0)"
            ),
            {"text": NOTICE},
        )
        run(
            text(
                "INSERT INTO feedback (id, rating, comment, channel, created_at) "
                f"VALUES (1, 5, :comment, 'web', {AT})"
            ),
            {"comment": COMMENT},
        )


def _raw(engine) -> dict[str, str | None]:
    found = {}
    with engine.connect() as connection:
        for table, columns in TABLES.items():
            row = connection.execute(
                text(f"SELECT {', '.join(columns)} FROM {table}")
            ).one()
            found.update(
                {f"{table}.{c}": value for c, value in zip(columns, row, strict=True)}
            )
    return found


def _assert_free_texts_encrypted_and_back(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        _write_rows_of_0014(engine)
        migrate.upgrade(url, AFTER)
        stored = _raw(engine)
        assert all(value and value.startswith("v1:") for value in stored.values())
        assert not any(PHONE in value or "田林路" in value for value in stored.values())
        with Session(engine) as session:
            # Columns, not the entity: the model has columns of later revisions.
            order = session.execute(
                select(
                    WorkOrder.description,
                    WorkOrder.address,
                    WorkOrder.occurred_at,
                    WorkOrder.result,
                )
            ).one()
            assert tuple(order) == (DESCRIPTION, ADDRESS, WHEN, RESULT)
            assert session.scalars(select(WorkOrderUpdate.note)).one() == NOTE
            assert session.scalars(select(Notification.text)).one() == NOTICE
            assert session.scalars(select(Feedback.comment)).one() == COMMENT
        migrate.downgrade(url, BEFORE)
        assert _raw(engine) == {
            "work_orders.description": DESCRIPTION,
            "work_orders.address": ADDRESS,
            "work_orders.occurred_at": WHEN,
            "work_orders.result": RESULT,
            "work_order_updates.note": NOTE,
            "notifications.text": NOTICE,
            "feedback.comment": COMMENT,
        }
        occurred = {
            c["name"]: c["type"] for c in inspect(engine).get_columns("work_orders")
        }["occurred_at"]
        assert getattr(occurred, "length", None) == 100
    finally:
        engine.dispose()
        migrate.downgrade(url, "base")
        migrate.upgrade(url)


def test_free_texts_are_encrypted_and_decrypted_again_on_sqlite(tmp_path):
    _assert_free_texts_encrypted_and_back(f"sqlite:///{tmp_path / 'free-text.db'}")


def test_free_texts_are_encrypted_and_decrypted_again_on_postgresql():
    with postgres_server() as url:
        _assert_free_texts_encrypted_and_back(url)
