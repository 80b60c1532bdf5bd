"""Frames built once per event and written to each socket as the same bytes, coalesced per pass."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.frames import Frame, Opcode

from huzhu.realtime.frames import DirectWriter, text_frame


def parse(data: bytes) -> list[str]:
    """Decode server frames with the websockets library's own parser."""
    from websockets.streams import StreamReader

    reader = StreamReader()
    reader.feed_data(data)
    texts: list[str] = []
    while reader.buffer:
        gen = Frame.parse(reader.read_exact, mask=False)
        try:
            while True:
                next(gen)
        except StopIteration as done:
            frame = done.value
        assert frame.opcode is Opcode.TEXT and frame.fin
        texts.append(frame.data.decode())
    return texts


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
def test_frames_of_every_length_class_decode_to_the_same_text(size):
    text = ("互助" * size)[:size]
    assert parse(text_frame(text.encode())) == [text]


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0


class FakeProtocol:
    close_sent = False


def test_frames_dispatched_in_one_loop_pass_reach_a_socket_in_one_write_in_order():
    async def body() -> tuple[list[bytes], list[bytes]]:
        a, b = FakeTransport(), FakeTransport()
        wa = DirectWriter(FakeProtocol(), a, on_too_slow=lambda: None)
        wb = DirectWriter(FakeProtocol(), b, on_too_slow=lambda: None)
        for n in range(3):  # three events fanned out before the loop gets a breath
            frame = text_frame(f'{{"n":{n}}}'.encode())
            wa.write(frame)
            wb.write(frame)
        await asyncio.sleep(0)
        wa.write(text_frame(b'{"n":3}'))  # a later pass: a write of its own
        await asyncio.sleep(0)
        return a.writes, b.writes

    a_writes, b_writes = asyncio.run(body())
    assert len(a_writes) == 2 and len(b_writes) == 1
    assert parse(b"".join(a_writes)) == ['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}']
    assert parse(b_writes[0]) == ['{"n":0}', '{"n":1}', '{"n":2}']


def test_nothing_is_written_to_a_closing_socket_and_a_slow_one_is_reported():
    slow: list[bool] = []

    class Backlogged(FakeTransport):
        def get_write_buffer_size(self) -> int:
            return 10**9

    async def body() -> tuple[Any, Any]:
        closing, backlogged = FakeTransport(), Backlogged()
        closing.closing = True
        DirectWriter(FakeProtocol(), closing, on_too_slow=lambda: None).write(b"x")
        DirectWriter(FakeProtocol(), backlogged, on_too_slow=lambda: slow.append(True)).write(b"y")
        await asyncio.sleep(0)
        return closing, backlogged

    closing, backlogged = asyncio.run(body())
    assert closing.writes == [] and backlogged.writes == [b"y"] and slow == [True]
