"""SubRip (.srt) transcripts: numbered cues, ``hh:mm:ss,mmm`` times, ``Name:`` prefixes.

Subtitle exports of meeting tools put the speaker in front of the text
(``Kyle Benton: Hi Ruth``); some write ``[Kyle Benton]`` or a WebVTT-style
``<v Kyle Benton>`` span instead, and those are read too.
"""

from __future__ import annotations

import re

from coach.models import Transcript
from coach.readers.base import Source, build_transcript
from coach.readers.timecodes import parse_timecode
from coach.readers.vtt import cue_segments, parse_cues

_SRT_TIMING = re.compile(r"(?m)^\s*(\d{1,3}:\d{1,2}:\d{1,2},\d{1,3})\s*-->\s*(\S+)")


def read_srt(src: Source) -> Transcript:
    cues, ignored = parse_cues(src, kind="srt")
    if not cues:
        raise src.error("no subtitle cues found (expected 'hh:mm:ss,mmm --> hh:mm:ss,mmm' "
                        "lines)")
    if ignored:
        src.warnings.append(f"ignored text blocks outside cues: {ignored}")
    segs, stats = cue_segments(cues, src, voice=True, prefix=True)
    if stats["prefix"] == 0 and stats["voice"] == 0:
        raise src.error("no cue names its speaker (expected 'Name: text' in each cue); "
                        "coach needs a transcript with speaker names")
    return build_transcript(segs, src, "srt", unit="cues")


def sniff_srt(text: str) -> bool:
    """True if the first cue timing uses SRT's comma decimal separator."""
    m = _SRT_TIMING.search(text[:20000])
    return bool(m and parse_timecode(m.group(1)) is not None)
