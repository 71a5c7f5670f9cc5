"""A zip written while it is sent: each file is compressed and handed on before the next one
is made, so a whole organ's forms never sit in memory at once."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator


class _Sink(io.RawIOBase):
    """An unseekable output: zipfile then writes data descriptors, which every unzip reads."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def stream_zip(files: Iterable[tuple[str, Callable[[], bytes]]]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, make in files:
            archive.writestr(name, make())
            yield sink.take()
    yield sink.take()
