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
    assert c.explanation == '"2022" became "2021": the year changed from 2022 to 2021.'


def test_relative_change():
    c = single_change("The envoy resigned last month.", "The envoy resigned last week.")
    assert c.a.relative == "last month" and c.b.relative == "last week"


def test_combined_mention_gives_one_change():
    c = single_change("The dam burst on Sunday, July 9.", "The dam burst on Monday, July 10.")
    assert "weekday" in c.explanation and "date" in c.explanation


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
