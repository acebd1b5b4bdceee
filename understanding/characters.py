"""Traditional characters read as the simplified ones the models learned.

Citizens from Hong Kong, Macao and Taiwan, and phones set to traditional input, write
護照 for 护照. The intent model, the entity extractors and the search all learned
simplified text, so the message is read in simplified characters. The conversion keeps
the text's length, letter for letter, so that an entity found in the simplified text
marks the same stretch of the words the citizen wrote.
"""

from __future__ import annotations

import re

from knowledge_base.search.text import traditional_to_simplified

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def simplified(text: str) -> str:
    """``text`` in simplified characters, of the same length.

    OpenCC converts some phrases as a whole; should one ever change the length, the
    text is converted one character at a time instead.
    """
    if not _CJK.search(text):
        return text
    converter = traditional_to_simplified()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(
        piece if len(piece := converter.convert(char)) == 1 else char for char in text
    )
