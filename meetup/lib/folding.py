"""Names folded for sorting: what an alphabetical list of people orders by."""

from __future__ import annotations

import unicodedata

# Letters that carry their mark in the letter itself, so that stripping
# combining marks leaves them alone; folded as a reader of a list expects.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                          "þ": "th", "ı": "i"})  # fmt: skip


def folded_for_sorting(text: str, *, max_length: int | None = None) -> str:
    """`text` as a list sorts it: case folded, accents stripped, spacing
    tidied ("Émile" sorts as "emile", between "Emil" and "Emma"), then cut
    to `max_length` characters (folding can lengthen a name: "ß" is "ss").
    Compared character by character, the result orders the same on every
    database and in every locale."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = " ".join(bare.translate(_LETTERS).split())
    return folded if max_length is None else folded[:max_length]
