"""Accueil: headline indicators with one-line definitions, data freshness, the demo mark."""
from __future__ import annotations

import streamlit as st

from dashboard import access, audience, db, filters, search, ui
from dashboard import text as txt
from dashboard import formatting as fmt
from dashboard import page_parts as parts
from dashboard.page_parts import Tile
from dashboard.tables import Col, cell

info = parts.open_page(
    "Observatoire des clauses sociales d'insertion",
    "Part des marchés publics des Hauts-de-France qui portent une clause sociale, heures d'insertion réalisées, publics bénéficiaires et sorties vers l'emploi. Les filtres du panneau de gauche s'appliquent à toutes les pages et se retrouvent dans l'adresse de la page : copiez-la pour partager la vue.",
)
search.box(main=True)
f = filters.current()
st.caption(f"Périmètre : {txt.md(f.describe(filters.names()))}")


def headlines(row) -> None:
    """The headline tiles of the selection: procurement, then hours, paths and exits."""
    st.subheader("Commande publique")
    parts.tiles(row, [
        Tile("Considération sociale", "share_social_consideration", "pct", help="Part des marchés au statut social connu (format DECP 2022) qui portent une clause, un critère social ou sont réservés.", caption=f"{cell(row, 'contracts_with_social_consideration', 'int')} marchés sur {cell(row, 'contracts_known', 'int')} au statut connu"),
        Tile("Clause sociale", "share_clause", "pct", help="Part des marchés au statut connu dont les considérations sociales incluent « Clause sociale » (condition d'exécution).", caption=f"{cell(row, 'contracts_with_clause', 'int')} marchés clausés"),
        Tile("Statut inconnu", "contracts_unknown_status", "int", help="Marchés publiés au format DECP 2019 (notifiés jusqu'à fin 2023) : ce format ne dit rien des clauses. Ils ne sont jamais comptés comme « sans clause ».", caption="format 2019, hors des parts"),
        Tile("Montant concerné", value=fmt.euros_compact(row.get("amount_with_social_consideration")), help="Somme des montants des marchés au statut connu qui portent une considération sociale.", caption=f"sur {fmt.euros_compact(row.get('amount_known'))} au statut connu"),
    ])
    st.subheader("Heures d'insertion et parcours")
    parts.tiles(row, [
        Tile("Heures réalisées", "hours_worked", "hours", help="Heures de travail des participants sur les marchés clausés suivis par les facilitateurs.", caption=f"{cell(row, 'fte', 'fte')} (1 ETP = {fmt.integer(db.built_setting('fte_hours'))} h)"),
        Tile("Taux de réalisation", "realisation_rate", "pct", help="Heures réalisées / heures prévues par les clauses (peut dépasser 100 %).", caption=f"{cell(row, 'hours_planned', 'hours')} prévues"),
        Tile("Participants", "participants", "int", help="Personnes distinctes (identifiant pseudonyme) ayant travaillé au titre d'une clause.", caption=f"{cell(row, 'hours_per_participant', 'hours')} par participant"),
        Tile("Taux de sortie dynamique", "dynamic_exit_rate", "pct", help="(Emploi durable + emploi de transition + sortie positive) / sortants dont la situation est connue, en fin de parcours.", caption=f"{cell(row, 'exits_known', 'int')} sortants connus, {cell(row, 'exits_unknown', 'int')} inconnus"),
    ])
    parts.tiles(row, [
        Tile("Part de femmes", "women_share", "pct", help="Parmi les participants dont le sexe est connu."),
        Tile("Résidents QPV", "qpv_share", "pct", help="Part des participants résidant dans un quartier prioritaire de la politique de la ville."),
        Tile("Locataires du maître d'ouvrage", "tenant_share", "pct", help="Part des participants locataires du bailleur qui a passé le marché."),
    ], n_columns=4)
    if bool(row.get("is_masked")):
        ui.mask_note()


if ui.need("mart_headlines"):
    ui.ignored_filters_note("mart_headlines", f)
    h = db.mart("mart_headlines", filters=f)
    if len(h):
        ui.people_scope_note(h.iloc[0])
        headlines(h.iloc[0])
    else:
        ui.empty()

st.subheader("Pour chaque public")
def _link(path: str, label: str, icon: str) -> None:
    """A link to a page the visitor's role may open (st.page_link fails on a page not in the navigation)."""
    if audience.may_open(path, access.current()):
        st.page_link(f"pages/{path}.py", label=label, icon=icon)


c1, c2, c3 = st.columns(3)
with c1:
    st.markdown("**Équipe de l'observatoire**")
    _link("marches_clauses", "Part des marchés clausés", ":material/gavel:")
    _link("heures", "Heures d'insertion", ":material/schedule:")
    _link("territoires", "Cartes par territoire", ":material/map:")
with c2:
    st.markdown("**Bailleurs sociaux**")
    _link("bailleurs", "Se comparer à la région", ":material/apartment:")
    _link("calculateur", "Calculer les heures d'un marché", ":material/calculate:")
with c3:
    st.markdown("**Comités de pilotage**")
    _link("sorties", "Sorties vers l'emploi", ":material/work:")
    _link("objectifs", "Objectifs et planchers ANRU", ":material/flag:")
    _link("rapport", "Rapport imprimable", ":material/print:")

st.subheader("Fraîcheur des données")
built = info.get("built_at")
st.markdown(
    f"Base construite le **{fmt.date(built, long=True) if built else '—'}** à partir de "
    f"**{txt.md(info.get('n_files', '—'))} fichiers** ({txt.md(info.get('n_failed', '0'))} en échec) · "
    f"{txt.md(info.get('data_label', ''))}."
)
if db.has("mart_ingest_summary"):
    kinds = db.mart("mart_ingest_summary")
    kinds = kinds[~kinds["is_total"].astype(bool)]
    if len(kinds):
        ui.table(kinds, [
            Col("kind", "Type de fichier", "code:kind"), Col("n_files", "Fichiers", "int"),
            Col("n_read", "Enregistrements lus", "int"), Col("n_loaded", "Chargés", "int"),
            Col("n_rejected", "Rejetés", "int"), Col("last_finished_at", "Dernier chargement", "date"),
        ], "fichiers-charges", key="home-files")
