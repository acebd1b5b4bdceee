"""Rows written in raw SQL for migration tests, which run before the models match the
schema: only the columns every revision since the first has."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def insert_test_category(connection: Connection) -> None:
    """A department (id 1) and a work-order category of it (id 1), for the work orders
    a migration test files under them."""
    connection.execute(
        text(
            "INSERT INTO departments (id, code, name, name_en) "
            "VALUES (1, 'test-dept', '测试局', 'Test bureau')"
        )
    )
    connection.execute(
        text(
            "INSERT INTO work_order_categories (id, code, name, name_en, "
            "department_id, time_limit_days, keywords, description) VALUES "
            "(1, 'test-cat', '测试', 'Test', 1, 5, '[]', '')"
        )
    )
