"""Qualité des données: ingest log, rejects by reason with examples, declared vs executed matching,
unknown territories."""
from __future__ import annotations

import streamlit as st

from dashboard import db, filters, glossary, ui
from dashboard import text as txt
from dashboard import formatting as fmt
from dashboard.tables import Col, cell

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Qualité des données",
    "Ce que la construction de la base a lu, chargé, rejeté (avec la raison) ; le rapprochement entre "
    "les clauses déclarées dans les DECP et l'exécution suivie par les facilitateurs ; les marchés dont "
    "le lieu d'exécution n'est pas identifié. Pour chaque fichier : lus = chargés + rejetés + doublons "
    "+ hors région.",
)
f = filters.current()

st.subheader("Fichiers chargés")
if ui.need("mart_ingest_log"):
    log = db.mart("mart_ingest_log")
    if log.empty:
        ui.empty("Aucun fichier chargé.")
    else:
        c = st.columns(5)
        for col, (key, label) in zip(c, [("n_read", "Lus"), ("n_loaded", "Chargés"), ("n_rejected", "Rejetés"),
                                         ("n_duplicates", "Doublons"), ("n_out_of_region", "Hors région")]):
            with col:
                ui.kpi(label, fmt.integer(log[key].sum()))
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
if ui.need("mart_rejects_by_reason"):
    rej = db.mart("mart_rejects_by_reason")
    if rej.empty:
        st.success("Aucun enregistrement rejeté.")
    else:
        by_reason = rej.groupby("reason", dropna=False)["n_rejects"].sum().sort_values(ascending=False)
        st.caption(f"{fmt.integer(rej['n_rejects'].sum())} rejets ; raison la plus fréquente : "
                   f"« {txt.md(by_reason.index[0], limit=300)} » ({fmt.integer(by_reason.iloc[0])}).")
        st.caption("Pour les fichiers de suivi des clauses, qui décrivent des personnes, seuls le fichier, les "
                   "numéros d'enregistrement, le champ et la raison sont conservés : la valeur lue n'est "
                   "montrée que pour les champs qui ne décrivent pas la personne (opération, maître d'ouvrage, "
                   "marché, lot, montant, heures prévues, entreprise).")
        ui.table(rej.sort_values("n_rejects", ascending=False), [
            Col("reason", "Raison"), Col("field", "Champ"), Col("n_rejects", "Rejets", "int"),
            Col("source_file", "Fichier"), Col("first_record_no", "Premier enregistrement", "int"),
            Col("record_nos", "Enregistrements (10 premiers)"),
            Col("examples", "Exemples de valeurs lues"),
        ], "rejets-par-raison", key="q-rejects")

st.subheader("Clauses déclarées et exécution suivie")
if ui.need("mart_declared_vs_executed"):
    ui.ignored_filters_note("mart_declared_vs_executed", f)
    dve = db.mart("mart_declared_vs_executed", filters=f)
    if dve.empty:
        ui.empty()
    else:
        dve = dve.sort_values("sort_key") if "sort_key" in dve.columns else dve
        tot = dve[dve["is_total"].fillna(False).astype(bool)]
        t = tot.iloc[0] if len(tot) else None
        if t is not None:
            c = st.columns(4)
            with c[0]:
                ui.kpi("Taux de rapprochement", cell(t, "match_rate", "pct"),
                       help="Marchés déclarant une clause (DECP) pour lesquels une exécution est suivie.")
            with c[1]:
                ui.kpi("Clauses déclarées sans exécution suivie", cell(t, "n_declared_without_execution", "int"))
            with c[2]:
                ui.kpi("Exécutions sans clause déclarée", cell(t, "n_execution_not_declared", "int"))
            with c[3]:
                ui.kpi("Exécutions sur des marchés absents des DECP", cell(t, "n_execution_not_in_decp", "int"))
        rows = dve[~dve["is_total"].fillna(False).astype(bool)]
        ui.table(rows, [
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
            STATUS = glossary.MATCH_STATUS
            status = st.selectbox("Voir les marchés", list(STATUS), format_func=STATUS.get, key="q_status")
            lst = db.mart("mart_declared_vs_executed_list", filters=f, status=status)
            if lst.empty:
                ui.empty("Aucun marché dans cette catégorie.")
            else:
                ui.table(lst.head(1000), [
                    Col("buyer_name", "Acheteur"), Col("contract_id", "Identifiant"), Col("object", "Objet"),
                    Col("year", "Année", "year"), Col("amount", "Montant", "eur"),
                    Col("hours_planned", "Heures prévues", "hours"), Col("n_execution_lines", "Lignes d'exécution", "int"),
                ], f"marches-{ui.slug(STATUS[status])}", key="q-dve-list", height=320)

st.subheader("Territoires non identifiés")
if ui.need("mart_unknown_territories"):
    ut = db.mart("mart_unknown_territories")
    if ut.empty:
        st.success("Tous les lieux d'exécution sont identifiés.")
    else:
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
