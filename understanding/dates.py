"""The dates and times a citizen's message names (今天, 下周一, 昨天晚上十点多 …).

A mention's value is an ISO date (2026-11-20) or date and time (2026-11-20T22:00)
counted from the moment the message was sent, or the text itself when no single day
can be named (上个月, 前几天, 国庆节). A time that recurs (每天晚上十一点, 天天早上七点)
is no one day either: it is kept as written, with its 每天, rather than read as today
at that hour. The grammar is one regular expression over the
characters of the message; which matches are dates is decided after matching.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from understanding.spans import DATE, Span, alternatives

_CN_SMALL_NUMBER = "零〇一二两三四五六七八九十"
_NUM = rf"(?:\d{{1,2}}|[{_CN_SMALL_NUMBER}]{{1,3}})"
_DAY_WORDS = {
    "大前天": (-3, None),
    "前天": (-2, None),
    "昨天": (-1, None),
    "昨日": (-1, None),
    "昨儿": (-1, None),
    "昨晚": (-1, "晚上"),
    "昨夜": (-1, "夜里"),
    "今天": (0, None),
    "今日": (0, None),
    "今儿": (0, None),
    "今早": (0, "早上"),
    "今晨": (0, "早上"),
    "今晚": (0, "晚上"),
    "今夜": (0, "夜里"),
    "明天": (1, None),
    "明日": (1, None),
    "明儿": (1, None),
    "明早": (1, "早上"),
    "明晚": (1, "晚上"),
    "后天": (2, None),
    "大后天": (3, None),
}
_WEEK_OFFSETS = {"上上": -2, "上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}
_MONTH_OFFSETS = {"上": -1, "这": 0, "本": 0, "下": 1}
_YEAR_OFFSETS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_PARTS_OF_DAY = (
    "凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|午夜"
)
# Words that lead to a clock time: 跳到十点, 过了十二点, 从八点.
_UNTIL = ("到", "至", "过", "过了", "从")
_NIGHT = ("晚上", "晚间", "夜里", "夜间", "深夜", "半夜", "午夜")
_VAGUE = "前几天|这几天|前阵子|前段时间|这段时间|上半年|下半年"
# Words before a time of day that make it recur, longest first.
_RECURRING = (
    "每天",
    "天天",
    "每晚",
    "每日",
    "每夜",
    "每早",
    "每到",
    "每逢",
    "经常",
    "常常",
    "老是",
    "总是",
    "一直",
    "通常",
    "平时",
    "一般",
)
# Holidays name a period the citizen means (春节期间): the mention is the holiday itself.
_HOLIDAYS = "春节|除夕|大年三十|元旦|清明节|清明|五一|劳动节|端午节|端午|中秋节|中秋|国庆节|国庆"

# One mention: a day (or a vaguer period), then a part of the day, then a clock time,
# each optional; _is_date_mention decides which combinations are dates.
_DATE_PATTERN = re.compile(
    rf"""
    (?:(?:
        (?P<day_word>{alternatives(_DAY_WORDS)})
      | (?P<iso_year>(?<!\d)\d{{4}})[-/.](?P<iso_month>\d{{1,2}})[-/.](?P<iso_day>\d{{1,2}})(?!\d)
      | (?:(?P<year>(?<!\d)\d{{4}}|[零〇一二三四五六七八九]{{4}})年
           |(?P<year_word>{alternatives(_YEAR_OFFSETS)}))?
        (?P<month>(?<!\d)\d{{1,2}}|十[一二]?|[一二三四五六七八九])月份?
        (?:(?P<day>{_NUM})[日号])?
      | (?P<month_word>上个?月|下个?月|这个月|本月)(?:(?P<month_day>{_NUM})[日号])?
      | (?:(?P<week_word>上上|上|下下|下|这|本)个?)?
        (?<![一二两三四五六七八九十几每\d])(?:星期|礼拜|周)
        (?:(?P<weekday>[一二三四五六日天])(?![次回遍趟个气])|(?P<weekend>末)|(?![围边到全]))
      | (?P<count>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}}|半|几)个?
        (?P<unit>天|日|星期|礼拜|周|月)(?P<direction>以前|之前|前|以后|之后|后)
      | (?P<bare_day>(?<![\d弄路号栋幢楼#\-\]〕）)])(?:[12]\d|3[01]|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]))号
        (?![\d线楼门栋幢床房室口车位窗院台柜机站弄])
      | (?P<vague>{_VAGUE})
      | (?P<holiday>{_HOLIDAYS})(?![路号弄站])
      | (?P<year_alone>{alternatives(_YEAR_OFFSETS)})(?![\d零〇一二三四五六七八九十]+月)
    )(?:的(?=(?:{_PARTS_OF_DAY})|{_NUM}[点时]))?)?
    (?P<part>{_PARTS_OF_DAY})?
    (?:
        (?P<hour>{_NUM})[点时](?P<oclock>钟)?
        (?P<minute>半|一刻|三刻|{_NUM})?分?
        (?P<about>多|左右|前后)?
      | (?P<clock_hour>(?<!\d)\d{{1,2}})[:：](?P<clock_minute>\d{{2}})(?!\d)
    )?
    """,
    re.VERBOSE,
)


def date_spans(text: str, now: datetime) -> list[Span]:
    """The dates and times a message names.

    Args:
        text: The message as the citizen wrote it.
        now: The time relative dates (今天, 下周一) count from, as naive Shanghai time.

    Returns:
        One span per mention, its value an ISO date or date-time, or the text as
        written when the mention names no single day.
    """
    spans = []
    for match in _DATE_PATTERN.finditer(text):
        if match.start() == match.end() or not _is_date_mention(match):
            continue
        start = match.start()
        recurring = next(
            (word for word in _RECURRING if text[:start].endswith(word)), None
        )
        if recurring and not _names_a_day(match):
            start -= len(recurring)
            spans.append(Span(start, match.end(), DATE, text[start : match.end()]))
            continue
        value = _date_value(match, now.date())
        spans.append(Span(start, match.end(), DATE, value or match.group()))
    return spans


def _names_a_day(match: re.Match[str]) -> bool:
    return any(
        match[group]
        for group in (
            "day_word",
            "iso_year",
            "month",
            "month_word",
            "week_word",
            "weekday",
            "weekend",
            "unit",
            "bare_day",
            "vague",
            "holiday",
            "year_alone",
        )
    )


def _is_date_mention(match: re.Match[str]) -> bool:
    if _names_a_day(match):
        return True
    if match["clock_hour"]:
        return True
    if not match["hour"]:
        return False  # 晚上 alone: a time of day, not a date
    if match["part"]:
        return True
    # 一点 is as often "a little" (有一点吵) as one o'clock; without 晚上 or a date,
    # a Chinese-numeral hour counts only with a marker (十点半, 两点多, 三点钟) or
    # after a word that leads to a time (吵到十点, 过了十二点).
    return bool(
        match["hour"].isdigit()
        or match["oclock"]
        or match["minute"]
        or match["about"]
        or match.string[: match.start()].endswith(_UNTIL)
    )


def _date_value(match: re.Match[str], today: date) -> str | None:
    """The ISO date or date-time a mention stands for, or None if not one day."""
    try:
        return _precise_value(match, today)
    except ValueError:
        return None  # 2月30日, 七八点: read as written


def _precise_value(match: re.Match[str], today: date) -> str | None:
    day, explicit = _day_of(match, today)
    if day is None:
        return None
    part = match["part"]
    if match["day_word"]:
        part = part or _DAY_WORDS[match["day_word"]][1]
    hour, minute = _time_of(match)
    if hour is None:
        return day.isoformat()
    next_day = False
    if part or not match["clock_hour"]:  # 15:30 is already on a 24-hour clock
        hour, next_day = _twenty_four_hour(hour, part)
    # 昨天晚上十二点 and 昨天半夜两点 are in the small hours after yesterday; with no
    # day named, 晚上十二点 is read as today's, since the message may be about
    # last night or tonight.
    if next_day and explicit:
        day += timedelta(days=1)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def _day_of(match: re.Match[str], today: date) -> tuple[date | None, bool]:
    """The day a mention names and whether it named one at all (or means today)."""
    if match["day_word"]:
        return today + timedelta(days=_DAY_WORDS[match["day_word"]][0]), True
    if match["iso_year"]:
        return (
            date(
                int(match["iso_year"]),
                int(match["iso_month"]),
                int(match["iso_day"]),
            ),
            True,
        )
    if match["month"]:
        if not match["day"]:
            return None, True  # 11月: a month, not a day
        year = today.year
        if match["year"]:
            year = _number(match["year"], digit_by_digit=True)
        elif match["year_word"]:
            year += _YEAR_OFFSETS[match["year_word"]]
        return date(year, _number(match["month"]), _number(match["day"])), True
    if match["month_word"]:
        if not match["month_day"]:
            return None, True
        offset = _MONTH_OFFSETS[match["month_word"][0]]
        year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
        return date(year, month + 1, _number(match["month_day"])), True
    if match["weekday"] or match["week_word"] or match["weekend"]:
        if not match["weekday"]:
            return None, True  # 上周, 这周末: more than one day
        monday = today - timedelta(days=today.weekday())
        weeks = _WEEK_OFFSETS.get(match["week_word"] or "这", 0)
        offset = 7 * weeks + _WEEKDAYS[match["weekday"]] - 1
        return monday + timedelta(days=offset), True
    if match["unit"]:
        return _counted_day(match, today), True
    if match["bare_day"]:
        return today.replace(day=_number(match["bare_day"])), True
    if match["vague"] or match["holiday"] or match["year_alone"]:
        return None, True
    return today, False


def _counted_day(match: re.Match[str], today: date) -> date | None:
    # 三天前, 两周后; 半个月前 or 几天前 name no single day.
    if match["count"] in ("半", "几") or match["unit"] == "月":
        return None
    days = _number(match["count"]) * (1 if match["unit"] in ("天", "日") else 7)
    sign = -1 if "前" in match["direction"] else 1
    return today + timedelta(days=sign * days)


def _time_of(match: re.Match[str]) -> tuple[int | None, int]:
    if match["clock_hour"]:
        return int(match["clock_hour"]), int(match["clock_minute"])
    if not match["hour"]:
        return None, 0
    hour = _number(match["hour"])
    minute_text = match["minute"]
    minutes = {"半": 30, "一刻": 15, "三刻": 45}
    minute = minutes.get(minute_text or "", 0)
    if minute_text and minute_text not in minutes:
        minute = _number(minute_text)
    if hour > 24 or minute > 59:
        return None, 0
    return hour, minute


def _twenty_four_hour(hour: int, part: str | None) -> tuple[int, bool]:
    """The hour on a 24-hour clock, and whether it falls after midnight."""
    if hour == 24:
        return 0, True
    if part is None and 1 <= hour <= 5:
        # Citizens name the small hours (凌晨两点); a bare 三点 is the afternoon.
        return hour + 12, False
    if part in ("下午", "傍晚") and hour < 12:
        return hour + 12, False
    if part == "中午" and hour < 6:
        return hour + 12, False
    if part in _NIGHT:
        if hour == 12:
            return 0, True
        if hour <= 5:
            return hour, True
        if hour < 12:
            return hour + 12, False
    if part == "凌晨" and hour == 12:
        return 0, False
    return hour, False


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(text: str, digit_by_digit: bool = False) -> int:
    """Reads 20, 二十, 二十三, 十一 or (for years, digit by digit) 二〇二六.

    Raises:
        ValueError: For anything else, such as 七八 (seven or eight).
    """
    if text.isdigit():
        return int(text)
    if digit_by_digit:
        return int("".join(str(_cn_digit(char)) for char in text))
    tens, ten, units = text.partition("十")
    if not ten:
        tens, units = "", text
    if len(tens) > 1 or len(units) > 1 or not (ten or units):
        raise ValueError(f"not a number under a hundred: {text}")
    value = (_cn_digit(tens) if tens else 1) * 10 if ten else 0
    return value + (_cn_digit(units) if units else 0)


def _cn_digit(char: str) -> int:
    if char not in _CN_DIGITS:
        raise ValueError(f"not a digit: {char}")
    return _CN_DIGITS[char]


# How long or how often, which the grammar above leaves to its callers: 这两个礼拜,
# 一个多月, 好几个晚上, 每天晚上, 天天. The agent's draft keeps them as said
# (contact_centre.prefill); an answer to "是什么时候发生的" may be nothing more.
DURATION = re.compile(
    r"(?:这|近|最近|已经|连着|连续|整整|快)?"
    r"(?:好几|十几|二十几|[一二两三四五六七八九十几半]{1,3}|\d{1,3})个?多?"
    r"(?:礼拜|星期|周|月|天|上午|下午|早上|中午|晚上|晚|夜|年)(?:多)?"
    r"(?![楼号路弄层室人块元])"
)
FREQUENCY = re.compile(
    r"(?:每天|天天|每晚|每夜|每个?(?:礼拜|星期|周)[一二三四五六日天末]?|每到|一到"
    r"|每逢|最近|近期|这几天|这阵子|这段时间|刚才|刚刚|周末|节假日|工作日)"
    # Times of the day by what happens then: 每天放学后, 下班高峰.
    r"|(?:放学|下班|上班|早|晚)(?:高峰|以后|后|的时候)"
)
# The rest of what can answer "是什么时候发生的" without naming a day: how often in
# other words (一直, 老是), since when (从上个月开始), for how many hours, how recently
# (这些天, 现在), and the same in English.
_WHEN_WORDS = re.compile(
    rf"""
    每日|每早|每个?月|每年|每次
  | 整天|成天|一天到晚|白天|(?:{_PARTS_OF_DAY})|双休日
  | 一直|经常|常常|时常|时不时|老是|总是|反复|长期|常年|多年|持续
  | 近来|这些天|现在|目前|正在
  | 以来|至今|到现在|开始(?:的|了|就)
  | (?:\d+|[一二两三四五六七八九十几半]+|好几)个?多?(?:年|月|天|周|星期|礼拜|小时)
  | \b(?:every|always|daily|nightly|since|lately|recently|constantly|weekends?
       |nights?|mornings?|evenings?|yesterday|today|tonight|ago|months?|weeks?|years?
       |(?:all|most|some)\ the\ time|at\ night|on\ and\ off)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)


def tells_when(text: str) -> bool:
    """Whether a message can be an answer to the question of when something happened.

    The model reads some such answers as small talk ("每天都这样", "最近一直"), which
    the complaint form would otherwise not take as an answer.
    """
    if any(words.search(text) for words in (FREQUENCY, DURATION, _WHEN_WORDS)):
        return True
    return any(
        match.start() != match.end() and _is_date_mention(match)
        for match in _DATE_PATTERN.finditer(text)
    )
