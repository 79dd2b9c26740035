"""Average-link story grouping with the shipped IDF and fitted cuts, on the example story sets."""

from __future__ import annotations

import json
import random

import pytest

from storytrace.events.lexicalgrouping import group_by_average_link, is_lexical_corpus, lexical_text
from storytrace.model import Article
from storytrace.readers.records import read_articles
from tests.helpers import EXAMPLES, REPO

DEV = REPO / "bench" / "stories" / "dev"


def _set(folder):
    arts = read_articles(sorted(str(p) for p in folder.iterdir() if p.suffix in (".txt", ".html")))
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    stories = [set(s["articles"]) for s in gold["stories"]] + [{d} for d in gold["distractors"]]
    return arts, stories


@pytest.fixture(scope="module")
def corpus():
    arts, stories = [], []
    for folder in (EXAMPLES, DEV):
        a, s = _set(folder)
        arts += a
        stories += s
    return arts, stories


def _partition(mapping: dict[str, str]) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for aid, sid in mapping.items():
        groups.setdefault(sid, set()).add(aid)
    return sorted(groups.values(), key=sorted)


def test_versions_summaries_and_blends_join_their_source(corpus):
    arts, stories = corpus
    found = group_by_average_link(arts)
    for members in stories:
        assert len({found[m] for m in members}) == 1, sorted(members)
    # distinct stories stay apart, and so do the distractors (same places and people, months later)
    assert len({found[sorted(s)[0]] for s in stories}) == len(stories)


def test_the_grouping_does_not_depend_on_the_order_articles_come_in(corpus):
    arts, _ = corpus
    reference = group_by_average_link(arts)
    for seed, batch in [(1, 1), (2, 3)]:
        shuffled = arts[:]
        random.Random(seed).shuffle(shuffled)
        assert group_by_average_link(shuffled, batch=batch) == reference


def test_only_corpora_of_articles_with_text_are_grouped_this_way():
    heads = [Article(f"h{i}", "Rail strike ends", title="Rail strike ends") for i in range(3)]
    full = [Article(f"a{i}", "Rail strike ends\n" + "The unions accepted the offer after talks. " * 3,
                    title="Rail strike ends") for i in range(3)]
    assert not is_lexical_corpus(heads) and is_lexical_corpus(full)
    assert lexical_text(full[0]).startswith("Rail strike ends\nThe unions")  # the title once


def _boilerplate_corpus(rng: random.Random) -> tuple[list[Article], dict[str, str]]:
    """Three stories of four articles, each with a shared footer, and eight scraper pages of one notice."""
    facts = {
        "quake": ["A magnitude 6.1 earthquake struck near Izmir on Tuesday.", "Rescuers searched collapsed homes in Bayrakli.",
                  "The governor said 14 people were injured.", "Aftershocks rattled the Aegean coast overnight."],
        "strike": ["Rail workers in Lyon walked out over pension changes.", "The SNCF cancelled 40 regional trains.",
                   "Union leader Marie Duval called the reform unfair.", "Talks with the ministry resume on Friday."],
        "vote": ["Voters in Tallinn elected a new city council on Sunday.", "Turnout reached 61 percent, officials said.",
                 "The Reform Party won 23 of 79 seats.", "Coalition talks begin next week."],
    }
    footer = "Sign up for our newsletter to get the day's top stories. Follow us for breaking news alerts."
    notice = "These crawls are part of an effort to archive pages as they are created. The archive keeps them."
    arts, gold = [], {}
    for story, lines in facts.items():
        for k in range(4):
            body = " ".join(rng.sample(lines, 3))
            arts.append(Article(f"{story}-{k}", f"{body} {footer}"))
            gold[f"{story}-{k}"] = story
    for k in range(8):
        arts.append(Article(f"page-{k}", notice))
        gold[f"page-{k}"] = f"page-{k}"
    return arts, gold


def test_sentences_many_articles_share_make_no_story_whatever_the_order():
    arts, gold = _boilerplate_corpus(random.Random(3))
    reference = group_by_average_link(arts, boilerplate_df=6)
    for story in ("quake", "strike", "vote"):
        assert len({reference[a.id] for a in arts if gold[a.id] == story}) == 1
    assert len({reference[a.id] for a in arts if gold[a.id] != a.id}) == 3  # the footer joins no two stories
    assert len({reference[a.id] for a in arts if gold[a.id] == a.id}) == 8  # the notice makes no story
    for seed, batch in [(1, 1), (2, 5), (4, 3)]:
        shuffled = arts[:]
        random.Random(seed).shuffle(shuffled)
        assert group_by_average_link(shuffled, batch=batch, boilerplate_df=6) == reference
    # without the discount the notice pages are one story: the test can fail
    assert len({group_by_average_link(arts, boilerplate_df=10**6)[a.id] for a in arts if gold[a.id] == a.id}) < 8


def test_articles_published_far_apart_are_never_linked_and_untimed_ones_link_with_any():
    body = ("The Brantwick port authority opened a container terminal on the south quay, its chief said. "
            "It cost 95 million pounds and will create 120 jobs.")
    arts = [Article("a", body, published_at="2026-03-11T10:00:00Z"),
            Article("b", body, published_at="2026-03-12T09:00:00Z"),
            Article("c", body, published_at="2026-06-30T09:00:00Z")]
    found = group_by_average_link(arts)
    assert found["a"] == found["b"] != found["c"]
    untimed = group_by_average_link([Article(a.id, a.text) for a in arts])
    assert len(set(untimed.values())) == 1


def test_the_copies_of_one_report_are_one_story_not_its_boilerplate():
    body = ("Rail workers in Lyon walked out over pension changes on Monday. The SNCF cancelled 40 regional "
            "trains. Union leader Marie Duval called the reform unfair.")
    copies = [Article(f"copy-{k}", body) for k in range(12)]
    other = [Article("quake", "A magnitude 6.1 earthquake struck near Izmir on Tuesday. Rescuers searched homes.")]
    found = group_by_average_link(copies + other)
    assert len({found[a.id] for a in copies}) == 1 and found["quake"] != found["copy-0"]


def test_articles_whose_text_is_all_shared_boilerplate_go_to_the_headline_grouper(tmp_path):
    from storytrace.corpus.ingest import ingest_articles
    from storytrace.corpus.store import Store
    from storytrace.corpus.storygrouping import StoryGrouper

    footer = ("This article is provided by the Newswire Syndication Service. All rights reserved. "
              "Reproduction in whole or in part without permission is prohibited.")
    heads = ["Rail strike ends in Lyon", "Earthquake hits Izmir", "Tallinn elects a new council",
             "Lyon rail strike over as unions accept offer"]
    arts = [Article(f"h{k:02d}", f"{h}\n\n{footer}", title=h) for k, h in enumerate(heads * 8)]
    with Store.open(tmp_path / "s.db") as store:
        ingest_articles(store, arts[:24])  # a batch of more carriers than the limit (20)
    with Store.open(tmp_path / "s.db") as store:  # a new process: the counts are read again
        for a in arts[24:]:
            ingest_articles(store, [a])
        # every one of them went to the headline grouper (whose own boilerplate count then applies)
        stories = store.membership([a.id for a in arts])
        assert set(StoryGrouper(store).headlines.stories()) >= {stories[a.id] for a in arts}
        assert len({stories[a.id] for a in arts[24:]}) >= 3  # the footer holds no two headlines together


def test_event_groups_leave_headlines_alone() -> None:
    from storytrace.events.lexicalgrouping import event_groups

    text = Article(id="t", text="Dock strike at Felixstowe\nDock workers at Felixstowe walked out on Monday over pay, "
                                 "halting container traffic at Britain's busiest port.")
    headline = Article(id="h", title="Dock strike at Felixstowe", text="Dock strike at Felixstowe")
    assert set(event_groups([text, headline])) == {"t"}


def test_pages_that_are_all_boilerplate_and_untitled_stay_apart(tmp_path):
    from storytrace.corpus.ingest import ingest_articles
    from storytrace.corpus.store import Store

    notice = ("Please enable JavaScript to view this page. Your browser is out of date. "
              "Update your browser for more security, speed and the best experience on this site.")
    pages = [Article(f"p{k:02d}", notice) for k in range(30)]
    with Store.open(tmp_path / "s.db") as store:
        for lo in range(0, 30, 10):
            ingest_articles(store, pages[lo:lo + 10])
        stories = store.membership([a.id for a in pages])
    # past the limit (20 carriers) the notice is boilerplate: no later page joins another by it
    assert len({stories[a.id] for a in pages[20:]}) == 10


def _snapshot_corpus() -> list[Article]:
    footer = "Subscribe to the Harbour Gazette for daily news from the coast."
    stories = {
        "quake": "A magnitude 6.1 earthquake struck near Izmir on Tuesday. Rescuers searched collapsed homes.",
        "strike": "Rail workers in Lyon walked out over pension changes. The SNCF cancelled 40 regional trains.",
        "vote": "Tallinn's council elected a new mayor after a coalition deal. The vote was 41 to 38.",
    }
    arts = []
    for k in range(24):  # the footer crosses the limit (20) part way: earlier carriers are read again
        name = list(stories)[k % 3]
        arts.append(Article(f"{name}-{k:02d}", f"{stories[name]} Report {k}. {footer}",
                            published_at=f"2026-03-{10 + k % 3:02d}T08:00:00Z"))
    return arts


def test_a_saved_grouper_groups_on_as_the_one_it_was_saved_from():
    from storytrace.events.lexicalgrouping import AverageLinkGrouper

    arts = _snapshot_corpus()
    texts = {a.id: lexical_text(a)[:4000] for a in arts}
    kept = AverageLinkGrouper(boilerplate_df=20)
    kept.add_many(arts[:15])
    restored = AverageLinkGrouper.from_bytes(kept.to_bytes(), texts.__getitem__)
    assert restored is not None and restored.stories() == kept.stories()
    assert restored.add_many(arts[15:]) == kept.add_many(arts[15:])  # the footer turns boilerplate here
    assert restored.stories() == kept.stories() == group_by_average_link(arts, boilerplate_df=20)
    assert len(set(kept.stories().values())) == 3


def test_a_grouper_saved_with_other_parameters_is_not_restored():
    from storytrace.events.lexicalgrouping import AverageLinkGrouper

    kept = AverageLinkGrouper(cut=0.5)  # not the fitted cut
    kept.add_many(_snapshot_corpus()[:3])
    assert AverageLinkGrouper.from_bytes(kept.to_bytes(), str) is None


def test_a_new_process_reads_the_grouping_state_back_instead_of_the_corpus(tmp_path, monkeypatch):
    from storytrace.corpus.ingest import ingest_articles
    from storytrace.corpus.store import Store

    arts = _snapshot_corpus()
    with Store.open(tmp_path / "s.db") as store:
        ingest_articles(store, arts[:12])
        ingest_articles(store, arts[12:20])
    with Store.open(tmp_path / "s.db") as store:  # a new process: the saved state, not the articles, is read
        monkeypatch.setattr(Store, "iter_grouped_articles", lambda self: (_ for _ in ()).throw(AssertionError))
        ingest_articles(store, arts[20:])
        restored = store.membership([a.id for a in arts])
        monkeypatch.undo()
        store.conn.execute("DELETE FROM grp_snapshot")  # without it, the state is grouped again from the articles
        ingest_articles(store, [Article("quake-99", arts[0].text.replace("Report 0", "Report 99"),
                                        published_at=arts[0].published_at)])
        assert store.membership([a.id for a in arts]) == restored
    reference = group_by_average_link(arts)
    assert len(set(restored.values())) == len(set(reference.values())) == 3
