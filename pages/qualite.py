"""Qualité des données: ingest log, rejects by reason with examples, declared vs executed matching,
unknown territories."""
from __future__ import annotations

import streamlit as st

from dashboard import db, filters, glossary, ui
from dashboard import text as txt
from dashboard import formatting as fmt
from dashboard import page_parts as parts
from dashboard.page_parts import Tile
from dashboard.tables import Col

parts.open_page(
    "Qualité des données",
    "Ce que la construction de la base a lu, chargé, rejeté (avec la raison) ; le rapprochement entre les clauses déclarées dans les DECP et l'exécution suivie par les facilitateurs ; les marchés dont le lieu d'exécution n'est pas identifié. Pour chaque fichier : lus = chargés + rejetés + doublons + hors région.",
)
f = filters.current()


def total_of(mart: str):
    """The total row of a summary mart (is_total)."""
    df = db.mart(mart)
    return df[df["is_total"].astype(bool)].iloc[0]


st.subheader("Fichiers chargés")
log = parts.mart_rows("mart_ingest_log", empty="Aucun fichier chargé.")
if log is not None:
    if db.has("mart_ingest_summary"):
        parts.tiles(total_of("mart_ingest_summary"), [
            Tile("Lus", "n_read"), Tile("Chargés", "n_loaded"), Tile("Rejetés", "n_rejected"),
            Tile("Doublons", "n_duplicates"), Tile("Hors région", "n_out_of_region")])
    failed = log[log["status"] == "failed"]
    if len(failed):
        st.error(f"{len(failed)} fichier(s) illisible(s) : " + " ; ".join(
            f"{txt.md(a)} ({txt.md(m, limit=300)})" for a, m in zip(failed["source_file"], failed["message"].fillna(""))))
    ui.table(log, [
        Col("source_file", "Fichier"), Col("kind", "Type", "code:kind"), Col("format", "Format"),
        Col("status", "Statut", "code:status"), Col("n_read", "Lus", "int"), Col("n_loaded", "Chargés", "int"),
        Col("n_rejected", "Rejetés", "int"), Col("n_duplicates", "Doublons", "int"),
        Col("n_out_of_region", "Hors région", "int"),
        # the consolidated national file counts rows (contract x titulaire x modification)
        *([Col("n_contracts", "Marchés (fichier consolidé)", "int")]
          if "n_contracts" in log.columns and log["n_contracts"].notna().any() else []),
        Col("finished_at", "Chargé le", "date"), Col("message", "Message"),
    ], "journal-de-chargement", key="q-log")

st.subheader("Rejets par raison")
rej = parts.mart_rows("mart_rejects_by_reason", success="Aucun enregistrement rejeté.")
if rej is not None:
    if db.has("mart_rejects_summary"):
        reasons = db.mart("mart_rejects_summary")
        top = reasons[reasons["rank"] == 1].iloc[0]
        n_rejects = int(total_of("mart_rejects_summary")["n_rejects"])
        st.caption(f"{fmt.integer(n_rejects)} rejet{'s' if n_rejects > 1 else ''} ; raison la plus fréquente : "
                   f"« {txt.md(top['reason'], limit=300)} » ({fmt.integer(top['n_rejects'])}).")
    st.caption("Pour les fichiers de suivi des clauses, qui décrivent des personnes, seuls le fichier, les numéros d'enregistrement, le champ et la raison sont conservés : la valeur lue n'est montrée que pour les champs qui ne décrivent pas la personne (opération, maître d'ouvrage, marché, lot, montant, heures prévues, entreprise).")
    ui.table(rej.sort_values("n_rejects", ascending=False), [
        Col("reason", "Raison"), Col("field", "Champ"), Col("n_rejects", "Rejets", "int"),
        Col("source_file", "Fichier"), Col("first_record_no", "Premier enregistrement", "int"),
        Col("record_nos", "Enregistrements (10 premiers)"),
        Col("examples", "Exemples de valeurs lues"),
    ], "rejets-par-raison", key="q-rejects")

@parts.fragment
def contracts_of_status() -> None:
    """The contracts of one matching status: only this block reruns when the status changes."""
    STATUS = glossary.MATCH_STATUS
    status = st.selectbox("Voir les marchés", list(STATUS), format_func=STATUS.get, key="q_status")
    lst = parts.mart_rows("mart_declared_vs_executed_list", empty="Aucun marché dans cette catégorie.",
                          filters=f, status=status)
    if lst is not None:
        ui.table(lst.head(1000), [
            Col("buyer_name", "Acheteur"), Col("contract_id", "Identifiant"), Col("object", "Objet"),
            Col("year", "Année", "year"), Col("amount", "Montant", "eur"),
            Col("hours_planned", "Heures prévues", "hours"), Col("n_execution_lines", "Lignes d'exécution", "int"),
        ], f"marches-{ui.slug(STATUS[status])}", key="q-dve-list", height=320)


st.subheader("Clauses déclarées et exécution suivie")
if db.has("mart_declared_vs_executed"):
    ui.ignored_filters_note("mart_declared_vs_executed", f)
dve = parts.mart_rows("mart_declared_vs_executed", empty="Aucune donnée pour ces filtres.", filters=f)
if dve is not None:
    dve = dve.sort_values("sort_key") if "sort_key" in dve.columns else dve
    is_total = dve["is_total"].fillna(False).astype(bool)
    if is_total.any():
        parts.tiles(dve[is_total].iloc[0], [
            Tile("Taux de rapprochement", "match_rate", "pct",
                 help="Marchés déclarant une clause (DECP) pour lesquels une exécution est suivie."),
            Tile("Clauses déclarées sans exécution suivie", "n_declared_without_execution"),
            Tile("Exécutions sans clause déclarée", "n_execution_not_declared"),
            Tile("Exécutions sur des marchés absents des DECP", "n_execution_not_in_decp"),
        ])
    ui.table(dve[~is_total], [
        Col("buyer_name", "Acheteur"), Col("buyer_siret", "SIRET"), Col("buyer_type", "Type", "code:buyer_type"),
        Col("n_declared_clause", "Clauses déclarées", "int"),
        Col("n_declared_with_execution", "Dont exécution suivie", "int"),
        Col("n_declared_without_execution", "Dont sans exécution", "int"),
        Col("n_execution_contracts", "Marchés avec exécution", "int"),
        Col("n_execution_not_declared", "Exécution sans clause déclarée", "int"),
        Col("n_execution_status_unknown", "Exécution, statut inconnu (2019)", "int"),
        Col("n_execution_not_in_decp", "Exécution hors DECP", "int"),
        Col("match_rate", "Taux de rapprochement", "pct"),
    ], "declare-vs-execute", key="q-dve")
    if db.has("mart_declared_vs_executed_list"):
        contracts_of_status()

st.subheader("Territoires non identifiés")
ut = parts.mart_rows("mart_unknown_territories", success="Tous les lieux d'exécution sont identifiés.")
if ut is not None:
    st.caption(f"{fmt.integer(ut['n_contracts'].sum())} marchés dont le lieu d'exécution n'est pas identifié "
               "jusqu'à la commune.")
    ui.table(ut, [
        Col("territory_status", "Statut", "code:territory_status"), Col("territory_reason", "Raison"),
        Col("place_type", "Type de code", "code:place_type"), Col("n_contracts", "Marchés", "int"), Col("amount", "Montant", "eur"),
        Col("examples", "Exemples de codes"),
    ], "territoires-non-identifies", key="q-terr")

st.subheader("Acheteurs non identifiés")
if ui.need("mart_unresolved_buyers"):
    ub = db.mart("mart_unresolved_buyers")
    unresolved = ub[ub["resolution"] == "unresolved"]
    if unresolved.empty:
        st.success("Chaque identifiant d'acheteur est rattaché à un organisme (SIREN).")
    else:
        st.caption(f"{fmt.integer(len(unresolved))} identifiant(s) d'acheteur mal formé(s) (ni SIRET de 14 chiffres "
                   "ni SIREN de 9) que ni le référentiel des acheteurs ni un nom identique ne rattachent à un "
                   "organisme : leurs marchés et lignes comptent en « Non renseigné » et ils ne sont proposés "
                   "dans aucun filtre.")
        ui.table(unresolved, [Col("buyer_siret", "Identifiant lu"), Col("buyer_name", "Nom lu"),
                              Col("buyer_type", "Type", "code:buyer_type"), Col("n_rows", "Enregistrements", "int")],
                 "acheteurs-non-identifies", key="q-unresolved")
    resolved = ub[ub["resolution"] != "unresolved"]
    if not resolved.empty:
        with st.expander(f"{fmt.integer(len(resolved))} identifiant(s) mal formé(s) rattaché(s) par le nom"):
            RES = {"register_name": "Nom du référentiel des acheteurs", "name": "Nom identique d'un organisme"}
            ui.table(resolved.assign(how=resolved["resolution"].map(RES)),
                     [Col("buyer_siret", "Identifiant lu"), Col("buyer_name", "Nom lu"), Col("how", "Rattaché par"),
                      Col("buyer_siren", "SIREN"), Col("organisation_name", "Organisme"),
                      Col("n_rows", "Enregistrements", "int")], "acheteurs-rattaches", key="q-resolved")

st.subheader("Opérations nommées différemment")
if ui.need("mart_operation"):
    ops = db.mart("mart_operation")
    conflicts = ops[ops["n_names"] > 1]
    if conflicts.empty:
        st.success("Chaque code d'opération porte un seul nom dans les fichiers des facilitateurs.")
    else:
        st.caption("Même code, noms différents selon les fichiers : c'est une seule opération (par son code), "
                   "affichée sous son nom le plus fréquent.")
        rows = conflicts.assign(all_names=[
            " ; ".join(f"{n['name']} ({', '.join(n['source_files'])})" for n in names) for names in conflicts["names"]])
        ui.table(rows, [Col("operation_id", "Code"), Col("operation_name", "Nom retenu"),
                        Col("all_names", "Noms lus (fichiers)")], "operations-noms-differents", key="q-opnames")
