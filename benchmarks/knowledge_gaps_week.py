"""A simulated week of conversations through the real recording path, then the gap
report an editor reads (``contact_centre.knowledge_gaps``).

Citizens are simulated, with a fixed seed: the chat load test's guidance conversations
(``benchmarks/load_test.py``'s ``GUIDANCE``: a question, then elliptic follow-ups),
and sample questions written for this benchmark that the curated catalogue cannot
answer well: services it does not hold, questions no service matches or only a word
of one does, questions past a guide's fields, answers the citizen says did not help,
low ratings. Some give a phone or an ID number or an address, as citizens do. All of
it is sample data, not real citizens' messages.

Each message is answered without Rasa the way the guidance action answers
(``knowledge_base.resolution.resolve_subject`` on the live index deciding what was
found: the guide, the "not held" answer, a choice, or no guide) and recorded through
the gateway's own ``api.conversation._record`` (transcript, intent, the service the
conversation is about), its clock moved through the week. Ratings go through
``contact_centre.feedback.record_feedback``.

    python -m benchmarks.knowledge_gaps_week [--conversations 600] [--seed 31]

Prints the report as ``hotline kb gaps`` does and how long it took, and writes
``benchmarks/results/knowledge_gaps_week.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.conversation import _record  # noqa: E402
from api.rasa_client import BotTurn  # noqa: E402
from benchmarks.load_test import GUIDANCE  # noqa: E402
from benchmarks.report import write_results  # noqa: E402
from contact_centre.feedback import record_feedback  # noqa: E402
from contact_centre.knowledge_gaps import knowledge_gaps  # noqa: E402
from foundation import clock, migrate  # noqa: E402
from foundation.db import make_engine, session_scope  # noqa: E402
from foundation.settings import get_settings  # noqa: E402
from knowledge_base.answers import (  # noqa: E402
    INTENT_ASPECTS,
    answer,
    bundle_answer,
    not_held_answer,
)
from knowledge_base.offices import office_for  # noqa: E402
from knowledge_base.resolution import resolve_subject  # noqa: E402
from knowledge_base.search.engine import SearchEngine  # noqa: E402
from knowledge_base.seed import seed_curated_catalogue  # noqa: E402
from knowledge_base.services import get_bundle, get_service  # noqa: E402
from understanding import detect_language, questions_in  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "knowledge_gaps_week.json"
DOMAIN = ROOT / "domain.yml"
INTENT_OF_ASPECT = {aspect: intent for intent, aspect in INTENT_ASPECTS.items()}

# Sample questions (simulated, written for this benchmark), weighted by how often
# the simulated citizens ask them. Each is one conversation; a tuple's later items
# are what the citizen says next.
SAMPLE = [
    # Services the curated catalogue does not hold.
    (9, ("日本签证怎么办",)),
    (6, ("去日本旅游，日本签证要准备什么材料",)),
    (4, ("我电话13812345678，想问日本签证在哪里办",)),
    (7, ("开了个小卖部想卖烟，烟草专卖零售许可证去哪里申请",)),
    (3, ("烟草专卖零售许可证要多久能批下来",)),
    (5, ("渔业捕捞许可证到哪里办",)),
    (4, ("想开个小书店，出版物经营许可证怎么申请",)),
    # Nothing matches, or only a word does.
    (8, ("火车票怎么退",)),
    (5, ("请问火车票怎么退票",)),
    (3, ("火车票退票怎么弄",)),
    (4, ("我想办个证",)),
    (3, ("帮我查下社保",)),
    # Past the guide's fields, asked by no FAQ.
    (6, ("护照照片可以自己拍吗",)),
    (3, ("办护照的照片能用手机拍的吗",)),
    (4, ("结婚登记可以请朋友当证婚人吗",)),
    # Answered, and the citizen says it did not help.
    (5, ("驾驶证到期了怎么换", "没用，不是这个")),
    (3, ("公积金租房提取怎么弄", "看不懂，转人工")),
    (2, ("身份证310104199001011233丢了，住漕溪北路1200号，怎么补办", "不对")),
]
# Of the load test's conversations, how often each is held.
GUIDANCE_WEIGHT = 12
# Share of conversations rated at their end, and of those rated low (1 or 2).
RATED = 0.25
RATED_LOW = 0.3


def domain_texts() -> dict[str, str]:
    """The Chinese text of the responses the guidance action may utter."""
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]
    wanted = ("utter_choose_service", "utter_no_guide_found", "utter_ask_which_service")
    return {
        name: next(v["text"] for v in responses[name] if "condition" not in v)
        for name in wanted
    }


def conversations(rng: random.Random, count: int) -> list[tuple[str, ...]]:
    pool = [(GUIDANCE_WEIGHT, (q, *follow)) for q, follow in GUIDANCE] + SAMPLE
    weights = [w for w, _ in pool]
    return [rng.choices(pool, weights)[0][1] for _ in range(count)]


class Bot:
    """The guidance action's answer to a message, without Rasa: what search found."""

    def __init__(self, engine, search: SearchEngine) -> None:
        self._engine = engine
        self._search = search
        self._texts = domain_texts()

    def turn(self, text: str, context: str | None) -> BotTurn:
        language = detect_language(text, default="zh")
        aspects = [a for q in questions_in(text) for a in q.aspects]
        aspect = next((a for a in aspects if a != "overview"), "overview")
        if _unhelpful(text):
            intent = "request_human" if "人工" in text else "deny"
            return BotTurn(
                replies=[{"text": "抱歉没能帮到您。", "buttons": []}],
                intent={"name": intent, "confidence": 0.95},
                service=context,
            )
        intent = INTENT_OF_ASPECT[aspect] if aspects else "nlu_fallback"
        resolution = resolve_subject(
            self._search.index, context_code=context, text=text
        )
        said = {"name": intent, "confidence": 0.9}
        if resolution.missing:
            reply = not_held_answer(
                resolution.missing, language, bool(resolution.candidates)
            )
            return BotTurn([{"text": reply, "buttons": []}], said, None)
        if resolution.candidates:
            reply = self._texts["utter_choose_service"]
            return BotTurn([{"text": reply, "buttons": []}], said, context)
        if resolution.code is None:
            reply = self._texts["utter_no_guide_found"]
            return BotTurn([{"text": reply, "buttons": []}], said, context)
        with session_scope(self._engine) as session:
            if resolution.kind == "bundle":
                reply = bundle_answer(get_bundle(session, resolution.code), language)
            else:
                service = get_service(session, resolution.code)
                office = office_for(session, service, None, None)
                reply = answer(service, aspect, language, office)
        return BotTurn([{"text": reply, "buttons": []}], said, resolution.code)


def _unhelpful(text: str) -> bool:
    return any(word in text for word in ("没用", "不对", "转人工", "看不懂"))


def simulate_week(engine, start: dt.datetime, count: int, seed: int) -> dict:
    rng = random.Random(seed)
    search = SearchEngine(engine)
    bot = Bot(engine, search)
    messages = ratings = 0
    for n, said in enumerate(conversations(rng, count)):
        at = start + dt.timedelta(seconds=rng.uniform(0, 7 * 24 * 3600))
        session_id = f"sim-week-{n:05d}"
        context = None
        for text in said:
            # The gateway records at its clock's time: the week's, here.
            with mock.patch.object(clock, "now", return_value=at):
                turn = bot.turn(text, context)
                _record(engine, search, session_id, text, turn, "zh")
            context = turn.service
            messages += 1
            at += dt.timedelta(seconds=rng.uniform(20, 90))
        if rng.random() < RATED:
            low = rng.random() < RATED_LOW
            with session_scope(engine) as session:
                record_feedback(
                    session,
                    rng.choice((1, 2)) if low else rng.choice((4, 5)),
                    session_id=session_id,
                    now=at,
                )
            ratings += 1
    return {"conversations": count, "messages": messages, "ratings": ratings}


def print_report(gaps, start: dt.datetime, end: dt.datetime) -> None:
    print(
        f"Knowledge gaps {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}: "
        f"{len(gaps)} shown, most asked first"
    )
    print(f"  {'#':>3}  {'kind':<12} {'asked':>5}  gap")
    for rank, gap in enumerate(gaps, 1):
        service = f" [{gap.service_code}]" if gap.service_code else ""
        print(f"  {rank:>3}  {gap.kind:<12} {gap.count:>5}  {gap.title}{service}")
        for example in gap.examples:
            print(f"{'':>25}- {example}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=600)
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'week.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        end = clock.now().replace(minute=0, second=0, microsecond=0)
        start = end - dt.timedelta(days=7)
        began = time.perf_counter()
        filed = simulate_week(engine, start, args.conversations, args.seed)
        filing_s = time.perf_counter() - began
        began = time.perf_counter()
        with session_scope(engine) as session:
            gaps = knowledge_gaps(session, since=start, until=end, limit=args.limit)
        report_s = time.perf_counter() - began
        engine.dispose()
    print(
        f"Simulated week: {filed['conversations']} conversations, "
        f"{filed['messages']} citizen messages, {filed['ratings']} ratings "
        f"(filed in {filing_s:.1f} s; report in {report_s:.1f} s, index build included)\n"
    )
    print_report(gaps, start, end)
    write_results(
        RESULTS,
        {
            **filed,
            "seed": args.seed,
            "filing_s": round(filing_s, 2),
            "report_s": round(report_s, 2),
            "gaps": [dataclasses.asdict(g) for g in gaps],
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
