"""All of a page's paragraph texts at once, with numpy: character-class statistics and token hashing.

PageChars joins the paragraphs with `SEPARATOR` and maps every character through one table of
class bits, so counting classes, runs and pattern matches (and lower-casing, and splitting into
words) costs a few calls per page instead of several calls per paragraph. hash_tokens hashes
thousands of tokens with a few numpy calls per 4-byte block instead of one call per token.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import Callable, Mapping, Sequence, Union

import numpy as np
from sklearn.utils import murmurhash3_32

SEPARATOR = "\n"  # joins the paragraphs: not a word character, so \b sees it as a string's edge
_BMP = 0x10000

# A class is a str predicate (str.isalpha), a pattern matching exactly one character, or a set of characters.
CharClass = Union[Callable[[str], bool], "re.Pattern[str]", frozenset]


class CharClasses:
    """Named character classes as bits of a lookup table over the Basic Multilingual Plane."""

    def __init__(self, classes: Mapping[str, CharClass]):
        if len(classes) > 16:
            raise ValueError("at most 16 character classes")
        self._classes = dict(classes)
        self.bit = {name: 1 << i for i, name in enumerate(classes)}
        self._table: np.ndarray | None = None
        self._beyond_bmp: dict[str, int] = {}

    @property
    def table(self) -> np.ndarray:
        """Class bits of every BMP code point (uint16), built on first use (~20 ms)."""
        if self._table is None:
            self._table = self._build_table()
        return self._table

    def _build_table(self) -> np.ndarray:
        chars = "".join(map(chr, range(_BMP)))
        table = np.zeros(_BMP, dtype=np.uint16)
        for name, cls in self._classes.items():
            table[_members(cls, chars)] |= self.bit[name]
        return table

    def bits_of(self, char: str) -> int:
        """Class bits of one character (for code points beyond the table)."""
        bits = self._beyond_bmp.get(char)
        if bits is None:
            bits = sum(bit for name, bit in self.bit.items() if _is_member(self._classes[name], char))
            if len(self._beyond_bmp) >= 1024:  # emoji and rare Han: few on a page; kept within ~150 kB
                self._beyond_bmp.clear()
            self._beyond_bmp[char] = bits
        return bits


def _is_member(cls: CharClass, char: str) -> bool:
    if isinstance(cls, frozenset):
        return char in cls
    if isinstance(cls, re.Pattern):
        return cls.fullmatch(char) is not None
    return bool(cls(char))


def _members(cls: CharClass, chars: str) -> np.ndarray:
    """Boolean mask over `chars` (one per code point) of the characters in the class."""
    if isinstance(cls, frozenset):
        mask = np.zeros(len(chars), dtype=bool)
        mask[[ord(c) for c in cls if ord(c) < len(chars)]] = True
        return mask
    if isinstance(cls, re.Pattern):
        # Replacing each member by NUL keeps positions, as the pattern matches single characters.
        marked = cls.sub("\0", chars)
        if len(marked) != len(chars):
            raise ValueError(f"{cls.pattern!r} does not match exactly one character")
        mask = _code_points(marked) == 0
        mask[0] = cls.fullmatch("\0") is not None
        return mask
    return np.frombuffer(bytes(map(cls, chars)), dtype=np.uint8).astype(bool)


def _code_points(text: str) -> np.ndarray:
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class PageChars:
    """A page's paragraph texts joined by SEPARATOR, with the class bits of every character."""

    def __init__(self, texts: Sequence[str], classes: CharClasses):
        self.classes = classes
        self.text = SEPARATOR.join(texts)
        self.lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self.starts = np.zeros(len(texts), dtype=np.int64)
        np.cumsum(self.lengths[:-1] + 1, out=self.starts[1:])
        codes = _code_points(self.text)
        # One extra slot of zero bits after the text: every paragraph, even an empty last one, then
        # owns a non-empty segment [start, next start) for np.add.reduceat.
        flags = np.zeros(len(codes) + 1, dtype=np.uint16)
        if codes.dtype == np.uint8 or not (beyond := codes >= _BMP).any():
            flags[:-1] = classes.table[codes]
        else:
            flags[:-1] = classes.table[np.where(beyond, 0, codes)]
            for at in np.flatnonzero(beyond).tolist():
                flags[at] = classes.bits_of(self.text[at])
        flags[self.starts[1:] - 1] = 0  # the separators belong to no class
        self.flags = flags

    @cached_property
    def lowered(self) -> str | None:
        """The joined texts lower-cased, None if that changes their length (İ lowers to two characters)."""
        lowered = self.text.lower()
        # Joined or not, the texts lower alike: SEPARATOR is neither cased nor case-ignorable, so a
        # final sigma is still told from its neighbours within the text.
        return lowered if len(lowered) == len(self.text) else None

    def lowered_text(self, i: int) -> str:
        """Paragraph i's text lower-cased (lowered must not be None)."""
        start = int(self.starts[i])
        return self.lowered[start:start + int(self.lengths[i])]

    def lowered_runs(self, name: str) -> list[str] | None:
        """The maximal runs of class characters in the lower-cased texts, None if lowered is None.

        For a class that holds no whitespace and whose members lower-case to members, others to
        others (as \\w): the runs are then those of the original texts, lower-cased."""
        lowered = self.lowered
        if lowered is None:
            return None
        inside = self.has(name)[:-1]
        if lowered.isascii():
            codes = np.frombuffer(lowered.encode("ascii"), dtype=np.uint8)
            return np.where(inside, codes, np.uint8(ord(" "))).tobytes().decode("ascii").split()
        codes = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return np.where(inside, codes, np.uint32(ord(" "))).tobytes().decode("utf-32-le", "surrogatepass").split()

    def has(self, name: str) -> np.ndarray:
        """Per character (and the trailing slot): is it in the class?"""
        return (self.flags & self.classes.bit[name]) != 0

    def count(self, name: str) -> np.ndarray:
        """Per paragraph: the number of characters in the class."""
        return np.add.reduceat(self.has(name), self.starts, dtype=np.int64)

    def first_in(self, name: str) -> np.ndarray:
        """Per paragraph: does its text start with a character of the class?"""
        return (self.flags[self.starts] & self.classes.bit[name]) != 0  # an empty text starts at a separator

    def last_in(self, name: str) -> np.ndarray:
        """Per paragraph: does its text end with a character of the class?"""
        ends = self.flags[self.starts + self.lengths - 1] & self.classes.bit[name]
        return (ends != 0) & (self.lengths > 0)

    def runs(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Start positions and lengths of the maximal runs of class characters."""
        inside = self.has(name)
        edges = np.flatnonzero(np.diff(inside, prepend=False, append=False))
        return edges[0::2], edges[1::2] - edges[0::2]

    def paragraph_of(self, positions: np.ndarray) -> np.ndarray:
        """Index of the paragraph each character position lies in."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def matching(self, pattern: "re.Pattern[str]", among: np.ndarray | None = None,
                 text: str | None = None) -> np.ndarray:
        """Per paragraph: does the pattern match anywhere in its text?

        Only paragraphs where `among` is True are searched (the others are False). `text` replaces
        the joined texts, e.g. by their lower case, and must line up with them character by character.
        The joined texts are searched at once, so the pattern must neither match SEPARATOR nor look
        at it other than as a non-word character (no ^, $, \\A, \\Z, or \\s in lookarounds): then no
        match spans two paragraphs and each paragraph's first match is found, as by pattern.search."""
        text = self.text if text is None else text
        hit = np.zeros(len(self.starts), dtype=bool)
        if among is None:
            starts, searched = self.starts, None
        else:
            searched = np.flatnonzero(among)
            text = SEPARATOR.join([text[a:a + n] for a, n in zip(self.starts[searched].tolist(),
                                                                   self.lengths[searched].tolist())])
            starts = np.zeros(len(searched), dtype=np.int64)
            np.cumsum(self.lengths[searched][:-1] + 1, out=starts[1:])
        positions = [m.start() for m in pattern.finditer(text)]
        if positions:
            found = np.searchsorted(starts, positions, side="right") - 1
            hit[found if searched is None else searched[found]] = True
        return hit


_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
_LONG_BLOCKS = 8  # tokens of more blocks (36 bytes or more: about 1 in 700) are hashed one at a time


def hash_tokens(pieces: Sequence[tuple[str, Sequence[str]]]) -> np.ndarray:
    """murmurhash3_32 (seed 0, signed, as FeatureHasher uses it) of prefix + item, for every item
    of every (prefix, items) piece, in order."""
    count = sum(len(items) for _, items in pieces)
    joined = "\n".join([prefix + ("\n" + prefix).join(items) for prefix, items in pieces if items])
    data = joined.encode("utf-8")
    # 4 bytes more: a separator after the last token, and padding for reading its tail as a word
    padded = np.frombuffer(data + b"\n\0\0\0", dtype=np.uint8)
    ends = np.flatnonzero(padded[:len(data) + 1] == ord("\n"))
    if len(ends) != count or not count:  # a token held the separator (or there is none)
        return np.array([murmurhash3_32(prefix + item, 0) for prefix, items in pieces for item in items],
                        dtype=np.int32)
    return _murmur3(padded, ends, data)


def _murmur3(padded: np.ndarray, ends: np.ndarray, data: bytes) -> np.ndarray:
    """MurmurHash3_x86_32 (seed 0) of the byte strings ending at `ends`, each starting after the
    previous end, one numpy pass per 4-byte block over all of them."""
    count = len(ends)
    starts = np.empty(count, dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    # The little-endian 32-bit word at every byte offset (an unaligned, overlapping view).
    words = np.ndarray((len(padded) - 3,), dtype="<u4", buffer=padded, strides=(1,))
    blocks = lengths >> 2
    # Most blocks first, so the strings still being hashed at block k are a prefix of the order.
    order = np.argsort(np.uint8(255) - np.minimum(blocks, 255).astype(np.uint8), kind="stable")
    starts, blocks, lengths = starts[order], blocks[order], lengths[order]
    n_longer = count - np.cumsum(np.bincount(np.minimum(blocks, _LONG_BLOCKS + 1), minlength=_LONG_BLOCKS + 2))
    h = np.zeros(count, dtype=np.uint32)
    for k in range(min(int(blocks[0]), _LONG_BLOCKS)):
        n = n_longer[k]
        _mix_state(h[:n], _mix_block(words[starts[:n] + 4 * k]))
    tail_bytes = (lengths & 3).astype(np.uint32)
    tail = words[starts + 4 * blocks] & ((np.uint32(1) << (tail_bytes << np.uint32(3))) - np.uint32(1))
    h ^= _mix_block(tail)  # a zero tail mixes to zero: no effect, as when the reference skips it
    h ^= lengths.astype(np.uint32)
    h = _finalize(h).view(np.int32)
    n_long = int(n_longer[_LONG_BLOCKS])  # strings of more blocks than the loop took
    if n_long:
        h[:n_long] = [murmurhash3_32(data[s:s + n], 0) for s, n in zip(starts[:n_long].tolist(),
                                                                      lengths[:n_long].tolist())]
    out = np.empty(count, dtype=np.int32)
    out[order] = h
    return out


def _mix_block(k: np.ndarray) -> np.ndarray:
    """k = rotl(k * C1, 15) * C2, in place."""
    k *= _C1
    high = k << np.uint32(15)
    k >>= np.uint32(17)
    k |= high
    k *= _C2
    return k


def _mix_state(h: np.ndarray, k: np.ndarray) -> None:
    """h = rotl(h ^ k, 13) * 5 + 0xE6546B64, in place."""
    h ^= k
    high = h << np.uint32(13)
    h >>= np.uint32(19)
    h |= high
    h *= np.uint32(5)
    h += np.uint32(0xE6546B64)


def _finalize(h: np.ndarray) -> np.ndarray:
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h
