"""The request bodies of the HTTP API (pydantic models; their names are the OpenAPI schema names)."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from storytrace.model import Article

__all__ = ["MAX_COMPARE", "ArticleIn", "CompareIn", "IngestIn", "StoredArticleIn", "to_article"]

#: articles one compare request may hold
MAX_COMPARE = 10


class ArticleIn(BaseModel):
    """One article: its text and what is known about it."""

    model_config = ConfigDict(extra="ignore")

    id: Optional[str] = Field(None, min_length=1, max_length=500, description="unique within the request")
    text: str = Field(..., min_length=1, description="the article text; spans in the answer index into it")
    title: Optional[str] = Field(None, max_length=5000)
    source: Optional[str] = Field(None, max_length=5000)
    url: Optional[str] = Field(None, max_length=5000)
    published_at: Optional[str] = Field(None, max_length=100, description="ISO 8601, RFC 2822 or a Unix time")

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is empty (only whitespace)")
        return v

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("id is empty (only whitespace)")
        return v


class StoredArticleIn(ArticleIn):
    id: str = Field(..., min_length=1, max_length=500, description="the article's key in the store")


class CompareIn(BaseModel):
    articles: list[ArticleIn] = Field(..., min_length=2, max_length=MAX_COMPARE,
                                      description=f"2 to {MAX_COMPARE} articles")
    include_text: bool = Field(True, description="false: leave article texts out of the answer")


class IngestIn(BaseModel):
    # each record is checked on its own (`StoredArticleIn`, then the record check of `ingest`): a bad
    # one is reported by its index and skipped, the good ones are stored
    articles: list[Any] = Field(..., min_length=1, max_length=10_000, json_schema_extra={
        "items": StoredArticleIn.model_json_schema()},
        description="articles as StoredArticleIn; a bad one is reported in error_list and skipped")


def to_article(a: ArticleIn, fallback_id: str, origin: str) -> Article:
    """The `Article` a request body's article stands for (``fallback_id`` when it has no id)."""
    return Article(id=a.id if a.id is not None else fallback_id, text=a.text, title=a.title, source=a.source,
                   url=a.url, published_at=a.published_at, origin=origin)


def checked_records(records: list[Any]) -> tuple[list[Article], list[dict]]:
    """(the good records as articles, one ``{"index", "id", "message"}`` per bad one): each record is
    validated as `StoredArticleIn`, then by `ingest`'s record check."""
    from pydantic import ValidationError

    from storytrace.readers.checks import article_problem

    good: list[Article] = []
    bad: list[dict] = []
    for i, raw in enumerate(records):
        rid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        try:
            a = StoredArticleIn.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "record"
            bad.append({"index": i, "id": rid, "message": f"{where}: {first.get('msg', 'invalid')}"})
            continue
        article = to_article(a, a.id, f"POST /api/articles:articles[{i}]")
        problem = article_problem(article)
        if problem:
            bad.append({"index": i, "id": rid, "message": problem})
        else:
            good.append(article)
    return good, bad
