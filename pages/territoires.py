"""Territoires: choropleth maps by département and EPCI of clause share, hours, hours per 1 000
inhabitants and QPV share (outlines from data/reference/*.geojson)."""
from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import breakdowns, db, filters, rankings, ui, urlstate
from dashboard import formatting as fmt
from dashboard.tables import Col
from pipelines.settings import PROJECT_ROOT

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Territoires",
    "Les indicateurs par département et par intercommunalité (EPCI). Marchés : territoire du lieu "
    "d'exécution ; heures et participants : commune de l'opération (résidence pour la part QPV).",
)
f = filters.current()

GEO = {"departement": "departements_32.geojson", "epci": "epci_32.geojson"}


@st.cache_data(show_spinner=False)
def outlines(level: str) -> dict | None:
    path = PROJECT_ROOT / "data" / "reference" / GEO[level]
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


@st.cache_data(max_entries=64, show_spinner=False)
def outlines_of(level: str, codes: tuple[str, ...]) -> dict:
    """The outlines of `codes` only: each trace carries (and sends to the browser) the geometry
    it draws, not the whole region's (the map used to send it twice, once per trace)."""
    wanted = set(codes)
    geo = outlines(level) or {}
    return {"type": "FeatureCollection",
            "features": [f for f in geo.get("features", []) if f["properties"]["code"] in wanted]}


@st.cache_data(show_spinner=False)
def bounds(level: str) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the outlines."""
    xs, ys = [], []

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feat in (outlines(level) or {}).get("features", []):
        walk(feat["geometry"]["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (1.4, 48.8, 4.3, 51.1)


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
        rows, _ = breakdowns.split(db.mart("mart_hours", filters=f, dimension=f"operation_{level}"))
        frame = rows.assign(metric=rows["hours_worked"])
        table_cols = [Col("value", "Code"), Col("row_label", "Territoire"),
                      Col("n_participants", "Participants", "int"), Col("hours_worked", "Heures réalisées", "hours")]
        if indicator == "hours_per_1000":
            if ui.need("mart_territory_population"):
                p = db.mart("mart_territory_population", level=level)
                pop = frame["value"].map(dict(zip(p["code"], p["population"])))
                frame = frame.assign(population=pop, metric=frame["hours_worked"] / pop * 1000)
                table_cols += [Col("population", "Population", "int"), Col("metric", label, kind)]
            else:
                frame = None
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
    geo = outlines(level)
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
        codes = {feat["properties"]["code"] for feat in geo.get("features", [])}
        small_codes = sorted(codes & set(frame.loc[too_small, "value"]))
        empty_codes = sorted(codes - set(frame.loc[z.notna(), "value"]) - set(small_codes))
        coloured = frame[z.notna()]
        drawn = tuple(sorted(codes & set(coloured["value"])))
        fig = go.Figure(go.Choroplethmap(
            geojson=outlines_of(level, drawn), featureidkey="properties.code", locations=coloured["value"],
            z=z_plot[z.notna()], text=coloured["row_label"],
            colorscale="Blues", marker_line_color="white", marker_line_width=0.6,
            colorbar=dict(title=None, **(fmt.PCT_AXIS if kind == "pct" else {"tickformat": ",.0f"})),
            hovertemplate="%{text}<br>%{z" + (fmt.PCT_HOVER if kind == "pct" else ":,.1f}") + "<extra></extra>",
        ))
        if empty_codes:  # territories without data (or masked) are drawn in grey, not as zero
            fig.add_trace(go.Choroplethmap(
                geojson=outlines_of(level, tuple(empty_codes)), featureidkey="properties.code",
                locations=empty_codes, z=[0] * len(empty_codes),
                colorscale=[[0, "#E5E5E5"], [1, "#E5E5E5"]], showscale=False, marker_line_color="white",
                hovertemplate="Pas de donnée publiable<extra></extra>"))
        if small_codes:  # too few contracts of known status: drawn apart, hatched, not coloured
            small = frame[frame["value"].isin(small_codes)]
            fig.add_trace(go.Choroplethmap(
                geojson=outlines_of(level, tuple(small_codes)), featureidkey="properties.code",
                locations=small["value"], z=[0] * len(small), text=small["row_label"],
                customdata=small[["n_known"]], colorscale=[[0, "#F3E3C3"], [1, "#F3E3C3"]], showscale=False,
                marker_line_color="#B08D57", marker_line_width=1.2, name="Trop peu de marchés",
                hovertemplate="%{text}<br>Trop peu de marchés au statut connu (%{customdata[0]}) : "
                              "part non colorée<extra></extra>"))
        lon0, lat0, lon1, lat1 = bounds(level)
        fig.update_layout(map=dict(style="white-bg", center=dict(lon=(lon0 + lon1) / 2, lat=(lat0 + lat1) / 2),
                                   zoom=6.9), margin=dict(l=0, r=0, t=10, b=0))
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
