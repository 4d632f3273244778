"""Property tests: mutated or garbage input to every reader gives a Transcript or an
InputError, nothing else; and a Transcript that comes out is well formed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readers_support import TEXT_FORMATS, fixture_files

from coach.errors import InputError
from coach.models import Transcript
from coach.readers import read_bytes

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SAMPLES = {fmt: fixture_files(fmt)[0].read_bytes() for fmt in (*TEXT_FORMATS, "rttm")}
FORMATS = list(SAMPLES)


def _check(data: bytes, fmt: str | None) -> None:
    try:
        t = read_bytes(data, name="mutated", input_format=fmt)
    except InputError as err:
        assert str(err).startswith("mutated")
        return
    Transcript.model_validate(t.model_dump())
    assert t.turns
    starts = [x.start for x in t.turns]
    assert starts == sorted(starts)
    assert all(x.end >= x.start >= 0 for x in t.turns)
    assert all(x.speaker for x in t.turns)


@st.composite
def mutated(draw, fmt: str) -> bytes:
    data = bytearray(SAMPLES[fmt])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "dup", "flip", "insert", "truncate"]))
        n = len(data)
        if n == 0:
            break
        i = draw(st.integers(0, n - 1))
        j = min(n, i + draw(st.integers(1, 200)))
        if kind == "cut":
            del data[i:j]
        elif kind == "dup":
            data[i:i] = data[i:j]
        elif kind == "flip":
            data[i] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[i:i] = draw(st.sampled_from([
                b"-->", b"<v ", b"</v>", b"\n\n", b":", b"[", b"{", b"}", b'"start": -1',
                b'"speaker": null', b"\x00", b"\xff\xfe", b"99:99:99.999", b"00:00:01,000",
                b"NaN", b"1e309", b'"words": [{}]', b"Name  0:05\n"]))
        else:
            del data[i:]
    return bytes(data)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_mutated_input_detected(fmt, data):
    _check(data.draw(mutated(fmt)), None)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_mutated_input_forced(fmt, data):
    _check(data.draw(mutated(fmt)), fmt)


@SETTINGS
@given(blob=st.binary(max_size=400), fmt=st.sampled_from([None, *FORMATS]))
def test_random_bytes(blob, fmt):
    _check(blob, fmt)


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list("[]():-> \n<v/0123456789.,AnB{}\"WEBVT")),
                    max_size=300),
       fmt=st.sampled_from([None, *FORMATS]))
def test_format_alphabet_soup(text, fmt):
    _check(text.encode(), fmt)
