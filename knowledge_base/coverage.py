"""Whether the catalogue holds the service a citizen names.

Search always finds *something*: asked about a 烟草专卖零售许可证 it ranks 食品经营许可 first,
because both are 许可. Stating that guide as the answer misleads the citizen, so before a
search result is taken as the subject, the name the citizen typed is checked on its own.

1. **The name typed.** A service is named by a head word (许可证, 登记, 证明, 签证, permit,
   visa…) and the words just before it (its modifier): 烟草专卖零售 + 许可证. Words such as
   我想, 办理, 怎么 end the modifier, so 办理渔业捕捞许可证 names 渔业捕捞许可证.
2. **Checked against the catalogue.** The modifier is held when enough of it appears in one
   service's names, aliases, keywords or the colloquial words the lexicon maps onto them,
   character by character or by sound (pinyin), since speech recognition writes homophones:
   宠物狗登记 is held by 养犬登记 (alias 养狗登记), 日本签证 by nothing.
3. A name with a bare head (居住证, a visa) is held when some service's names contain it.
4. A procedure of its own done to a document just named (营业执照年检) is one name, held
   by a service whose names hold the procedure and whose names or materials hold the
   document: 行驶证年检 is the vehicle inspection's, 营业执照年检 no guide's.

Only Chinese and English are read; a message naming nothing is left to search.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from knowledge_base.search.ranking import ServiceIndex
from knowledge_base.search.text import Segmenter, normalise, stem

# Share of the modifier's characters (or English words) a service's names must hold.
HELD_SHARE = 0.5
MAX_MODIFIER_CHARS = 8
MAX_MODIFIER_WORDS = 3

# What a service's name ends with. A document can be named bare ("办签证要多久"); a
# procedure only with what it is for (二手车过户, not "…在哪登记"). Generic ones (申请,
# 手续) fit any service, so only their modifier is checked.
DOCUMENT_HEADS = (
    "许可证",
    "执照",
    "资格证书",
    "资格证",
    "证书",
    "证明",
    "通行证",
    "护照",
    "签证",
    "签注",
    "登记证",
    "牌照",
    "证",
    "卡",
)
PROCEDURE_HEADS = (
    "许可",
    "登记",
    "备案",
    "注册",
    "补贴",
    "津贴",
    "补助",
    "扶助金",
    "审批",
    "核准",
    "检疫",
    "认证",
    "认定",
    "鉴定",
    "公证",
    "年检",
    "年报",
    "过户",
    "转移",
    "迁移",
    "注销",
    "补缴",
    "报名",
    "落户",
    "变更",
    "抵押",
    "评审",
    "检查",
    "申报",
    "贷款",
    "援助",
    "考试",
    "验收",
)
GENERIC_HEADS = ("申请", "手续")
# Procedures that make a service of their own out of any subject: 户口 + 注销 is not 户口迁移,
# whereas 居转户 + 审批 is still 居转户.
DISTINCT_PROCEDURES = frozenset(
    (
        "注销",
        "补缴",
        "转移",
        "迁移",
        "过户",
        "变更",
        "抵押",
        "公证",
        "鉴定",
        "检疫",
        "年检",
        "年报",
        "贷款",
    )
)
# Longest first, so that 许可证 is found before 许可 and 证.
HEADS_ZH = tuple(
    sorted((*DOCUMENT_HEADS, *PROCEDURE_HEADS, *GENERIC_HEADS), key=len, reverse=True)
)
# Read at every character of every question: a head is looked for only where its
# first character is, longest first as in HEADS_ZH.
_HEADS_BY_FIRST: dict[str, tuple[str, ...]] = {
    first: tuple(head for head in HEADS_ZH if head[0] == first)
    for first in {head[0] for head in HEADS_ZH}
}
DOCUMENT_HEADS_EN = frozenset(
    stem(word)
    for word in (
        "visa",
        "licence",
        "license",
        "permit",
        "certificate",
        "passport",
        "card",
    )
)
PROCEDURE_HEADS_EN = frozenset(
    stem(word)
    for word in (
        "registration",
        "subsidy",
        "allowance",
        "transfer",
        "recognition",
        "extension",
        "loan",
    )
)
GENERIC_HEADS_EN = frozenset(stem(word) for word in ("application",))
HEADS_EN = DOCUMENT_HEADS_EN | PROCEDURE_HEADS_EN | GENERIC_HEADS_EN
# Words (as jieba cuts them) that end a modifier when read leftwards from the head: the
# citizen's own words around the name (asking, wanting, doing), never part of it.
BOUNDARIES_ZH = frozenset(
    {
        "问",
        "来电",
        "来电人",
        "市民",
        "了解",
        "想了解",
        "询问",
        "反映",
        "打听",
        "从",
        "没",
        "开",
        "等",
        "另外",
        "然后",
        "再说",
        "顺便",
        "怎么办",
        "怎么样",
        "咋",
        "咋办",
        "咋弄",
        # Asking which or how many is no part of a name: 要办啥许可证, 满多少岁才能申请.
        "啥",
        "多少",
        "才能",
        # Where it is done, not what: 去街道登记.
        "街道",
        "哪个",
        "哪家",
        "哪儿",
        "拿到",
        "就是",
        "参加",
        "以后",
        "之后",
        "以前",
        "第一次",
        "一般",
        "办过",
        "去办",
        "来办",
        "能办",
        "得",
        "准备",
        "打算",
        "因为",
        "所以",
        "如果",
        "已经",
        "没有",
        "刚",
        "刚刚",
        "马上",
        "现在",
        "今年",
        "明年",
        "去年",
        "丢了",
        "补领",
        "换领",
        "领取",
        "本",
        "先得",
        "还要",
        "也要",
        "需不需要",
        "问问",
        "请教",
        "请问",
        "问一下",
        "咨询",
        "一下",
        "我想",
        "我要",
        "想要",
        "需要",
        "怎么",
        "怎样",
        "如何",
        "哪里",
        "能否",
        "可以",
        "办理",
        "申请",
        "申领",
        "补办",
        "办个",
        "办张",
        "一个",
        "一张",
        "那个",
        "这个",
        "我们",
        "我的",
        "上海市",
        "上海",
        "本市",
        "还有",
        "关于",
        "的",
        "了",
        "要",
        "想",
        "办",
        "去",
        "在",
        "给",
        "帮",
        "把",
        "是",
        "有",
        "个",
        "张",
        "和",
        "或",
        "跟",
        "与",
        "及",
        "我",
        "你",
        "他",
        "她",
        "那",
        "这",
        "呢",
        "吗",
        "啊",
        "吧",
        "拿",
        "什么",
        "哪些",
        "带",
        "先",
        "再",
        "哪",
        "都",
        "还",
        "也",
        "就",
        "能",
        "会",
        "到",
        "用",
        "做",
        "考",
        "领",
        "换",
        "新",
        "网上",
        "线上",
        "一起",
        "同时",
        "提前",
        "现场",
        "几年",
        "多久",
        "自己",
        "我自己",
        "本人",
        "办本",
        "一本",
        "这本",
        "那本",
        "能不能",
        "可不可以",
        "有没有",
        "是不是",
        "要不要",
    }
)
STOPWORDS_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "for",
        "to",
        "of",
        "get",
        "getting",
        "apply",
        "applying",
        "do",
        "does",
        "i",
        "we",
        "you",
        "how",
        "where",
        "what",
        "which",
        "can",
        "need",
        "new",
        "renew",
        "shanghai",
        "china",
        "chinese",
        "in",
        "on",
        "about",
        "is",
        "are",
        "with",
        "and",
        "or",
    ]
)
MATERIAL_VERBS = (
    "带",
    "携带",
    "提供",
    "提交",
    "交",
    "用",
    "拿",
    "复印",
    "原件",
    "出示",
    "开",
    "考了个",
    "考了",
    "拿了",
    "拿到了",
    "有了",
    "持有",
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_NOT_A_WORD = re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff]+")


@dataclass(frozen=True)
class NamedService:
    """A service name as the citizen typed it, split into modifier and head."""

    text: str
    modifier: str
    head: str
    # Where the name ends in the normalised question; 0 where no place is kept.
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Coverage:
    """What the catalogue makes of the names in a question."""

    named: tuple[NamedService, ...]
    missing: tuple[NamedService, ...]

    @property
    def missing_subject(self) -> NamedService | None:
        """The name the question is about, when the catalogue lacks it.

        The last name typed is what a question asks about (我考了个电工证，能申请培训补贴吗 asks
        about the subsidy, which is held), so only a missing last name counts.
        """
        if self.named and self.named[-1] in self.missing:
            return self.named[-1]
        return None


def named_services(text: str, segmenter: Segmenter) -> list[NamedService]:
    """Every service name in a question, in the order typed."""
    text = normalise(text)
    return _named_zh(text, segmenter) + _named_en(text)


def coverage(index: ServiceIndex, text: str) -> Coverage:
    """Which of the names in ``text`` the catalogue behind ``index`` does not hold."""
    names = tuple(named_services(text, index.segmenter))
    if not names:
        return Coverage((), ())
    held = _catalogue_names(index)
    missing = tuple(name for name in names if not held.holds(name))
    return Coverage(names, missing)


def named_catalogue_services(index: ServiceIndex, text: str) -> list[str]:
    """Codes of the services whose name or alias the question contains whole.

    A name right after 带/提供/复印… is a document to bring (要带身份证吗), not a new
    subject, and the longest name at a place wins (临时身份证, not 身份证).
    """
    text = normalise(text)
    table = _catalogue_names(index)
    found: list[tuple[int, int, int]] = []  # (the service's rank, start, end)
    # Each Chinese name at its first place in the question: the question is read once,
    # each character against the names that begin with it.
    first_seen: set[tuple[str, int]] = set()
    for at, character in enumerate(text):
        for name, rank in table.chinese_by_first.get(character, ()):
            if (name, rank) in first_seen or not text.startswith(name, at):
                continue
            first_seen.add((name, rank))
            if not text[max(0, at - 3) : at].endswith(MATERIAL_VERBS):
                found.append((rank, at, at + len(name)))
    # Latin names as whole words, looked for only from a word they begin with.
    spaced = f" {_NOT_A_WORD.sub(' ', text)} "
    for word in set(spaced.split()):
        for name, rank in table.latin_by_first_word.get(word, ()):
            at = spaced.find(f" {name} ")
            if at >= 0:
                found.append((rank, at, at + len(name)))
    found.sort(key=lambda place: place[0])  # in the catalogue's order, as before
    # The longest name at a place wins: 临时身份证 names the temporary card, not the ID card.
    codes: list[str] = []
    for rank, start, end in found:
        code = table.whole_names[rank][0]
        inside_longer = any(
            s <= start and end <= e and (e - s) > (end - start) for _, s, e in found
        )
        if not inside_longer and code not in codes:
            codes.append(code)
    return codes


def _named_zh(text: str, segmenter: Segmenter) -> list[NamedService]:
    names: list[NamedService] = []
    position = 0
    while position < len(text):
        head = next(
            (
                h
                for h in _HEADS_BY_FIRST.get(text[position], ())
                if text.startswith(h, position)
            ),
            None,
        )
        if head is None:
            position += 1
            continue
        start = position
        while start > 0 and _CJK.match(text[start - 1]):
            start -= 1
        modifier = _modifier(text[start:position], segmenter)
        # A procedure of its own done to a document just named is one name: 营业执照年检
        # asks for the licence's inspection, which a guide holds only if it names both.
        if (
            head in DISTINCT_PROCEDURES
            and names
            and names[-1].end == position
            and names[-1].text.endswith(modifier)
        ):
            modifier = names.pop().text
        before = text[max(0, position - len(modifier) - 3) : position - len(modifier)]
        # A document to bring (要带/开在职证明) or one the citizen already holds (考了个育婴师
        # 证书) is not what the question is about.
        if before.endswith(MATERIAL_VERBS):
            position += len(head)
            continue
        # Bare, only a document of more than one character names something (签证).
        if modifier or (head in DOCUMENT_HEADS and len(head) > 1):
            names.append(
                NamedService(modifier + head, modifier, head, position + len(head))
            )
        position += len(head)
    return _without_overlaps(names)


def _modifier(run: str, segmenter: Segmenter) -> str:
    """The words just before a head, back to the first boundary word or earlier head."""
    words: list[str] = []
    for word in reversed(segmenter.whole_words(run)):
        if word in BOUNDARIES_ZH or (len(word) > 1 and word.endswith(HEADS_ZH)):
            break
        words.insert(0, word)
        if sum(map(len, words)) >= MAX_MODIFIER_CHARS:
            break
    return "".join(words)[-MAX_MODIFIER_CHARS:]


def _without_overlaps(names: list[NamedService]) -> list[NamedService]:
    """登记证 and 证 at the same place are one name; keep the longer."""
    kept: list[NamedService] = []
    for name in names:
        if kept and kept[-1].text.endswith(name.text):
            continue
        kept.append(name)
    return kept


def _named_en(text: str) -> list[NamedService]:
    words = _LATIN_WORD.findall(text)
    names = []
    for position, word in enumerate(words):
        if stem(word) not in HEADS_EN:
            continue
        modifier: list[str] = []
        for before in reversed(words[max(0, position - MAX_MODIFIER_WORDS) : position]):
            if before in STOPWORDS_EN or stem(before) in HEADS_EN or "'" in before:
                break
            modifier.insert(0, before)
        if modifier or stem(word) in DOCUMENT_HEADS_EN:
            names.append(
                NamedService(" ".join([*modifier, word]), " ".join(modifier), word)
            )
    return names


class _CatalogueNames:
    """Each service's names, aliases, keywords and lexicon words, as text and as sounds.

    A modifier is read word by word (jieba, with the catalogue's terms in its dictionary)
    and each word looked for in one service's names: 药品经营 shares 经营 with 食品经营许可
    but not 药品, and so is not held.
    """

    def __init__(self, index: ServiceIndex) -> None:
        self._segmenter = index.segmenter
        self._chinese: list[tuple[str, str, str, str]] = []
        self._english: list[frozenset[str]] = []
        self.whole_names: list[tuple[str, tuple[str, ...]]] = []
        # How each service's whole names sound: a modifier heard as one of them
        # (沪排 for 沪牌) names that service.
        self._whole_sounds: list[frozenset[str]] = []
        synonyms = index.lexicon.synonyms
        for doc in index.documents:
            names = [doc.name, doc.name.split("（")[0], *doc.names]
            names.extend(
                word
                for word, terms in synonyms.items()
                if any(term in name for term in terms for name in names)
            )
            self.whole_names.append(
                (
                    doc.code,
                    tuple(
                        normalise(name)
                        for name in {*names, doc.name_en, *doc.names_en}
                        if len(name) >= 2
                    ),
                )
            )
            self._whole_sounds.append(
                frozenset(_sounds(name) for name in self.whole_names[-1][1])
            )
            joined = " | ".join(normalise(name) for name in (*names, *doc.keywords))
            about = " | ".join(normalise(text) for text in (joined, *doc.texts))
            materials = " | ".join(normalise(name) for name in doc.materials)
            self._chinese.append((joined, _sounds(joined), about, materials))
            english = normalise(" ".join((doc.name_en, *doc.names_en)))
            self._english.append(
                frozenset(stem(word) for word in _LATIN_WORD.findall(english))
            )
        # The whole names by how they are looked for (named_catalogue_services):
        # Chinese ones by their first character, Latin ones (whole words) by their
        # first word, each with the rank of its service.
        self.chinese_by_first: dict[str, list[tuple[str, int]]] = {}
        self.latin_by_first_word: dict[str, list[tuple[str, int]]] = {}
        for rank, (_, whole) in enumerate(self.whole_names):
            for name in whole:
                if _CJK.search(name):
                    self.chinese_by_first.setdefault(name[0], []).append((name, rank))
                elif name.split():
                    first_word = name.split()[0]
                    self.latin_by_first_word.setdefault(first_word, []).append(
                        (name, rank)
                    )

    def holds(self, name: NamedService) -> bool:
        if _CJK.search(name.head):
            return self._holds_zh(name)
        return self._holds_en(name)

    def _holds_zh(self, name: NamedService) -> bool:
        if not name.modifier:
            return any(name.head in joined for joined, *_ in self._chinese)
        words = [
            (word, _sounds(word))
            for word in set(self._segmenter.whole_words(name.modifier))
        ]
        modifier_sounds = _sounds(name.modifier)
        # The kind of document a procedure is done to (营业执照年检's 执照), if any.
        document = next(
            (head for head in DOCUMENT_HEADS if name.modifier.endswith(head)), ""
        )
        for (joined, sounds, about, materials), whole_sounds in zip(
            self._chinese, self._whole_sounds, strict=True
        ):
            named_whole = (
                name.head not in DISTINCT_PROCEDURES and modifier_sounds in whole_sounds
            )
            # A procedure of its own must be in the names; a step may be in the guide.
            said = joined if name.head in DISTINCT_PROCEDURES else about
            if not (named_whole or _fits(name.head, said)):
                continue
            if name.modifier in joined:
                return True
            # The document a procedure is done to may be named only in the guide's
            # materials (机动车检验 asks for the 行驶证), or by its kind alone (执照地址
            # 变更): 行驶证年检 and 营业执照变更 are held, 营业执照年检 is not.
            if document and (
                name.modifier in materials or (len(document) > 1 and document in joined)
            ):
                return True
            held = [0] * len(name.modifier)
            for word, heard in words:
                if word in joined or heard in sounds:
                    start = name.modifier.find(word)
                    held[start : start + len(word)] = [1] * len(word)
            if sum(held) / len(held) > HELD_SHARE:
                return True
        return False

    def _holds_en(self, name: NamedService) -> bool:
        head = stem(name.head)
        words = [stem(word) for word in name.modifier.split()]
        for stems in self._english:
            if head not in stems and head not in GENERIC_HEADS_EN:
                continue
            if not words or sum(w in stems for w in words) / len(words) >= HELD_SHARE:
                return True
        return False


def _fits(head: str, about: str) -> bool:
    """Whether a service, by what is said about it, is the kind of thing ``head`` says.

    户口 is held by 户口迁移 and 注销 by 企业注销登记, but 户口注销 by neither; 拍卖报名 is
    held by the licence-plate auction, whose guide speaks of 报名.
    """
    return head in GENERIC_HEADS or head in about or head[:2] in about


def _sounds(text: str) -> str:
    """Toneless pinyin, each syllable between spaces, so that words match whole syllables."""
    from pypinyin import Style, lazy_pinyin

    return " " + " ".join(lazy_pinyin(text, style=Style.NORMAL)) + " "


_TABLES: weakref.WeakKeyDictionary[ServiceIndex, _CatalogueNames] = (
    weakref.WeakKeyDictionary()
)


def _catalogue_names(index: ServiceIndex) -> _CatalogueNames:
    """Built once per index: the index is rebuilt, never changed, when the catalogue is."""
    table = _TABLES.get(index)
    if table is None:
        table = _TABLES[index] = _CatalogueNames(index)
    return table
