"""Views of the one JSON contract: `contract` (the dict), `terminal`, `html`."""
