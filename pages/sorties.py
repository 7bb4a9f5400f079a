"""Sorties vers l'emploi (steering committees): exit categories at the end of the path and at +6
months, dynamic exit rate with its 95 % confidence interval, by operation, territory, public..."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import breakdowns, committee, db, filters, glossary, reliability, ui
from dashboard.report import with_interval_masks
from dashboard import formatting as fmt
from dashboard import page_parts as parts
from dashboard import people_charts as charts
from dashboard import people_columns
from dashboard.page_parts import Tile
from dashboard.tables import cell

f = parts.mart_page(
    "Sorties vers l'emploi",
    "Situation des participants à la fin de leur parcours et six mois après. **Taux de sortie dynamique** = (emploi durable + emploi de transition + sortie positive) / sortants dont la situation est connue ; le nombre de situations inconnues est donné à côté. L'intervalle de confiance à 95 % (Wilson) rappelle qu'un taux calculé sur peu de personnes est fragile.",
    "mart_exits")

# --- the committee's own view (its settings are in the URL as codes: dashboard/committee.py) ------
SCOPES = {"filters": "Filtres du panneau", "operation": "Une opération", "epci": "Une intercommunalité",
          "departement": "Un département"}
TIMEPOINTS = {"end": "Fin", "6m": "6 mois après"}
DEFINITIONS = glossary.DURABLE_DEFINITION
committee.seed("s_scope", "perimetre", SCOPES, "périmètre")
committee.seed("s_time", "moment", TIMEPOINTS, "moment")
committee.seed("s_def", "definition", DEFINITIONS, "définition de l'emploi durable")
st.session_state.setdefault("s_time", "end")
st.session_state.setdefault("s_def", db.built_setting("durable_definition"))
with st.container(border=True):
    st.markdown("**Vue de votre comité de pilotage**")
    c1, c2, c3, c4 = st.columns([1.2, 1.8, 1.3, 1.1])
    with c1:
        scope = st.selectbox("Périmètre", list(SCOPES), format_func=SCOPES.get, key="s_scope")
    scope_value = None
    with c2:
        if scope != "filters":
            opts = committee.unique_labels({"operation": filters.operations, "epci": filters.epcis,
                                            "departement": filters.departements}[scope]())
            ids = list(opts)
            committee.seed(f"s_scope_{scope}", "code", ids, "code du périmètre")
            if ids and st.session_state.get(f"s_scope_{scope}") not in ids:
                big = filters.largest(scope)
                st.session_state[f"s_scope_{scope}"] = big if big in ids else ids[0]
            scope_value = st.selectbox(SCOPES[scope], ids, format_func=lambda v: opts.get(v, v),
                                       key=f"s_scope_{scope}")
    with c3:
        timepoint = st.segmented_control("Moment", list(TIMEPOINTS), required=True, key="s_time",
                                         format_func=TIMEPOINTS.get)
    with c4:
        definition = st.segmented_control(
            "Emploi durable", list(DEFINITIONS), required=True, key="s_def",
            format_func=DEFINITIONS.get,
            help="Large : CDI, CDD ou intérim de 6 mois et plus, fonction publique, création d'entreprise. "
                 "Stricte : CDI ou CDD de 6 mois et plus.")
committee.write(perimetre=None if scope == "filters" else scope, code=scope_value, moment=timepoint,
                definition=definition)
for note in committee.notes():
    st.warning(note, icon=":material/link_off:")
if scope != "filters" and scope_value:
    shown = opts.get(scope_value, scope_value)   # operation labels already start with their code
    shown = shown if str(shown).startswith(str(scope_value)) else f"{shown} ({scope_value})"
    ui.describe_export("Périmètre du comité", f"{SCOPES[scope]} : {shown}")
ui.describe_export("Moment", "fin de parcours" if timepoint == "end" else "6 mois après la sortie")
ui.describe_export("Définition de l'emploi durable", DEFINITIONS[definition].lower())
# export names carry the page, the committee's perimeter, moment and definition
name_tail = [scope_value or (None if scope == "filters" else scope), timepoint, definition]

extra = {"timepoint": timepoint, "durable_definition": definition}
if scope != "filters" and scope_value:
    extra[scope] = scope_value

COLUMNS = people_columns.pick("row_label", "n_leavers", "n_known", "n_unknown", "n_durable", "n_transition", "n_positive",
                              "n_other", "dynamic_exit_rate", "ci_low", "ci_high", "reliability")


def exits(dimension: str) -> pd.DataFrame:
    params = dict(extra)
    fl = f
    if scope != "filters" and scope_value:  # the committee's scope replaces the sidebar's territory
        fl = filters.Filters(**{**f.__dict__, scope: None})
    return db.mart("mart_exits", filters=fl, dimension=dimension, **params)


def with_reliability(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with the interval's masks and the reliability column of the tables."""
    return reliability.with_labels(with_interval_masks(rows))


total = parts.total_or_stop(exits("total"), "Aucun sortant (parcours terminé) dans les suivis d'exécution des clauses pour ces filtres.")
rate_masked = cell(total, "dynamic_exit_rate", "pct") == fmt.MASK
parts.tiles(total, [
    Tile("Taux de sortie dynamique", "dynamic_exit_rate", "pct",
         caption="IC 95 % : " + fmt.interval(total.get("ci_low"), total.get("ci_high"), masked=rate_masked)
         + (f" · taux fragile (moins de {reliability.MIN_KNOWN} sortants connus)" if reliability.is_fragile(total) else "")),
    Tile("Sortants", "n_leavers", "int"),
    Tile("Situation connue", "n_known", "int"),
    Tile("Situation inconnue", "n_unknown", "int",
         help="Sortants dont la situation n'a pas été renseignée : ils ne sont pas dans le taux."),
])

label_time = "en fin de parcours" if timepoint == "end" else "à 6 mois"
for w in reliability.warnings(total, label_time):
    st.warning(w, icon=":material/report:")

summary = (f"{cell(total, 'n_leavers', 'int')} sortants {label_time} : {cell(total, 'n_durable', 'int')} en emploi "
           f"durable, {cell(total, 'n_transition', 'int')} en emploi de transition, {cell(total, 'n_positive', 'int')} "
           f"en sortie positive, {cell(total, 'n_unknown', 'int')} de situation inconnue.")
st.subheader(f"Situation des sortants {label_time}")
ui.chart(ui.figure(charts.exit_categories, total, height=200), summary, with_reliability(total.to_frame().T), COLUMNS,
         "-".join(["sorties", *filter(None, name_tail)]), key="s-total", height=200)

st.subheader("Taux de sortie dynamique par …")
DIMS = dict(breakdowns.EXIT_DIMENSIONS)


def draw_by_dimension(dim, raw, rows, _total) -> None:
    """The dynamic exit rate per value of the chosen breakdown, with its interval (40 values at most)."""
    rows = with_reliability(rows)
    shown = rows.tail(40)
    fragile = [reliability.is_fragile(r) for _, r in shown.iterrows()]
    masked = int(rows["dynamic_exit_rate"].isna().sum())
    summary = "Chaque point est le taux, la barre son intervalle de confiance à 95 %."
    if any(fragile):
        summary += (f" Point creux : taux fragile, calculé sur moins de {reliability.MIN_KNOWN} sortants de "
                    f"situation connue ({sum(fragile)} valeur(s)).")
    n_unknown_rows = int(sum(reliability.too_many_unknown(r) for _, r in shown.iterrows()))
    if n_unknown_rows:
        summary += (f" {n_unknown_rows} valeur(s) ont plus de {fmt.percent(reliability.MAX_UNKNOWN_SHARE, 0)} de "
                    "sortants de situation inconnue (colonne « Fiabilité » du tableau).")
    if masked:
        summary += f" {masked} valeur(s) sans taux (moins de {db.built_setting('secrecy_threshold')} sortants connus)."
    height = charts.bar_height(len(shown), 280)
    ui.chart(ui.figure(charts.exit_rates, shown, total.get("dynamic_exit_rate"), height=height),
             summary + parts.additivity_note(raw), with_reliability(breakdowns.labelled(raw)), COLUMNS,
             parts.table_name("sorties-par", DIMS, dim, *name_tail), key="s-dim", height=height)


parts.breakdown(DIMS, "s_dim", exits, draw_by_dimension)
