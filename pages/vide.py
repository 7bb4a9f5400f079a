"""Empty page (hidden from the menu): the baseline of the page benchmark (pipelines/bench/pages.py)."""
from __future__ import annotations

from dashboard import ui

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header("Page vide", "Page de référence du banc d'essai : aucun indicateur.")
