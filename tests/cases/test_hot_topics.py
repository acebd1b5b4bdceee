"""Hot topics: one problem at one place, counted over a period and ranked."""

from __future__ import annotations

import datetime as dt

from cases.duplicates import Report
from cases.hot_topics import hot_topics, recent_hot_topics
from cases.work_orders import WorkOrderRequest, file_work_order

NOW = dt.datetime(2031, 3, 10, 18, 0)  # after every other test's orders


def _light(key: str, days_ago: float, text: str = "宜山路钦州路口的路灯不亮") -> Report:
    return Report(
        key,
        text,
        NOW - dt.timedelta(days=days_ago),
        "roads-municipal",
        "徐汇区",
        "田林街道",
    )


def _fumes(key: str, days_ago: float) -> Report:
    return Report(
        key,
        "田林路200号饭店油烟直排，联系电话13812345678",
        NOW - dt.timedelta(days=days_ago),
        "pollution",
        "徐汇区",
        "田林街道",
    )


def test_hot_topics_ranks_by_count_and_counts_the_period_before() -> None:
    reports = [_light(f"l{i}", i * 0.5) for i in range(5)]
    reports += [_light(f"old{i}", 8 + i) for i in range(2)]
    reports += [_fumes(f"f{i}", i) for i in range(3)]
    reports.append(_light("stale", 30))
    topics = hot_topics(reports, NOW, days=7)
    assert [(t.count, t.previous_count) for t in topics] == [(5, 2), (3, 0)]
    assert topics[0].growth == 2.5 and topics[1].growth == 3.0
    assert "路灯" in topics[0].title and "田林街道" in topics[0].title
    assert set(topics[0].keys) == {f"l{i}" for i in range(5)}


def test_hot_topics_masks_personal_data_in_examples() -> None:
    topic = hot_topics([_fumes("a", 1), _fumes("b", 2)], NOW)[0]
    assert all("13812345678" not in example for example in topic.examples)


def test_hot_topics_leaves_out_single_reports_and_breaks_ties_by_likes() -> None:
    reports = [_light("l1", 1), _light("l2", 2), _fumes("f1", 1), _fumes("f2", 2)]
    reports.append(
        Report("alone", "康健新村停水了", NOW, "utilities", "徐汇区", "康健新村街道")
    )
    topics = hot_topics(reports, NOW, likes={"f1": 40})
    assert [t.keys for t in topics] == [("f2", "f1"), ("l2", "l1")]
    assert topics[0].likes == 40


def test_five_thousand_reports_make_topics_of_one_problem_each() -> None:
    # How fast is measured in benchmarks/hot_topics_bench.py, not asserted here.
    roads = [
        "宜山路",
        "田林路",
        "漕溪北路",
        "虹梅路",
        "钦州路",
        "桂林路",
        "龙华中路",
        "肇嘉浜路",
    ]
    problems = ["路灯不亮", "油烟扰民", "路面有坑", "垃圾没人清运", "工地夜间施工噪音"]
    reports = [
        Report(
            str(i),
            f"{roads[i % 8]}{(i * 37) % 2000}号门口{problems[i % 5]}",
            NOW - dt.timedelta(hours=i % 300),
            None,
            ("徐汇区", "闵行区")[i % 2],
            None,
        )
        for i in range(5000)
    ]
    topics = hot_topics(reports, NOW, top=20)
    assert len(topics) == 20
    for topic in topics:
        assert len({problems[int(key) % 5] for key in topic.keys}) == 1, topic.title


def test_recent_hot_topics_reads_the_orders_filed_in_the_period(
    session, router
) -> None:
    for days_ago, text in [
        (1, "宜山路钦州路口的路灯坏了，晚上一片漆黑"),
        (2, "钦州路宜山路交叉口路灯不亮好几天了"),
        (3, "宜山路钦州路口路灯不亮，过马路很危险"),
        (10, "宜山路钦州路路口路灯又不亮了"),
        (40, "宜山路钦州路口的路灯坏了"),
    ]:
        file_work_order(
            session,
            WorkOrderRequest(
                description=text,
                category_code="roads-municipal",
                district="徐汇区",
                address="宜山路钦州路口",
            ),
            router,
            now=NOW - dt.timedelta(days=days_ago),
        )
    topics = recent_hot_topics(session, now=NOW, days=7)
    assert len(topics) == 1
    topic = topics[0]
    assert (topic.count, topic.previous_count, topic.category) == (
        3,
        1,
        "roads-municipal",
    )
    assert topic.district == "徐汇区" and "路灯" in topic.title


def _report(key: str, text: str, days_ago: float, district: str = "徐汇区") -> Report:
    return Report(key, text, NOW - dt.timedelta(days=days_ago), None, district, None)


def test_hot_topics_takes_an_organisation_as_the_place() -> None:
    # No road or estate: the company the reports are about is where the topic is.
    reports = [
        _report("w1", "鑫宏装饰公司拖欠我们三个月工资，老板不接电话", 1),
        _report("w2", "鑫宏装饰公司欠薪，十几个工人的工资都没发", 2),
        _report("w3", "鑫宏装饰公司到现在还拖欠工资", 3),
    ]
    topics = hot_topics(reports, NOW)
    assert [t.count for t in topics] == [3]
    assert "鑫宏装饰公司" in topics[0].title


def test_hot_topics_rejects_a_phrase_named_in_many_districts_as_a_place() -> None:
    # "影响小区" ends like an estate's name; written in three districts it is a
    # phrase, so two reports of two roads sharing it are not one topic.
    reports = [
        _report("a", "宜山路工地夜间施工，严重影响小区居民休息", 1),
        _report("b", "漕宝路工地夜间施工，严重影响小区居民休息", 2),
        _report("c", "七莘路工地夜间施工，严重影响小区居民休息", 1, "闵行区"),
        _report("d", "锦绣路工地夜间施工，严重影响小区居民休息", 1, "浦东新区"),
    ]
    assert hot_topics(reports, NOW) == []


def test_hot_topics_does_not_chain_two_issues_through_one_letter() -> None:
    water = [_report(f"w{i}", "康健新村停水了，一滴水都没有", i) for i in range(3)]
    noise = [_report(f"n{i}", "康健新村工地晚上施工噪音太大", i) for i in range(3)]
    both = _report("both", "康健新村停水了，工地晚上施工噪音也太大", 1)
    topics = hot_topics([*water, *noise, both], NOW)
    keys = [set(t.keys) for t in topics]
    assert len(keys) == 2
    assert not any(k & {"w0", "w1", "w2"} and k & {"n0", "n1", "n2"} for k in keys)


def test_two_short_reports_of_one_light_are_a_topic_though_worded_apart() -> None:
    topics = hot_topics(
        [
            _light("a", 1, "宜山路钦州路路口的路灯坏了，晚上一片漆黑，过马路很危险"),
            _light("b", 2, "钦州路宜山路交叉口那盏路灯好几天不亮了，晚上走路看不见"),
        ],
        NOW,
    )
    assert [sorted(t.keys) for t in topics] == [["a", "b"]]


def test_reports_the_centre_merged_are_one_topic_whatever_their_words() -> None:
    reports = [
        _light("a", 1, "宜山路钦州路口路灯不亮"),
        Report(
            "b",
            "这里晚上太黑了，老人不敢出门",
            NOW - dt.timedelta(days=1),
            "roads-municipal",
            "徐汇区",
            "田林街道",
            "宜山路钦州路口",
        ),
    ]
    assert hot_topics(reports, NOW) == []
    topics = hot_topics(reports, NOW, events={"a": "event-1", "b": "event-1"})
    assert [sorted(t.keys) for t in topics] == [["a", "b"]]
