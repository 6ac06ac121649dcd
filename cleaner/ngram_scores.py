"""py3langid's byte n-gram naive Bayes model, scoring a batch of texts in one pass of array operations.

py3langid walks every text byte by byte through its automaton in Python, and scores each text on
its own; that was a third of a page's cleaning time. The automaton is an Aho-Corasick machine over
n-grams of at most `depth` bytes, so its state after any byte is the state reached by walking only
the last `depth` bytes from the start state. Every position of every text in a batch therefore
walks those few steps together, as array lookups, and the texts' feature counts and scores come out
of a handful of numpy calls. The probabilities are py3langid's (`LanguageIdentifier._decide` with
norm_probs=True) to the last bit: each text's features are summed in the order py3langid sums them,
so a model trained on our languages is the model trained before (a difference of 1e-6 in a
confidence shifts the trees' bins).
"""
from __future__ import annotations

import unicodedata
from typing import Any, Optional, Sequence

import numpy as np

# Depth of the automaton of the model py3langid 0.4 ships, keyed by its shape (states, features):
# measuring it walks every state (~0.13 s), so a known model skips that at load.
# tests/test_language.py measures it again and compares.
KNOWN_DEPTHS = {(104583, 100053): 6}
# Bytes scored in one batch: bounds the walk's temporary arrays (a few bytes of each per text byte).
CHUNK_BYTES = 1 << 14


def automaton_depth(rows: np.ndarray, row_of: np.ndarray) -> int:
    """Length of the longest byte string an automaton state stands for (breadth-first over its states)."""
    depth = np.full(len(row_of), -1, dtype=np.int16)
    depth[0] = 0
    frontier = np.zeros(1, dtype=np.intp)
    level = 0
    while frontier.size:
        found = []
        for start in range(0, len(frontier), 4096):    # bounded temporaries: 4096 states x 256 bytes
            nxt = rows[row_of[frontier[start:start + 4096]]]
            new = np.unique(nxt[depth[nxt] < 0])
            depth[new] = level + 1
            found.append(new)
        frontier = np.concatenate(found)
        level += 1 if frontier.size else 0
    return level


def encode(text: str) -> bytes:
    """The bytes py3langid scores for a text: lower-cased when all upper case, NFC, UTF-8."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


class PackedTransitions:
    """An automaton's transition table in 17 bits an entry: the low 16 as uint16, the 17th packed 8 to a byte.

    py3langid's model has 104,583 states, one more bit than uint16 holds; as uint32 its table took 39 MB,
    packed 20 MB (a third of this process's language model), for about 0.1 ms more a page."""

    def __init__(self, table: np.ndarray):
        self.low = table.astype(np.uint16)     # the cast keeps the low 16 bits, with no temporary copy
        self.high = np.packbits(table >= 1 << 16, bitorder="little")

    @classmethod
    def from_parts(cls, low: np.ndarray, high: np.ndarray) -> "PackedTransitions":
        """A table already packed (read back from disk)."""
        packed = cls.__new__(cls)
        packed.low, packed.high = low, high
        return packed

    def __getitem__(self, index: np.ndarray) -> np.ndarray:
        high = (self.high[index >> 3] >> (index & 7).astype(np.uint8)) & 1
        return self.low[index] | (high.astype(np.int32) << 16)


def compact_transitions(table: np.ndarray) -> "PackedTransitions | np.ndarray":
    """The table packed in 17 bits an entry where its states fit, else as it is."""
    return PackedTransitions(table) if not table.size or int(table.max()) < 1 << 17 else table


class NgramScorer:
    """py3langid's model as arrays: the automaton, P(n-gram | language) and the class priors."""

    def __init__(self, transitions: "PackedTransitions | np.ndarray", row_base: np.ndarray, output: np.ndarray, depth: int,
                 ptc: np.ndarray, pc: np.ndarray, classes: Sequence[str]):
        self.transitions = transitions      # next state = transitions[row_base[state] + byte]
        self.row_base = row_base
        self.output = output                # feature counted on entering a state, -1 for none
        self.depth = depth
        self.ptc = ptc                      # features x classes, log P(feature | class), float16
        self.pc = pc
        self.classes = list(classes)
        first: dict[str, int] = {}
        self.alias_pairs = []               # (first column, later column) of a label held twice (sr)
        for i, label in enumerate(self.classes):
            if label in first:
                self.alias_pairs.append((first[label], i))
            else:
                first.setdefault(label, i)

    @classmethod
    def from_identifier(cls, identifier: Any) -> "NgramScorer":
        """Take the arrays of a py3langid (0.4) LanguageIdentifier; its Python-level tables can then go."""
        transitions = np.frombuffer(identifier.tk_nextmove, dtype=np.dtype(identifier.tk_nextmove.typecode))
        row_of = np.frombuffer(identifier.tk_row, dtype=np.dtype(identifier.tk_row.typecode)).astype(np.intp)
        output = np.asarray(identifier.tk_output, dtype=np.int32)
        ptc = np.asarray(identifier.nb_ptc)
        depth = KNOWN_DEPTHS.get((len(row_of), ptc.shape[0]))
        if depth is None:
            depth = automaton_depth(transitions.reshape(-1, 256), row_of)
        return cls(compact_transitions(transitions), row_of << 8, output, depth, ptc, np.asarray(identifier.nb_pc),
                   identifier.nb_classes)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array the scorer holds, by name (from_arrays reads them back)."""
        table = self.transitions
        packed = ({"transitions_low": table.low, "transitions_high": table.high}
                  if isinstance(table, PackedTransitions) else {"transitions": table})
        return {**packed, "row_base": self.row_base, "output": self.output, "ptc": self.ptc, "pc": self.pc}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], depth: int, classes: Sequence[str]) -> "NgramScorer":
        """The scorer whose arrays() these are."""
        transitions = (PackedTransitions.from_parts(arrays["transitions_low"], arrays["transitions_high"])
                       if "transitions_low" in arrays else arrays["transitions"])
        return cls(transitions, arrays["row_base"], arrays["output"], depth, arrays["ptc"], arrays["pc"], classes)

    def restricted(self, columns: Sequence[int] | slice) -> "NgramScorer":
        """The same model answering only these columns (a slice shares memory; a list copies them)."""
        # np.take keeps rows contiguous (plain fancy indexing returns column-major here, and gathering
        # a text's rows from that cost several times more than the rest of the scoring).
        ptc = self.ptc[:, columns] if isinstance(columns, slice) else np.take(self.ptc, columns, axis=1)
        classes = self.classes[columns] if isinstance(columns, slice) else [self.classes[i] for i in columns]
        return NgramScorer(self.transitions, self.row_base, self.output, self.depth, ptc, self.pc[columns], classes)

    def features(self, encoded: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text number, feature, count) of every feature the texts hold, sorted by text then feature."""
        lengths = np.fromiter(map(len, encoded), dtype=np.int32, count=len(encoded))
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8).astype(np.int32)
        n = len(data)
        if not n:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        text_of = np.repeat(np.arange(len(encoded), dtype=np.int32), lengths)
        offset = np.arange(n, dtype=np.int32) - (np.cumsum(lengths, dtype=np.int32) - lengths)[text_of]
        state = np.zeros(n, dtype=np.int32)
        # state[i] after the loop: the state reached from the start by bytes i-depth+1 .. i of its own text.
        for back in range(self.depth - 1, 0, -1):
            moved = self.transitions[self.row_base[state[back:]] + data[:-back]]
            state[back:] = np.where(offset[back:] >= back, moved, 0)
        found = self.output[self.transitions[self.row_base[state] + data]]
        counted = found >= 0
        n_features = self.ptc.shape[0]
        keys, first, counts = np.unique(text_of[counted].astype(np.int64) * n_features + found[counted],
                                        return_index=True, return_counts=True)
        # In order of first occurrence, as py3langid sums them (positions grow with the text number, so
        # this also keeps each text's features together): the same sums to the last bit.
        order = np.argsort(first, kind="stable")
        keys, counts = keys[order], counts[order]
        return keys // n_features, keys % n_features, counts

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """P(class | text) for each text (rows), py3langid's normalised scores with held-twice labels folded."""
        encoded = [encode(t) for t in texts]
        scores = np.zeros((len(texts), len(self.classes)), dtype=np.float32)
        start = 0
        while start < len(encoded):
            # Batches of about CHUNK_BYTES bytes: the walk's arrays stay small on a page of long texts.
            end, size = start, 0
            while end < len(encoded) and (end == start or size + len(encoded[end]) <= CHUNK_BYTES):
                size += len(encoded[end])
                end += 1
            self._sums(encoded[start:end], scores[start:end])
            start = end
        # A text without features keeps scores of 0: uniform, as py3langid gives it.
        lengths = np.fromiter(map(len, encoded), dtype=np.float64, count=len(encoded))
        # py3langid's temperature, computed in double and rounded to float32 as it is
        scores *= (1.0 / np.sqrt(np.maximum(lengths, 1.0))).astype(np.float32)[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        for i, j in self.alias_pairs:
            scores[:, i] += scores[:, j]
            scores[:, j] = 0.0
        return scores

    def _sums(self, encoded: Sequence[bytes], out: np.ndarray) -> None:
        """Write each text's naive Bayes sum (log1p of each feature's count times its row, plus priors) into out."""
        text, feature, count = self.features(encoded)
        if not len(text):
            return
        rows = self.ptc[feature].astype(np.float32)
        weights = np.log1p(count.astype(np.float32))
        bounds = np.flatnonzero(np.r_[True, text[1:] != text[:-1], True])
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            out[text[a]] = weights[a:b] @ rows[a:b] + self.pc

    def ranking(self, row: np.ndarray) -> list[tuple[str, float]]:
        """One text's labels by probability, best first, each label once (py3langid's rank())."""
        merged: dict[str, float] = {}
        for label, p in zip(self.classes, row.tolist()):
            merged.setdefault(label, p)
        return sorted(merged.items(), key=lambda item: item[1], reverse=True)

    def best(self, row: np.ndarray) -> tuple[Optional[str], float]:
        """The top label and its probability (the first of equals, as ranking() orders them)."""
        i = int(row.argmax())
        return self.classes[i], float(row[i])
