"""British spellings folded into American ones, for the index and the queries alike.

"normalisation" and "normalization" are one word to a reader, but the Snowball stemmer gives
them different stems ("normalis", "normal"), so a page in one spelling was missed by a query
in the other. Only spellings that are safe to fold are folded: -isation always; -ise, -ised,
-ising, -iser when the root ends like a word that takes -ize ("normal-", "regular-", "token-",
"optim-"), so "supervised", "precise", "noise" and "promise" stay as they are; -yse; the
-our and -tre words of the lists below; and a few single words.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORDS = {"learnt": "learned", "grey": "gray", "defence": "defense", "licence": "license", "programme": "program",
         "programmes": "programs", "catalogue": "catalog", "analogue": "analog"}
_ISATION = re.compile(r"^(\w{3,})isation(s?)$")
# Roots that take -ize: "normal-ise", "regular-ise", "token-ise", "optim-ise", "memor-ise", "recogn-ise"...
_ISE = re.compile(r"^(\w+(?:al|ar|an|en|er|or|ic|il|im|gn|nt|rd|as|es))is(e|ed|es|ing|er|ers)$")
_YSE = re.compile(r"^(\w*(?:anal|paral|catal|dial))ys(e|ed|es|ing|er|ers)$")
_OUR = re.compile(r"^(col|behavi|neighb|fav|flav|hon|lab|harb|hum|rum|vap|savi)our(s|ed|ing|ful|ite|ites|hood|ly)?$")
_TRE = re.compile(r"^(cent|met|lit|fib|theat)re(s|d)?$")


@lru_cache(maxsize=65536)
def american(word: str) -> str:
    """The American spelling of a lower-case word when it is a British one we fold, else the word."""
    if word in WORDS:
        return WORDS[word]
    if "is" in word:
        if m := _ISATION.match(word):
            return f"{m.group(1)}ization{m.group(2)}"
        if m := _ISE.match(word):
            return f"{m.group(1)}iz{m.group(2)}"
    if "ys" in word and (m := _YSE.match(word)):
        return f"{m.group(1)}yz{m.group(2)}"
    if "our" in word and (m := _OUR.match(word)):
        return f"{m.group(1)}or{m.group(2) or ''}"
    if word.endswith(("re", "res", "red")) and (m := _TRE.match(word)):
        return f"{m.group(1)}er{m.group(2) or ''}"
    return word
