"""Territoires: choropleth maps by département and EPCI of clause share, hours, hours per 1 000
inhabitants and QPV share (outlines from data/reference/*.geojson)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import breakdowns, db, filters, rankings, ui, urlstate
from dashboard import market_charts as charts
from dashboard import formatting as fmt
from dashboard.tables import Col

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Territoires",
    "Les indicateurs par département et par intercommunalité (EPCI). Marchés : territoire du lieu "
    "d'exécution ; heures et participants : commune de l'opération (résidence pour la part QPV).",
)
f = filters.current()

INDICATORS = {
    "clause_share": ("Part des marchés avec clause sociale", "pct"),
    "social_share": ("Part des marchés avec considération sociale", "pct"),
    "hours_worked": ("Heures d'insertion réalisées", "hours"),
    "hours_per_1000": ("Heures réalisées pour 1 000 habitants", "num1"),
    "qpv_share": ("Part des participants résidant en QPV", "pct"),
}
LEVELS = {"departement": "Départements", "epci": "Intercommunalités"}
c1, c2 = st.columns([1, 2])
with c1:
    level = urlstate.choice(st.segmented_control, "Échelle", LEVELS, key="t_level",
                            url_key="echelle", default="departement", required=True)
with c2:
    indicator = urlstate.choice(st.selectbox, "Indicateur", {k: v[0] for k, v in INDICATORS.items()},
                                key="t_ind", url_key="indicateur", default="clause_share")
label, kind = INDICATORS[indicator]
# download file names in French (the codes are English identifiers)
export_name = f"carte-{ui.slug(label)}-{ui.slug(LEVELS[level])}"

frame = None
note = ""
too_small = pd.Series(dtype=bool)  # rows with too few contracts of known status to be coloured
if indicator in ("clause_share", "social_share"):
    if ui.need("mart_contract_share"):
        rows, total_row = breakdowns.split(db.mart("mart_contract_share", filters=f, dimension=level))
        col = "share_clause" if indicator == "clause_share" else "share_social"
        frame = rows.assign(metric=rows[col], n=rows["n_known"])
        too_small = ~rankings.reliable(frame) & frame["metric"].notna()
        minimum = rankings.min_contracts()
        note = ("Sur les marchés au statut connu (format 2022) ; le nombre de marchés au statut inconnu est "
                "dans le tableau. " + rankings.coverage(rows, total_row, level, on_map=True)
                + (f"Territoires de moins de {fmt.integer(minimum)} marchés au statut connu : en beige au contour brun, "
                   "ni colorés ni nommés (trop peu de marchés pour une part fiable)."
                   if too_small.any() else ""))
        table_cols = [Col("value", "Code"), Col("row_label", "Territoire"), Col("n_contracts", "Marchés", "int"),
                      Col("n_unknown_status", "Statut inconnu", "int"), Col("n_known", "Statut connu", "int"),
                      Col("metric", label, kind)]
elif indicator in ("hours_worked", "hours_per_1000"):
    if ui.need("mart_hours"):
        table_cols = [Col("value", "Code"), Col("row_label", "Territoire"),
                      Col("n_participants", "Participants", "int"), Col("hours_worked", "Heures réalisées", "hours")]
        if indicator == "hours_worked":
            rows, _ = breakdowns.split(db.mart("mart_hours", filters=f, dimension=f"operation_{level}"))
            frame = rows.assign(metric=rows["hours_worked"])
        elif ui.need("mart_territory_hours"):  # hours and population joined in the mart
            rows, _ = breakdowns.split(db.mart("mart_territory_hours", filters=f, dimension=f"operation_{level}"))
            frame = rows.assign(metric=rows["hours_per_1000"])
            table_cols += [Col("population", "Population", "int"), Col("metric", label, kind)]
        note = "Heures rattachées à la commune de l'opération."
else:
    if ui.need("mart_participants"):
        dim = "residence_epci" if level == "epci" else None
        if dim is None:
            st.info("La part de résidents QPV est disponible par EPCI de résidence seulement : "
                    "choisissez l'échelle « Intercommunalités ».")
        else:
            rows, _ = breakdowns.split(db.mart("mart_participants", filters=f, dimension=dim))
            frame = rows.assign(metric=rows["qpv_share"])
            table_cols = [Col("value", "Code"), Col("row_label", "Territoire"),
                          Col("n_participants", "Participants", "int"), Col("metric", label, kind)]
            note = "Part des participants résidant dans un quartier prioritaire, par EPCI de résidence."

if frame is not None:
    keep = frame["value"] != "unknown"
    frame, too_small = frame[keep], too_small.reindex(frame.index, fill_value=False)[keep]
    geo = charts.outlines(level)
    if frame.empty:
        ui.empty()
    elif geo is None:
        st.warning("Contours des territoires absents (`data/reference/`) : la carte ne peut pas être tracée.")
        ui.table(frame, table_cols, export_name, key="t-table")
    else:
        z_all = pd.to_numeric(frame["metric"], errors="coerce")
        z = z_all.where(~too_small)  # too small: neither coloured nor named in the summary
        z_plot = z * 100 if kind == "pct" else z
        # MapLibre with the blank "white-bg" style: outlines only, nothing fetched from the network.
        codes = charts.outline_codes(level)
        small_codes = sorted(codes & set(frame.loc[too_small, "value"]))
        empty_codes = tuple(sorted(codes - set(frame.loc[z.notna(), "value"]) - set(small_codes)))
        coloured = frame.loc[z.notna(), ["value", "row_label"]]
        small = frame.loc[frame["value"].isin(small_codes), ["value", "row_label", "n_known"]] if small_codes else None
        fig = ui.figure(charts.territory_map, level, coloured, z_plot[z.notna()], kind, empty_codes, small,
                        height=560)
        ok = frame.assign(z=z).dropna(subset=["z"]).sort_values("z")
        summary = (f"{label} : la plus haute à {ok.iloc[-1]['row_label']} "
                   f"({fmt.percent(ok.iloc[-1]['z']) if kind == 'pct' else fmt.number(ok.iloc[-1]['z'], 1)}), "
                   f"la plus basse à {ok.iloc[0]['row_label']} "
                   f"({fmt.percent(ok.iloc[0]['z']) if kind == 'pct' else fmt.number(ok.iloc[0]['z'], 1)}). "
                   if len(ok) else "")
        summary += note + " Territoires sans donnée ou dont la valeur est masquée (« s ») : en gris."
        if too_small.any():
            st.caption("Sur la carte, en beige au contour brun : "
                       + ", ".join(str(v) for v in frame.loc[too_small, "row_label"].head(12))
                       + (" …" if int(too_small.sum()) > 12 else "")
                       + f" — moins de {fmt.integer(rankings.min_contracts())} marchés au statut connu.")
        ui.chart(fig, summary, frame.sort_values("row_label"), table_cols, export_name,
                 key="t-map", height=560)
