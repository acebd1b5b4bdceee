"""Duplicate groups and hot topics (热点) on real board messages and a simulated month.

- **Board:** the 4,326 messages of the 2020 TipDM Cup's second problem (a provincial
  government's message board, places anonymised as "A市A3区…"), read from
  ``../shared/data/tipdm2020`` and never copied into the repository. Each message is a
  ``Report`` of its subject and body, its district the first "A3区"-style token, no
  category (districts, counties and county-level cities are all written "A3区", "A7县",
"A9市"). TipDM calls a hot issue many citizens reporting one problem at one place
  in one period; the board's messages are sparse (about 400 a month over a whole
  province), so the period is the whole span: ``hot_topics`` with ``days`` the span,
  which also lets reports months apart join one topic. Likes break ties.
- **Simulated month:** 5,000 Shanghai reports from templates with a fixed seed: 60
  events of 5 to 60 reports each (paraphrased, at one spot, over a few days) among
  noise (one-off reports of any problem anywhere). Timed, and scored by how many
  of the top 10 topics are mostly one simulated event.

    python -m benchmarks.hot_topics_bench [--data DIR]

Prints the board's top 10 topics with 3 examples and its 10 largest duplicate groups,
for a person to judge, and writes ``benchmarks/results/hot_topics.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402
from cases.duplicates import Report, group  # noqa: E402
from cases.hot_topics import HotTopic, hot_topics  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tipdm2020"
RESULTS = ROOT / "benchmarks" / "results" / "hot_topics.json"
SHOWN_CHARS = 80
_DISTRICT = re.compile(r"A\d+[区县市]")


def board_reports(data: Path) -> tuple[list[Report], dict[str, int]]:
    """The board's messages as reports, and their likes by message id."""
    reports, likes = [], {}
    lines = (data / "board_messages.tsv").read_text().splitlines()[1:]
    for line in lines:
        message_id, posted_at, subject, body, _against, liked = line.split("\t")
        text = f"{subject.strip()}。{body.strip()}"
        district = _DISTRICT.search(text)
        reports.append(
            Report(
                key=message_id,
                text=text,
                reported_at=dt.datetime.strptime(
                    posted_at.strip(), "%Y-%m-%d %H:%M:%S"
                ),
                district=district.group() if district else None,
            )
        )
        likes[message_id] = int(liked or 0)
    return reports, likes


# --- A simulated month of Shanghai reports ------------------------------------------

_PLACES = [
    ("徐汇区", "田林街道", "宜山路", "钦州路"),
    ("徐汇区", "漕河泾街道", "田林东路", "漕宝路"),
    ("闵行区", "七宝镇", "七莘路", "漕宝路"),
    ("闵行区", "古美街道", "古美路", "平南路"),
    ("浦东新区", "花木街道", "锦绣路", "芳甸路"),
    ("浦东新区", "张江镇", "祖冲之路", "郭守敬路"),
    ("普陀区", "长寿路街道", "长寿路", "武宁路"),
    ("杨浦区", "五角场街道", "国权路", "政通路"),
    ("静安区", "大宁路街道", "共和新路", "汶水路"),
    ("虹口区", "曲阳路街道", "玉田路", "赤峰路"),
    ("长宁区", "仙霞新村街道", "仙霞路", "虹古路"),
    ("宝山区", "顾村镇", "菊太路", "陆翔路"),
]
# fmt: off
# Roads of the one-off reports, which come from all over, not only the events' roads.
_OTHER_ROADS = [
    "虹漕路", "桂林路", "柳州路", "龙吴路", "百色路", "凯旋路", "华山路", "天钥桥路", "零陵路", "斜土路", "瑞金南路",
    "打浦路", "丽园路", "鲁班路", "蒙自路", "制造局路", "陆家浜路", "西藏南路", "复兴东路", "光启路", "中华路", "河南南路",
    "福州路", "九江路", "汉口路", "山东中路", "北京东路", "浙江中路", "厦门路", "天潼路", "海宁路", "乍浦路", "武进路",
    "昆山路", "塘沽路", "吴淞路", "长治路", "东大名路", "杨树浦路", "许昌路", "隆昌路", "辽源西路", "腾越路", "眉州路",
    "兰州路", "齐齐哈尔路", "松潘路", "河间路", "安浦路", "霍山路", "惠民路", "宁国路",
]
# fmt: on
_PROBLEMS = {
    "roads-municipal": [
        (
            "路灯",
            [
                "{at}的路灯坏了，晚上一片漆黑",
                "{at}路灯不亮好几天了",
                "{at}晚上黑咕隆咚，灯都灭了",
            ],
        ),
        (
            "坑",
            [
                "{at}路面有个大坑，电动车摔了",
                "{at}马路塌陷了一块",
                "{at}路面坑坑洼洼很危险",
            ],
        ),
    ],
    "pollution": [
        (
            "油烟",
            [
                "{at}的饭店油烟直排，窗户不敢开",
                "{at}那家餐馆排烟对着居民楼",
                "{at}烧烤店油烟太大了",
            ],
        ),
    ],
    "noise": [
        (
            "工地",
            [
                "{at}的工地半夜还在施工",
                "{at}工地打桩吵得睡不着",
                "{at}夜间施工噪音扰民",
            ],
        ),
        (
            "广场舞",
            ["{at}广场舞音响太吵", "{at}跳舞的音乐声太大", "{at}每天晚上广场舞扰民"],
        ),
    ],
    "city-appearance": [
        (
            "垃圾",
            [
                "{at}垃圾好几天没人清运",
                "{at}垃圾堆成山，臭死了",
                "{at}有人乱倒建筑垃圾",
            ],
        ),
    ],
    "traffic-parking": [
        (
            "停车",
            [
                "{at}车子乱停堵住了路",
                "{at}违停严重，消防车进不来",
                "{at}人行道上停满了车",
            ],
        ),
    ],
}


def _spot(rng: random.Random, place: tuple[str, str, str, str]) -> str:
    _, _, road, cross = place
    return rng.choice(
        [
            f"{road}{cross}路口"
            if rng.random() < 0.5
            else f"{road}{rng.randrange(1, 2000)}号",
            f"{road}{rng.randrange(1, 2000)}号",
        ]
    )


def simulated_month(
    count: int = 5000, seed: int = 12345
) -> tuple[list[Report], dict[str, int]]:
    """Reports of one month, and the event each belongs to (noise: none)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 1)
    kinds = [(c, p) for c, problems in _PROBLEMS.items() for p in problems]
    reports: list[Report] = []
    events: dict[str, int] = {}
    for event in range(60):
        place = rng.choice(_PLACES)
        category, (_, templates) = rng.choice(kinds)
        at = _spot(rng, place)
        first = start + dt.timedelta(days=rng.uniform(0, 27))
        for _ in range(rng.randint(5, 60)):
            key = f"r{len(reports)}"
            text = rng.choice(templates).format(at=rng.choice([at, f"{place[1]}{at}"]))
            when = first + dt.timedelta(hours=rng.uniform(0, 72))
            reports.append(Report(key, text, when, category, place[0], place[1]))
            events[key] = event
    while len(reports) < count:
        # One-off reports come from all over the district, not only the events' roads.
        district, street, _, _ = rng.choice(_PLACES)
        road, cross = rng.sample(_OTHER_ROADS, 2)
        category, (_, templates) = rng.choice(kinds)
        text = rng.choice(templates).format(
            at=_spot(rng, (district, street, road, cross))
        )
        place = (district, street, road, cross)
        when = start + dt.timedelta(days=rng.uniform(0, 30))
        reports.append(
            Report(f"r{len(reports)}", text, when, category, place[0], place[1])
        )
    return reports, events


# --- Running and showing --------------------------------------------------------------


def _topic_row(topic: HotTopic) -> dict[str, object]:
    return {
        "title": topic.title,
        "district": topic.district,
        "count": topic.count,
        "likes": topic.likes,
        "first_seen": topic.first_seen.isoformat(),
        "last_seen": topic.last_seen.isoformat(),
        "examples": [e[:SHOWN_CHARS] for e in topic.examples],
    }


def _timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - started, 2)


def run(data: Path) -> dict[str, object]:
    board, likes = board_reports(data)
    span = max(r.reported_at for r in board) - min(r.reported_at for r in board)
    now = max(r.reported_at for r in board) + dt.timedelta(seconds=1)
    # Hot topics first, so that its time includes reading every message (group
    # would leave them cached) and loading jieba.
    topics, topic_seconds = _timed(
        hot_topics, board, now, days=span.days + 1, top=10, likes=likes
    )
    groups, group_seconds = _timed(group, board)
    month, events = simulated_month()
    month_now = max(r.reported_at for r in month)
    month_topics, month_seconds = _timed(hot_topics, month, month_now, days=30, top=10)
    pure = sum(
        Counter(events.get(k, -1) for k in t.keys).most_common(1)[0][1] >= 0.8 * t.count
        for t in month_topics
    )
    return {
        "board": {
            "messages": len(board),
            "group_seconds": group_seconds,
            "hot_topics_seconds": topic_seconds,
            "groups_of_two_or_more": sum(len(g) > 1 for g in groups),
            "top_topics": [_topic_row(t) for t in topics],
            "largest_groups": [
                [f"{r.key} {r.text[:SHOWN_CHARS]}" for r in g] for g in groups[:10]
            ],
        },
        "simulated_month": {
            "reports": len(month),
            "hot_topics_seconds": month_seconds,
            "top_topics_mostly_one_event": f"{pure}/{len(month_topics)}",
            "top_topics": [f"{t.title} ({t.count})" for t in month_topics],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    report = run(parser.parse_args().data)
    board = report["board"]
    month = report["simulated_month"]
    assert isinstance(board, dict) and isinstance(month, dict)
    print(
        f"Board: {board['messages']} messages; group {board['group_seconds']} s, "
        f"hot_topics {board['hot_topics_seconds']} s"
    )
    print(
        f"Simulated month: {month['reports']} reports; hot_topics "
        f"{month['hot_topics_seconds']} s; top 10 mostly one event: "
        f"{month['top_topics_mostly_one_event']}\n"
    )
    print("Board hot topics")
    for rank, topic in enumerate(board["top_topics"], 1):
        print(
            f"{rank:2}. {topic['title']}  [{topic['district']}, {topic['count']} reports, "
            f"{topic['likes']} likes, {topic['first_seen'][:10]}..{topic['last_seen'][:10]}]"
        )
        for example in topic["examples"]:
            print(f"      - {example}")
    print("\nBoard: largest duplicate groups")
    for members in board["largest_groups"]:
        print(f"  {len(members)} messages")
        for line in members[:5]:
            print(f"      {line}")
    print("\nSimulated month hot topics")
    for line in month["top_topics"]:
        print(f"  {line}")
    write_results(RESULTS, report)


if __name__ == "__main__":
    main()
