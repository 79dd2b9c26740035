"""The "How to read this report" section: severities, finding kinds, alignment scores, edge confidence.

A short digest of docs/findings.md (the reference; tests/report/test_howto.py checks that every kind and
its severities here match that file), shared by the HTML report and the web app.
"""

from __future__ import annotations

from storytrace.report.markup import esc

__all__ = ["ALIGNMENT_KINDS", "DERIVATION_LEVELS", "KIND_MEANING", "SEVERITY_MEANING", "how_to_read_html"]

SEVERITY_MEANING: dict[str, str] = {
    "high": "the version states a different fact: a reader who trusts it believes something the other "
            "version does not say.",
    "medium": "the same fact, presented in a way that can mislead: more or less certain, its source changed "
              "or gone, a pinning detail gone, or a specific claim no other version supports.",
    "low": "worth knowing, rarely misleading on its own: an omission without specifics, a small shift in "
           "emphasis, or a change the detector could only guess at.",
}

# kind -> (severities it can have, what it means); the severities are docs/findings.md's
KIND_MEANING: dict[str, tuple[str, str]] = {
    "number_changed": ("high / medium / low", "a figure differs (\u201c4,200 tonnes\u201d \u2192 \u201c5,000 "
                       "tonnes\u201d); medium or low when the change is small or the ranges overlap."),
    "date_changed": ("high / medium", "a date differs at the same granularity; medium when one day apart."),
    "quote_altered": ("high / medium", "the words inside quotation marks differ."),
    "speaker_changed": ("high", "the same quote or statement is given to someone else."),
    "quotation_changed": ("high / low", "the same words are a direct quote in one version and reported "
                          "speech in the other (high when the quote is the new form)."),
    "entity_changed": ("high / medium", "one name is put in another's place (high for a person)."),
    "contradiction": ("high / medium", "a negation dropped or added, an antonym, or an open question stated as "
                      "settled (medium: the negation went with its verb, reworded)."),
    "predicate_changed": ("high", "the same claim with another act (\u201cordered\u201d \u2192 \u201crecommended\u201d, "
                          "\u201ccharged\u201d \u2192 \u201cquestioned\u201d)."),
    "attribution_changed": ("medium", "how the claim is sourced changed: another outlet, a conduit dropped "
                            "or added, an allegation stated as fact."),
    "intensified": ("medium / low", "the claim is stated more strongly (\u201cmay\u201d \u2192 \u201cwill\u201d)."),
    "softened": ("medium / low", "the claim is stated more weakly (\u201cwould\u201d \u2192 \u201ccould\u201d)."),
    "detail_dropped": ("medium / low", "the claim keeps its words but loses its date (low between loose "
                       "paraphrases, which drop details all the time)."),
    "figure_vaguer": ("medium / low", "an exact figure replaced by a vague quantity (\u201c2,400\u201d \u2192 "
                      "\u201cthousands\u201d)."),
    "unsupported_addition": ("high / medium / low", "something no other version carries: high when it has a "
                             "figure, a quote or a name of its own."),
    "omission": ("medium / low", "a sentence of the source that this version drops although another keeps it "
                 "(medium when it has specifics)."),
}

ALIGNMENT_KINDS: dict[str, str] = {
    "verbatim": "the sentence is copied word for word.",
    "edited": "copied with some words changed.",
    "paraphrase": "the same content in other words.",
}

DERIVATION_LEVELS: dict[str, str] = {
    "wholly": "most of the derived version's sentences come from the source.",
    "partially": "some of them do.",
    "shared source": "both draw on a source that is not among these versions.",
}


def _dl(items: dict[str, str], cls: str = "") -> str:
    return (f"<dl class=\"howto-dl{(' ' + cls) if cls else ''}\">"
            + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items.items()) + "</dl>")


def how_to_read_html(section_id: str = "how-to-read") -> str:
    """The section as HTML (every string escaped): what severities, kinds, scores and confidences mean."""
    sev = "".join(
        f"<dt><span class=\"sev sev-{k}\">{esc(k)}</span></dt><dd>{esc(v)}</dd>" for k, v in SEVERITY_MEANING.items()
    )
    kinds = "".join(
        f"<tr><td><code>{esc(k)}</code></td><td class=\"nowrap\">{esc(s)}</td><td>{esc(m)}</td></tr>"
        for k, (s, m) in KIND_MEANING.items()
    )
    return (
        f"<section id=\"{esc(section_id)}\" class=\"howto\"><h2>How to read this report</h2>"
        "<p>A <b>finding</b> is a change one version made to a story another version tells: it is reported on "
        "the version that made it, with that version's words and the other version's words. Where wording "
        "alone cannot tell a change from a rewording, nothing is reported.</p>"
        "<h3>Severity: how much a reader is misled if this version is believed</h3>"
        f"<dl class=\"howto-dl\">{sev}</dl>"
        "<p class=\"note\">Severity is set by the kind of change, not by how sure the detector is; a detector "
        "that is unsure lowers the severity and says why in the explanation, or reports nothing.</p>"
        "<h3>Kinds of finding</h3><div class=\"tablewrap\"><table class=\"arts howto-kinds\"><thead><tr>"
        "<th>Kind</th><th>Severity</th><th>What it means</th></tr></thead>"
        f"<tbody>{kinds}</tbody></table></div>"
        "<h3>Sentence alignments and their score</h3>"
        f"{_dl(ALIGNMENT_KINDS)}"
        "<p>Each aligned pair of sentences has a <b>score</b>: the calibrated probability that the two state the "
        "same content. A finding between two sentences is only as sound as their alignment. Inside aligned "
        "sentences, <span class=\"wd wc-replace\">changed words</span> and "
        "<span class=\"wd wc-only\">words only this version has</span> are marked; a sentence left white has no "
        "counterpart in the other version.</p>"
        "<h3>Derivation and its confidence</h3>"
        f"{_dl(DERIVATION_LEVELS)}"
        "<p>Each arrow (source \u2192 derived) has a <b>confidence</b>: how sure the analysis is that the derived "
        "version took its content from the source; it decides which version a finding is reported on. "
        "\u201cA common source cannot be ruled out\u201d means both may have copied a version that is not here. "
        "The <b>reuse matrix</b> gives the share of the row version's sentences found in the column version, "
        "split into verbatim / edited / paraphrase.</p>"
        "<p>The <b>fused brief</b> is one account of the story: each entry names the versions that carry it, "
        "<i>support</i> counts those that carry all of it without a conflict, and an entry only one version "
        "carries is <i>unverified</i>.</p></section>"
    )
