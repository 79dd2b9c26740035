"""The one story model of both paths: which articles tell the same real-world event.

compare groups the articles of one paste with it (beside its version model), the corpus path groups every
stored article with text with it, and Spark runs the same functions per component. Modules:
``articletext`` (what of an article is read), ``lexical`` (hashed TF-IDF vectors), ``boilerplate`` (sentences
too many articles carry), ``linkage`` (incremental average link with a time bound), ``lexicalgrouping`` (the
grouper over them).
"""
