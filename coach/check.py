"""`coach check`: find sample transcripts with expectations, analyse, compare.

The CLI (``coach/cli/check_cmd.py``) only parses options and prints; finding the
transcripts, pairing them with their expectation files and turning reports into
pass/fail cases lives here so it can be tested and reused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.errors import CoachError, InputError
from coach.expectations import (
    EXPECT_SUFFIXES,
    FOLDER_FILES,
    Expectation,
    evaluate,
    evaluate_thresholds,
    load_expectation_file,
    load_folder_expectations,
)
from coach.report import Report
from coach.testresults import CaseResult, display_path

# What counts as a transcript when every file under a folder is checked
# (--min-score / --fail-on). RTTM is left out: it has no words, so no score.
TRANSCRIPT_SUFFIXES: tuple[str, ...] = (".vtt", ".srt", ".txt", ".json")
# Sidecars and outputs that sit next to transcripts but are not transcripts.
NOT_TRANSCRIPTS: tuple[str, ...] = (".meta.json", ".labels.json", ".report.json",
                                    ".expected.json", ".expect.json")


@dataclass
class Target:
    """One transcript to check, with its expectation (None: global thresholds only)."""

    path: Path
    expectation: Expectation | None = None
    expect_file: Path | None = None

    @property
    def display(self) -> str:
        """The path as CI should show it: relative to the working directory when inside it."""
        return display_path(self.path)


def _is_expect_file(path: Path) -> bool:
    return path.name.endswith(EXPECT_SUFFIXES)


def _expect_stem(path: Path) -> str:
    for suffix in EXPECT_SUFFIXES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def _is_candidate(path: Path) -> bool:
    name = path.name.lower()
    if name.startswith(".") or name in FOLDER_FILES or _is_expect_file(path):
        return False
    if name.endswith(NOT_TRANSCRIPTS) or name.startswith("readme"):
        return False
    return path.suffix.lower() in TRANSCRIPT_SUFFIXES


def _transcript_for(expect_file: Path) -> Path:
    """``call.vtt.expect.yaml`` -> ``call.vtt``; ``call.expect.yaml`` -> the one ``call.*``."""
    stem = _expect_stem(expect_file)
    folder = expect_file.parent
    exact = folder / stem
    if exact.is_file():
        return exact
    matches = sorted(p for p in folder.iterdir()
                     if p.is_file() and p.stem == stem and not _is_expect_file(p)
                     and p.name not in FOLDER_FILES)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(str(expect_file), f"no transcript {stem!r} beside it "
                         f"(name it <transcript file name>{EXPECT_SUFFIXES[0]})")
    names = ", ".join(p.name for p in matches)
    raise InputError(str(expect_file), f"ambiguous: several transcripts are named {stem}.* "
                     f"({names}); name it <file name>{EXPECT_SUFFIXES[0]}")


def _sibling_expect_files(transcript: Path) -> list[Path]:
    names = [transcript.name + s for s in EXPECT_SUFFIXES]
    names += [transcript.stem + s for s in EXPECT_SUFFIXES if transcript.suffix]
    return [transcript.parent / n for n in names if (transcript.parent / n).is_file()]


class _Finder:
    """Collects targets; each expectations file is read once.

    A folder's ``expectations.yaml`` lists files in that folder or below it
    (``teams-vtt/outage.vtt``), so one file can hold the expectations of a whole tree
    whose folders must hold transcripts only.
    """

    def __init__(self, all_transcripts: bool) -> None:
        self.all_transcripts = all_transcripts
        self.targets: dict[Path, Target] = {}
        # resolved transcript -> (expectation, the expectations.yaml listing it)
        self.listed: dict[Path, tuple[Expectation, Path]] = {}
        self._folder_files: dict[Path, list[Path]] = {}  # resolved folder -> listed paths

    def load_folder_file(self, folder: Path) -> list[Path]:
        """Read ``folder``'s expectations file (once); the transcripts it lists."""
        key = folder.resolve()
        if key in self._folder_files:
            return self._folder_files[key]
        found = [folder / n for n in FOLDER_FILES if (folder / n).is_file()]
        if len(found) > 1:
            raise InputError(str(found[1]), f"two expectation files in one folder; "
                             f"keep only {found[0].name}")
        paths: list[Path] = []
        if found:
            file = found[0]
            for name, exp in load_folder_expectations(file).items():
                path = self._listed_path(folder, file, name)
                other = self.listed.get(path.resolve())
                if other is not None:
                    raise InputError(str(path), f"listed in both {other[1]} and {file}; "
                                     "keep one")
                self.listed[path.resolve()] = (exp, file)
                paths.append(path)
        self._folder_files[key] = paths
        return paths

    @staticmethod
    def _listed_path(folder: Path, file: Path, name: str) -> Path:
        rel = Path(name.replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts:
            raise InputError(str(file), f"{name!r}: list files of this folder or below it, "
                             "by a relative path", field=name)
        path = folder / rel
        if not path.is_file():
            raise InputError(str(file), f"lists {name!r}, which is not a file under {folder}",
                             field=name)
        return path

    def expectation_for(self, transcript: Path) -> tuple[Expectation, Path] | None:
        for folder in _folders_up(transcript):
            self.load_folder_file(folder)
        siblings = [p for p in _sibling_expect_files(transcript)
                    if _transcript_for(p).resolve() == transcript.resolve()]
        if len(siblings) > 1:
            raise InputError(str(transcript), "several expectation files: "
                             + ", ".join(p.name for p in siblings) + "; keep one")
        listed = self.listed.get(transcript.resolve())
        if siblings and listed:
            raise InputError(str(transcript), f"expectations in both {siblings[0]} and "
                             f"{listed[1]}; keep one")
        if siblings:
            return load_expectation_file(siblings[0]), siblings[0]
        return listed

    def add(self, transcript: Path, *, explicit: bool) -> None:
        key = transcript.resolve()
        if key in self.targets:
            return
        found = self.expectation_for(transcript)
        if found is None and not self.all_transcripts:
            if explicit:
                raise InputError(str(transcript), "no expectations: write "
                                 f"{transcript.name}{EXPECT_SUFFIXES[0]} beside it, list it in "
                                 f"{FOLDER_FILES[0]}, or give --min-score / --fail-on")
            return
        exp, file = found if found else (None, None)
        self.targets[key] = Target(transcript, exp, file)

    def add_dir(self, root: Path) -> None:
        for folder, files in _walk(root):
            listed = self.load_folder_file(folder)
            for path in files:
                if _is_expect_file(path):
                    self.add(_transcript_for(path), explicit=True)
            for path in listed:
                self.add(path, explicit=True)
            if self.all_transcripts:
                for path in files:
                    if _is_candidate(path):
                        self.add(path, explicit=False)

    def add_path(self, path: Path) -> None:
        if not path.exists():
            raise InputError(str(path), "no such file or directory")
        if path.is_dir():
            self.add_dir(path)
        elif _is_expect_file(path):
            self.add(_transcript_for(path), explicit=True)
        elif path.name in FOLDER_FILES:
            for listed in self.load_folder_file(path.parent):
                self.add(listed, explicit=True)
        else:
            self.add(path, explicit=True)


def _folders_up(transcript: Path) -> list[Path]:
    """The transcript's folder and, when it is inside the working directory, the
    folders above it up to there: where an ``expectations.yaml`` may list it."""
    folder = transcript.resolve().parent
    cwd = Path.cwd().resolve()
    if folder != cwd and cwd not in folder.parents:
        return [transcript.parent]
    out = [folder]
    while out[-1] != cwd:
        out.append(out[-1].parent)
    return out


def _walk(root: Path) -> Iterator[tuple[Path, list[Path]]]:
    """Folders under ``root`` in a stable order, skipping hidden ones."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder)
        yield base, [base / f for f in sorted(files) if not f.startswith(".")]


def find_targets(paths: Sequence[Path], *, all_transcripts: bool = False) -> list[Target]:
    """Transcripts under ``paths`` paired with their expectations.

    Without ``all_transcripts`` only transcripts that have expectations count (so a
    folder of fixtures can hold other files); with it (``--min-score`` / ``--fail-on``)
    every transcript file counts. Expectation files are all read and validated here,
    before any analysis, so a typo fails fast. Raises ``InputError``.
    """
    finder = _Finder(all_transcripts)
    for path in paths:
        finder.add_path(Path(path))
    return sorted(finder.targets.values(), key=lambda t: t.display)


def analyze_target(analyzer: Any, target: Target, *, csm: Sequence[str] = (),
                   roster: Any = None) -> Report:
    """Read, assign roles and analyse one transcript with a shared Analyzer.

    The expectation's ``csm`` / ``input_format`` win over the command line's, as they
    are specific to this call.
    """
    from coach.analysis import prepare

    exp = target.expectation
    labels = exp.csm if exp and exp.csm else list(csm)
    transcript = prepare(target.path, csm=labels, roster=roster,
                         input_format=exp.input_format if exp else None)
    return analyzer.analyze(transcript)


Analyze = Callable[..., Report]


def check_targets(targets: Sequence[Target], analyzer: Any, *, csm: Sequence[str] = (),
                  roster: Any = None, min_score: float | None = None,
                  fail_on: Sequence[str] = (), analyze: Analyze | None = None
                  ) -> list[CaseResult]:
    """Analyse each target once and turn expectations and thresholds into cases.

    Every transcript gets an ``analysed`` case, so a call whose file cannot be read or
    whose CSM cannot be decided shows up as an error instead of vanishing; the rest
    still run.
    """
    run = analyze or analyze_target
    results: list[CaseResult] = []
    for target in targets:
        name = target.display
        try:
            report = run(analyzer, target, csm=csm, roster=roster)
        except CoachError as err:
            message = _one_line(str(err))
            for prefix in (f"{target.path}: ", f"{name}: "):  # the line names the file already
                message = message.removeprefix(prefix)
            results.append(CaseResult(suite=name, name="analysed", passed=False,
                                      message=message, file=name, error=True))
            continue
        results.append(CaseResult(suite=name, name="analysed", passed=True, file=name))
        if target.expectation is not None:
            results += evaluate(report, target.expectation, file=name, suite=name)
        results += evaluate_thresholds(report, min_score=min_score, fail_on=fail_on,
                                       file=name, suite=name)
    return results


def _one_line(text: str) -> str:
    return " ".join(text.split())
