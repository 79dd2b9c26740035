"""Views of the one JSON contract: `contract` (the dict), `terminal`, `html` (with `graph`, `markup` and assets/)."""
