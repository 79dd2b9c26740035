import pytest

from storytrace.compare.differences.dates import compare_dates, extract_dates, is_year_token


def only(text):
    ds = extract_dates(text)
    assert len(ds) == 1, ds
    d = ds[0]
    assert text[d.start:d.end] == d.text
    return d


@pytest.mark.parametrize(
    "text, fields",
    [
        ("The market reopened on Sunday.", dict(weekday=6)),
        ("The market reopened last Tuesday.", dict(weekday=1, relative="last")),
        ("The market reopened on July 9.", dict(month=7, day=9)),
        ("The market reopened on 9 July 2023.", dict(month=7, day=9, year=2023)),
        ("The market reopened on July 9th, 2023.", dict(month=7, day=9, year=2023)),
        ("The market reopened on the 9th of July.", dict(month=7, day=9)),
        ("The market reopened on Sunday, July 9.", dict(weekday=6, month=7, day=9)),
        ("The market reopened in February 2022.", dict(month=2, year=2022)),
        ("The market reopened in 2022.", dict(year=2022)),
        ("The market reopened in July.", dict(month=7)),
        ("The market reopened in May.", dict(month=5)),
        ("The market reopened on 2023-07-09.", dict(month=7, day=9, year=2023)),
        ("The market reopened yesterday.", dict(relative="last day")),
        ("The market reopened last month.", dict(relative="last month")),
        ("The market reopened last week.", dict(relative="last week")),
        ("The market reopened earlier this year.", dict(relative="this year")),
        ("The market reopened three days ago.", dict(relative="3 day ago")),
    ],
)
def test_extract(text, fields):
    d = only(text)
    for k, v in fields.items():
        assert getattr(d, k) == v, (k, d)


@pytest.mark.parametrize(
    "text",
    [
        "Talks may resume soon.",  # modal 'may'
        "Protesters will march again.",
        "The vote was 9/7 in favour.",  # numeric day/month: ambiguous, skipped
        "Police deployed 2000 officers.",
        "Fighting lasted two days.",
    ],
)
def test_not_dates(text):
    assert extract_dates(text) == []


def test_is_year_token():
    t = "In 2022 prices rose; 2000 officers came; the 2019 election."

    def at(token):
        i = t.index(token)
        return is_year_token(t, i, i + 4)

    assert at("2022")
    assert not at("2000")
    assert at("2019")


def single_change(a, b):
    changes = compare_dates(a, b)
    assert len(changes) == 1, changes
    return changes[0]


def test_weekday_change():
    c = single_change("The ferry sank on Tuesday.", "The ferry sank on Wednesday.")
    assert c.a.weekday == 1 and c.b.weekday == 2
    assert c.severity == "medium"
    assert "Tuesday" in c.explanation and "Wednesday" in c.explanation


def test_weekday_far_apart_is_high():
    assert single_change("The ferry sank on Monday.", "The ferry sank on Thursday.").severity == "high"


def test_day_change():
    c = single_change("The ferry sank on July 9.", "The ferry sank on July 10.")
    assert c.severity == "medium"
    c = single_change("The ferry sank on July 9.", "The ferry sank on August 19.")
    assert c.severity == "high"


def test_year_change():
    c = single_change("The treaty was signed in 2022.", "The treaty was signed in 2021.")
    assert c.severity == "high"
    assert c.explanation == 'The other version says "2022"; this one says "2021", a different year (2021 instead of 2022).'


def test_relative_change():
    c = single_change("The envoy resigned last month.", "The envoy resigned last week.")
    assert c.a.relative == "last month" and c.b.relative == "last week"


def test_combined_mention_gives_one_change():
    c = single_change("The dam burst on Sunday, July 9.", "The dam burst on Monday, July 10.")
    assert "day of the week" in c.explanation and "a different date" in c.explanation


@pytest.mark.parametrize(
    "a, b",
    [
        ("Fighting raged on Sunday and Monday.", "Fighting raged for two days."),
        ("The dam burst on Sunday.", "The dam burst yesterday."),  # different granularity
        ("The dam burst in July.", "The dam burst on July 9."),
        ("The dam burst in February 2022.", "The dam burst in 2022."),
        ("The dam burst earlier this month.", "The dam burst this month."),
        ("The dam burst yesterday.", "The dam burst last night."),
        ("The dam burst on Sunday.", "Engineers said the dam burst on Sunday and was repaired on Monday."),
        ("The dam burst on Sunday.", "The dam burst."),
        ("The dam burst on July 9.", "The dam burst on 9 July."),
    ],
)
def test_no_change(a, b):
    assert compare_dates(a, b) == []


# ------------------------------------------------------------------ resolution against published_at

from storytrace.compare.differences import dates as dates_mod  # noqa: E402
from storytrace.compare.differences.change import AlignedPair, StoryView  # noqa: E402
from storytrace.compare.differences.dates import published_date, resolve, same_date  # noqa: E402
from tests.helpers import doc  # noqa: E402

FRIDAY = "2025-11-07T09:30:00Z"  # Friday 7 November 2025
THURSDAY = "2025-11-06T18:00:00Z"


@pytest.mark.parametrize("value, day", [
    ("2025-11-07T09:30:00Z", (2025, 11, 7)),
    ("2025-11-07T00:30:00+02:00", (2025, 11, 7)),  # the day where it was written, not in UTC
    ("2025-11-07", (2025, 11, 7)),
    ("Fri, 07 Nov 2025 09:30:00 +0000", (2025, 11, 7)),
    ("1762507800", (2025, 11, 7)),
    ("1762507800000", (2025, 11, 7)),
])
def test_published_date(value, day):
    d = published_date(value)
    assert (d.year, d.month, d.day) == day


@pytest.mark.parametrize("value", [None, "", "soon", "2025-13-45"])
def test_published_date_unreadable(value):
    assert published_date(value) is None


@pytest.mark.parametrize("a, a_pub, b, b_pub", [
    ("The pier reopened on 6 November.", THURSDAY, "The pier reopened on Thursday.", FRIDAY),
    ("The pier reopened on Thursday.", FRIDAY, "The pier reopened on 6 November.", FRIDAY),
    ("The pier reopened today.", THURSDAY, "The pier reopened yesterday.", FRIDAY),
    ("The pier reopened yesterday.", FRIDAY, "The pier reopened on Thursday.", FRIDAY),
    ("The firm lost money last year.", FRIDAY, "The firm lost money in 2024.", FRIDAY),
    ("The pier closed last month.", FRIDAY, "The pier closed in October.", FRIDAY),
    ("The pier reopens next Monday.", FRIDAY, "The pier reopens on 10 November.", FRIDAY),
])
def test_relative_dates_resolved_against_publication_are_the_same(a, a_pub, b, b_pub):
    assert compare_dates(a, b, a_pub, b_pub) == []


def test_without_publication_dates_relative_references_still_differ():
    assert compare_dates("The pier reopened today.", "The pier reopened yesterday.") != []
    # and with the same publication date they differ too
    [c] = compare_dates("The pier reopened today.", "The pier reopened yesterday.", FRIDAY, FRIDAY)
    assert c.severity == "medium" and "different time reference" in c.explanation


def test_a_resolved_date_only_clears_a_difference_never_reports_one():
    # Thursday before a Friday story is 6 November, not 4 November; but which
    # Thursday is meant is a guess, so nothing is reported
    assert compare_dates("The pier reopened on Thursday.", "The pier reopened on 4 November.", FRIDAY, FRIDAY) == []
    # written facets still disagree as before
    [c] = compare_dates("The pier reopened on Thursday.", "The pier reopened on Tuesday.", FRIDAY, FRIDAY)
    assert c.severity == "high"


def test_weekday_readings_and_same_date():
    (thu,) = extract_dates("on Thursday")
    readings = resolve(thu, published_date(FRIDAY))
    assert [r["day"] for r in readings] == [(11, 6), (11, 13)]  # the one before, the one after
    (last,) = extract_dates("last Thursday")
    assert [r["day"] for r in resolve(last, published_date(FRIDAY))] == [(11, 6)]
    (day,) = extract_dates("6 November")
    assert same_date(thu, published_date(FRIDAY), day, published_date(THURSDAY))
    (month,) = extract_dates("in November")
    assert not same_date(day, published_date(FRIDAY), month, published_date(FRIDAY))  # coarser: not the same


def test_detect_reads_each_articles_published_at():
    src = doc("src", ["The pier reopened on 6 November."], THURSDAY)
    dst = doc("dst", ["The pier reopened on Thursday."], FRIDAY)
    view = StoryView({"src": src, "dst": dst}, {}, [])
    assert dates_mod.detect(view.looking_at(AlignedPair(src, 0, dst, 0))) == []
    src = doc("src", ["The pier reopened on 6 November."], THURSDAY)
    dst = doc("dst", ["The pier reopened on 5 November."], FRIDAY)
    [ch] = dates_mod.detect(StoryView({"src": src, "dst": dst}, {}, []).looking_at(AlignedPair(src, 0, dst, 0)))
    assert (ch.kind, ch.severity) == ("date_changed", "medium")
    assert dst.article.text[ch.span[0]:ch.span[1]] == "5 November"
    # "today" copied into a story published a day later: the same words, not reported (a day
    # is within a time zone's reach of the stamp)
    src = doc("src", ["The pier reopened today."], THURSDAY)
    dst = doc("dst", ["The pier reopened today."], FRIDAY)
    assert dates_mod.detect(StoryView({"src": src, "dst": dst}, {}, []).looking_at(AlignedPair(src, 0, dst, 0))) == []
