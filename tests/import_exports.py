"""Realistic example exports of the survey tools councils use, built from a known truth.

Each writer lays the same respondents out the way its tool exports them (header rows, metadata
and identifying columns, how answers, "don't know", priorities and comments are written), so a
test can import the file and compare what was stored with the truth. Run as a script to write
every example into a folder: ``python -m tests.import_exports DIR``.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from together.framework import Framework

ORGANISATIONS = ("Northbridge Council", "Northbridge NHS")
GROUPS = ("Senior leader", "Middle manager", "Frontline staff")
AGREEMENT = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
ORGANISATION_QUESTION = "Which organisation do you work for?"
ROLE_QUESTION = "Which best describes your role?"
PRIORITY_QUESTION = "Which three themes most need the partnership's attention?"
COMMENT_QUESTION = "Is there anything else you would like to tell us?"


@dataclass
class Respondent:
    organisation: str
    group: str
    ratings: dict[str, int | None]  # statement id: rating, or None for "don't know"; absent: not answered
    priorities: list[str]
    comment: str
    started: datetime.datetime


@dataclass
class Truth:
    framework: Framework
    respondents: list[Respondent] = field(default_factory=list)

    def theme_means(self) -> dict[str, float]:
        sums, counts = Counter(), Counter()
        for theme in self.framework.themes:
            for statement in theme.statements:
                for person in self.respondents:
                    value = person.ratings.get(statement.id)
                    if value is not None:
                        sums[theme.id] += value
                        counts[theme.id] += 1
        return {t: sums[t] / counts[t] for t in counts}

    def answers(self) -> Counter:
        return Counter(s for person in self.respondents for s in person.ratings)


def make_truth(framework: Framework, respondents: int = 18, seed: int = 7, dont_know: bool = True) -> Truth:
    rng = random.Random(seed)  # noqa: S311 - example data, not secrets
    truth = Truth(framework)
    themes = [t.id for t in framework.themes]
    leaning = {t: rng.choice((2, 3, 4)) for t in themes}
    start = datetime.datetime(2025, 3, 3, 9, 0, 0)
    for number in range(respondents):
        ratings: dict[str, int | None] = {}
        for theme in framework.themes:
            for statement in theme.statements:
                roll = rng.random()
                if roll < 0.06:
                    continue  # not answered
                if dont_know and roll < 0.12:
                    ratings[statement.id] = None
                    continue
                value = leaning[theme.id] + rng.choice((-2, -1, 0, 0, 1, 1, 2))
                ratings[statement.id] = min(framework.scale.maximum, max(framework.scale.minimum, value))
        chosen = rng.sample(themes, rng.choice((1, 2, 3, 3)))
        if number % 3 == 0 and "residents-and-place" not in chosen:
            chosen[0] = "residents-and-place"  # its title holds ", "
        truth.respondents.append(
            Respondent(
                organisation=ORGANISATIONS[number % 2],
                group=GROUPS[number % 3],
                ratings=ratings,
                priorities=chosen,
                comment=rng.choice(("", "", "We need to talk more often across the partnership, not only at boards.")),
                started=start + datetime.timedelta(hours=5 * number, minutes=rng.randrange(60)),
            )
        )
    return truth


def _title(framework: Framework, theme_id: str) -> str:
    return framework.theme(theme_id).title.en


def _label(framework: Framework, value: int | None) -> str:
    if value is None:
        return framework.scale.dont_know.label.en
    return framework.scale.level(value).label.en


def _curly(text: str) -> str:
    return text.replace("'", "’")


def _csv(rows: list[list], separator: str = ",", line_end: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=line_end)
    writer.writerows(rows)
    return out.getvalue()


def _xlsx(rows: list[list], sheet: str = "Sheet1") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def microsoft_forms(truth: Truth) -> tuple[str, bytes]:
    """XLSX: ID, Start time, Completion time, Email, Name, then a column per question; Likert rows
    headed by their statement; multiple choices joined by ";" with one at the end."""
    fw = truth.framework
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    header += [ORGANISATION_QUESTION, ROLE_QUESTION]
    header += [_curly(s.text.en) for s in fw.statements]
    header += [PRIORITY_QUESTION, COMMENT_QUESTION]
    rows = [header]
    for number, person in enumerate(truth.respondents, start=1):
        row = [number, person.started, person.started + datetime.timedelta(minutes=14)]
        row += [f"person{number}@northbridge.example", f"Person {number}", None, person.organisation, person.group]
        row += [_label(fw, person.ratings[s.id]) if s.id in person.ratings else None for s in fw.statements]
        row += ["".join(_title(fw, t) + ";" for t in person.priorities), person.comment or None]
        rows.append(row)
    return "microsoft-forms.xlsx", _xlsx(rows)


def surveymonkey(truth: Truth) -> tuple[str, bytes]:
    """Two header rows: each question over its first column, its matrix rows below; agreement
    wording, "N/A" for don't know; a multiple-choice question as one column per option, holding
    the option's text when chosen."""
    fw = truth.framework
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    meta += ["First Name", "Last Name", "Custom Data 1"]
    top = meta + [ORGANISATION_QUESTION, ROLE_QUESTION]
    below = [""] * len(meta) + ["Response", "Response"]
    for theme in fw.themes:
        for position, statement in enumerate(theme.statements):
            top.append(f"{theme.title.en}: how far do you agree?" if position == 0 else "")
            below.append(statement.text.en)
    for position, theme in enumerate(fw.themes):
        top.append(PRIORITY_QUESTION if position == 0 else "")
        below.append(theme.title.en)
    top.append(COMMENT_QUESTION)
    below.append("Open-Ended Response")
    rows = [top, below]
    for number, person in enumerate(truth.respondents, start=1):
        stamp = person.started.strftime("%m/%d/%Y %I:%M:%S %p")
        row = [11400000000 + number, 431000001, stamp, stamp, f"192.0.2.{number}", "", "", "", ""]
        row += [person.organisation, person.group]
        for statement in fw.statements:
            value = person.ratings.get(statement.id, "skip")
            row.append("" if value == "skip" else "N/A" if value is None else AGREEMENT[value - 1])
        row += [theme.title.en if theme.id in person.priorities else "" for theme in fw.themes]
        row.append(person.comment)
        rows.append(row)
    return "surveymonkey.csv", _csv(rows).encode("utf-8")


def google_forms(truth: Truth) -> tuple[str, bytes]:
    """Timestamp first; a grid's columns headed "Question [row]"; checkboxes joined by ", "."""
    fw = truth.framework
    header = ["Timestamp", "Email address", ORGANISATION_QUESTION, ROLE_QUESTION]
    header += [f"{fw.theme_of(s.id).title.en} [{_curly(s.text.en)}]" for s in fw.statements]
    header += [PRIORITY_QUESTION, COMMENT_QUESTION]
    rows = [header]
    for number, person in enumerate(truth.respondents, start=1):
        row = [person.started.strftime("%d/%m/%Y %H:%M:%S"), f"person{number}@northbridge.example"]
        row += [person.organisation, person.group]
        row += [_label(fw, person.ratings[s.id]) if s.id in person.ratings else "" for s in fw.statements]
        row += [", ".join(_title(fw, t) for t in person.priorities), person.comment]
        rows.append(row)
    return "google-forms.csv", _csv(rows).encode("utf-8")


def smart_survey(truth: Truth) -> tuple[str, bytes]:
    """Two header rows like SurveyMonkey's, behind UserID, IP Address, Unique ID, Started, Ended;
    answers written "4 - Mostly in place"; choices joined by " ; "."""
    fw = truth.framework
    meta = ["UserID", "IP Address", "Unique ID", "Started", "Ended", "Name", "Email", "Custom Value"]
    top = meta + [ORGANISATION_QUESTION, ROLE_QUESTION]
    below = [""] * (len(meta) + 2)
    for index, theme in enumerate(fw.themes, start=3):
        for position, statement in enumerate(theme.statements):
            top.append(f"{index}. {theme.title.en}" if position == 0 else "")
            below.append(statement.text.en)
    top += [PRIORITY_QUESTION, COMMENT_QUESTION]
    below += ["", ""]
    rows = [top, below]
    for number, person in enumerate(truth.respondents, start=1):
        stamp = person.started.strftime("%d/%m/%Y %H:%M")
        row = [80000 + number, f"198.51.100.{number}", f"U{number:05}", stamp, stamp, "", "", ""]
        row += [person.organisation, person.group]
        for statement in fw.statements:
            value = person.ratings.get(statement.id, "skip")
            row.append("" if value == "skip" else "Don't know" if value is None else f"{value} - {_label(fw, value)}")
        row += [" ; ".join(_title(fw, t) for t in person.priorities), person.comment]
        rows.append(row)
    return "smart-survey.csv", _csv(rows).encode("utf-8-sig")


def qualtrics(truth: Truth) -> tuple[str, bytes]:
    """Three header rows: codes, question text ("Question - row"), ImportId JSON; numeric values
    (here no "don't know": the survey had none, and its skipped answers are blank)."""
    fw = truth.framework
    meta = [
        ("StartDate", "Start Date", "startDate"),
        ("EndDate", "End Date", "endDate"),
        ("Status", "Response Type", "status"),
        ("IPAddress", "IP Address", "ipAddress"),
        ("Progress", "Progress", "progress"),
        ("Duration (in seconds)", "Duration (in seconds)", "duration"),
        ("Finished", "Finished", "finished"),
        ("RecordedDate", "Recorded Date", "recordedDate"),
        ("ResponseId", "Response ID", "_recordId"),
        ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
        ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
        ("RecipientEmail", "Recipient Email", "recipientEmail"),
        ("ExternalReference", "External Data Reference", "externalDataReference"),
        ("LocationLatitude", "Location Latitude", "locationLatitude"),
        ("LocationLongitude", "Location Longitude", "locationLongitude"),
        ("DistributionChannel", "Distribution Channel", "distributionChannel"),
        ("UserLanguage", "User Language", "userLanguage"),
        ("Q1", ORGANISATION_QUESTION, "QID1"),
        ("Q2", ROLE_QUESTION, "QID2"),
    ]
    for t, theme in enumerate(fw.themes, start=3):
        for k, statement in enumerate(theme.statements, start=1):
            meta.append(
                (f"Q{t}_{k}", f"{theme.title.en}: how far is this in place? - {statement.text.en}", f"QID{t}_{k}")
            )
    meta.append(("Q20", PRIORITY_QUESTION, "QID20"))
    meta.append(("Q21", COMMENT_QUESTION, "QID21_TEXT"))
    rows = [[m[0] for m in meta], [m[1] for m in meta], [json.dumps({"ImportId": m[2]}) for m in meta]]
    for number, person in enumerate(truth.respondents, start=1):
        stamp = person.started.strftime("%Y-%m-%d %H:%M:%S")
        row = [stamp, stamp, "IP Address", f"203.0.113.{number}", 100, 840, "True", stamp, f"R_{number:015}"]
        row += ["", "", "", "", "51.5", "-0.1", "anonymous", "EN", person.organisation, person.group]
        row += [person.ratings.get(s.id) or "" for s in fw.statements]
        row += [",".join(_title(fw, t) for t in person.priorities), person.comment]
        rows.append(row)
    return "qualtrics.csv", _csv(rows).encode("utf-8-sig")


def limesurvey_codes(truth: Truth) -> tuple[str, bytes]:
    """Headings "code. text" (G01Q01[SQ001]. Question [row]), answer codes AO01…AO05, and a
    multiple-choice question as one column per option holding "Y"."""
    fw = truth.framework
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr", "refurl"]
    header += [f"G00Q01. {ORGANISATION_QUESTION}", f"G00Q02. {ROLE_QUESTION}"]
    for g, theme in enumerate(fw.themes, start=1):
        for k, statement in enumerate(theme.statements, start=1):
            header.append(f"G{g:02}Q01[SQ{k:03}]. {theme.title.en} [{statement.text.en}]")
    for k, theme in enumerate(fw.themes, start=1):
        header.append(f"G10Q01[SQ{k:03}]. {PRIORITY_QUESTION} [{theme.title.en}]")
    header.append(f"G10Q02. {COMMENT_QUESTION}")
    rows = [header]
    for number, person in enumerate(truth.respondents, start=1):
        stamp = person.started.strftime("%Y-%m-%d %H:%M:%S")
        row = [number, stamp, 11, "en", 123456 + number, stamp, stamp, f"192.0.2.{number}", ""]
        row += [person.organisation, person.group]
        row += [f"AO{person.ratings[s.id]:02}" if person.ratings.get(s.id) else "" for s in fw.statements]
        row += ["Y" if theme.id in person.priorities else "" for theme in fw.themes]
        row.append(person.comment)
        rows.append(row)
    return "limesurvey-codes.csv", _csv(rows, line_end="\n").encode("utf-8")


def limesurvey_text(truth: Truth) -> tuple[str, bytes]:
    """Full-text headings, answers as text, "Yes"/"No" for each option of a multiple choice."""
    fw = truth.framework
    header = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "IP address"]
    header += [ORGANISATION_QUESTION, ROLE_QUESTION]
    header += [f"{fw.theme_of(s.id).title.en} [{s.text.en}]" for s in fw.statements]
    header += [f"{PRIORITY_QUESTION} [{t.title.en}]" for t in fw.themes] + [COMMENT_QUESTION]
    rows = [header]
    for number, person in enumerate(truth.respondents, start=1):
        row = [number, person.started.strftime("%Y-%m-%d %H:%M:%S"), 11, "en", 99 + number, f"192.0.2.{number}"]
        row += [person.organisation, person.group]
        row += [_label(fw, person.ratings[s.id]) if s.id in person.ratings else "" for s in fw.statements]
        row += ["Yes" if t.id in person.priorities else "No" for t in fw.themes] + [person.comment]
        rows.append(row)
    return "limesurvey-text.csv", _csv(rows).encode("utf-8")


def plain_excel(truth: Truth) -> tuple[str, bytes]:
    """Someone's own sheet: numbered statement headings, numbers (some typed as "3.0"), an empty
    row, and Mean and Median rows under the respondents."""
    fw = truth.framework
    header = ["Organisation", "Sector", "Group"]
    header += [f"{n}. {s.text.en}" for n, s in enumerate(fw.statements, start=1)] + ["Priorities"]
    rows = [header]
    for number, person in enumerate(truth.respondents):
        row = [person.organisation, "Local authority", person.group]
        for statement in fw.statements:
            value = person.ratings.get(statement.id, "skip")
            cell = None if value == "skip" else "Don't know" if value is None else value
            row.append(f"{cell}.0" if number % 4 == 0 and isinstance(cell, int) else cell)
        row.append("; ".join(_title(fw, t) for t in person.priorities))
        rows.append(row)
        if number == 4:
            rows.append([None] * len(header))
    rows.append(["Mean", None, None] + [3.1] * len(fw.statements) + [None])
    rows.append(["Median", None, None] + [3] * len(fw.statements) + [None])
    return "plain-excel.xlsx", _xlsx(rows, sheet="Responses")


def windows_1252_late(truth: Truth) -> tuple[str, bytes]:
    """Windows-1252 with curly apostrophes in headings and a first "£" well after 64 KB."""
    fw = truth.framework
    header = [ORGANISATION_QUESTION] + [_curly(s.text.en) for s in fw.statements] + ["Comments"]
    rows = [header]
    for number, person in enumerate(truth.respondents):
        row = [person.organisation]
        row += [_label(fw, person.ratings[s.id]) if s.id in person.ratings else "" for s in fw.statements]
        note = "We talked about the budget at length. " * 120
        row.append(note + ("It cost £40,000." if number == len(truth.respondents) - 1 else ""))
        rows.append(row)
    data = _csv(rows).encode("cp1252")
    assert data.index("£".encode("cp1252")) > 65536
    return "windows-1252.csv", data


def utf16_tabs(truth: Truth) -> tuple[str, bytes]:
    """Excel's "Unicode text": UTF-16 with a byte-order mark, separated by tabs; statement ids."""
    fw = truth.framework
    rows = [["organisation"] + [s.id for s in fw.statements]]
    for person in truth.respondents:
        rows.append([person.organisation] + [_cell(person, s.id) for s in fw.statements])
    return "unicode-text.txt", _csv(rows, separator="\t").encode("utf-16")


def semicolons(truth: Truth) -> tuple[str, bytes]:
    """Semicolons (as a spreadsheet set to a European locale saves CSV), statement text headings."""
    fw = truth.framework
    rows = [["Organisation"] + [s.text.en for s in fw.statements]]
    for person in truth.respondents:
        rows.append([person.organisation] + [_cell(person, s.id) for s in fw.statements])
    return "semicolons.csv", _csv(rows, separator=";").encode("utf-8")


def reversed_scale(truth: Truth) -> tuple[str, bytes]:
    """A survey numbered the other way: "1 - Embedded and sustained" … "5 - Not yet in place"."""
    fw = truth.framework
    top = fw.scale.maximum + fw.scale.minimum
    rows = [["Organisation"] + [s.text.en for s in fw.statements]]
    for person in truth.respondents:
        row = [person.organisation]
        for statement in fw.statements:
            value = person.ratings.get(statement.id, "skip")
            if value == "skip":
                row.append("")
            elif value is None:
                row.append("Don't know")
            else:
                row.append(f"{top - value} - {_label(fw, value)}")
        rows.append(row)
    return "reversed-scale.csv", _csv(rows).encode("utf-8")


def _cell(person: Respondent, statement_id: str) -> str:
    if statement_id not in person.ratings:
        return ""
    value = person.ratings[statement_id]
    return "don't know" if value is None else str(value)


TOOLS = {
    "microsoft-forms": microsoft_forms,
    "surveymonkey": surveymonkey,
    "google-forms": google_forms,
    "smart-survey": smart_survey,
    "qualtrics": qualtrics,
    "limesurvey": limesurvey_codes,
    "limesurvey-text": limesurvey_text,
    "plain": plain_excel,
}
EXTRAS = {
    "windows-1252": windows_1252_late,
    "utf-16": utf16_tabs,
    "semicolons": semicolons,
    "reversed": reversed_scale,
}
NO_DONT_KNOW = {"qualtrics", "limesurvey"}  # these examples write no "don't know"


def main(folder: str) -> None:
    from together.framework.loader import load_framework_file

    framework = load_framework_file(
        Path(__file__).resolve().parent.parent / "frameworks" / "transforming-together.yaml"
    )
    Path(folder).mkdir(parents=True, exist_ok=True)
    for key, writer in {**TOOLS, **EXTRAS}.items():
        name, data = writer(make_truth(framework, dont_know=key not in NO_DONT_KNOW))
        (Path(folder) / name).write_bytes(data)
        print(Path(folder) / name)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/import-examples")
