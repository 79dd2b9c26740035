"""Everything that writes ``storytrace/data/*.json``, run from the repository root as ``python -m training.<name>``.

``bench`` may import from here; nothing here imports ``bench``, and the shipped
package ``storytrace`` imports neither.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"  # real evaluation data, read in place
