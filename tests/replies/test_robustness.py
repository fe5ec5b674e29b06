"""understand() never raises, whatever bytes arrive (hypothesis mutates real test mails)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgrz_mailbot.domain.model import Understanding
from kgrz_mailbot.replies.pipeline import understand

from .helpers import MAILS_DIR, OWN_ADDRESS

SAMPLES = [path.read_bytes() for path in sorted(MAILS_DIR.glob("*.eml"))]


@st.composite
def mutated_mails(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if action == "flip" and raw:
            raw[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at : at + draw(st.integers(1, 200))]
        elif action == "insert":
            raw[at:at] = draw(st.sampled_from([b"\r\n", b"=?", b"?=", b"--", b"<", b">", b"\x00", b":", b"=\r\n",
                                               b"Content-Type: multipart/mixed; boundary=x\r\n", b"\xff\xfe"]))
        elif action == "truncate":
            del raw[at:]
    return bytes(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_mails())
def test_understand_never_raises_on_mutated_mails(raw: bytes) -> None:
    result = understand(raw, own_address=OWN_ADDRESS)
    assert isinstance(result, Understanding)
    assert isinstance(result.text, str)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_understand_never_raises_on_random_bytes(raw: bytes) -> None:
    assert isinstance(understand(raw, own_address=OWN_ADDRESS), Understanding)
