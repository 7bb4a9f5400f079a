"""Empty page (hidden from the menu): the baseline of the page benchmark (pipelines/bench/pages.py)."""
from __future__ import annotations

from dashboard import ui

ui.header("Page vide", "Page de référence du banc d'essai : aucun indicateur.")
