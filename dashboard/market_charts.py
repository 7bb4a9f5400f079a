"""Figure builders of the procurement and landlord pages (Marchés clausés, Bailleurs, Objectifs,
Territoires, fiches opération and acheteur).

Each builder takes frames and plain options and returns a Plotly figure; none calls Streamlit.
Pages draw them with `ui.chart(ui.figure(builder, ...), ...)`: a figure is built, escaped and
styled once per data (issue 15), so the arguments must be everything the figure depends on.
"""
from __future__ import annotations

import functools
import json

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting as fmt
from pipelines.settings import PROJECT_ROOT

MEASURE_WORDS = {
    "social": "Toute considération sociale",
    "clause": "Clause sociale",
    "criterion": "Critère social",
    "reserved": "Marché réservé",
}


# --- Marchés clausés -------------------------------------------------------------------------------

def contract_trend(years: pd.DataFrame, share_col: str, n_col: str, references: pd.DataFrame | None,
                   target: float | None, target_label: str | None) -> go.Figure:
    """Contracts by notification year (known without / with, unknown status) and the share line;
    national `references` (mart_national_references: year, share, label) and `target` (a share,
    its caption) drawn when given."""
    known = years[years["n_known"].fillna(0) > 0]
    fig = go.Figure()
    fig.add_bar(x=years["row_label"], y=years["n_known"] - years[n_col].fillna(0), name="Statut connu, sans",
                marker_color="#B8C4E0", yaxis="y2", hovertemplate="%{y:,.0f} marchés<extra></extra>")
    fig.add_bar(x=years["row_label"], y=years[n_col], name="Statut connu, avec", marker_color="#000091",
                yaxis="y2", hovertemplate="%{y:,.0f} marchés<extra></extra>")
    fig.add_bar(x=years["row_label"], y=years["n_unknown_status"], name="Statut inconnu (format 2019)",
                marker_color="#D9D9D9", marker_pattern_shape="/", yaxis="y2",
                hovertemplate="%{y:,.0f} marchés<extra></extra>")
    fig.add_scatter(x=known["row_label"], y=known[share_col] * 100, name="Part (échelle de droite)",
                    mode="lines+markers", line=dict(color="#E1000F", width=3), yaxis="y",
                    hovertemplate="%{y:,.1f} %<extra></extra>")
    if references is not None and len(references):
        fig.add_scatter(x=references["year"].astype(int).astype(str).tolist(), y=references["share"] * 100, mode="markers+text",
                        name="Repère national", marker=dict(symbol="diamond-open", size=11, color="#6A6A6A"),
                        text=references["label"].fillna("").tolist(), textposition="top center", yaxis="y",
                        hovertemplate="Repère national : %{y:,.1f} %<extra></extra>")
    if target is not None:
        fig.add_hline(y=target * 100, line_dash="dot", line_color="#6A6A6A", yref="y",
                      annotation_text=target_label,
                      annotation_position="top left")
    fig.update_layout(
        barmode="stack",
        yaxis=dict(title="Part", **fmt.PCT_AXIS, side="right", overlaying="y2", dtick=5,
                   range=[0, max(35.0, float((known[share_col].max() or 0) * 100) * 1.15)]),
        yaxis2=dict(title="Nombre de marchés", side="left", showgrid=False),
        xaxis=dict(type="category", title=None),
    )
    return fig


def share_bars(shown: pd.DataFrame, share_col: str, total_share: float | None, measure: str) -> go.Figure:
    """Horizontal bars of the share per breakdown row, the whole's share as a dotted line."""
    fig = go.Figure(go.Bar(
        x=shown[share_col] * 100, y=shown["row_label"], orientation="h", marker_color="#000091",
        customdata=shown[["n_known", "n_unknown_status"]],
        text=[fmt.percent(v) for v in shown[share_col]], textposition="outside",
        hovertemplate="%{x:,.1f} % des %{customdata[0]:,.0f} marchés au statut connu<br>"
                      "%{customdata[1]:,.0f} au statut inconnu<extra></extra>",
    ))
    if total_share is not None and not fmt.is_null(total_share):
        fig.add_vline(x=total_share * 100, line_dash="dot", line_color="#E1000F",
                      annotation_text=f"Ensemble : {fmt.percent(total_share)}")
    fig.update_layout(xaxis=dict(**fmt.PCT_AXIS, title=MEASURE_WORDS[measure]), yaxis=dict(title=None),
                      showlegend=False)
    return fig


# --- Bailleurs -------------------------------------------------------------------------------------

def landlord_distribution(dist: pd.DataFrame, kind: str, label: str, median: float | None,
                          median_text: str) -> go.Figure:
    """One indicator's landlords, ascending, the viewer in red, the scope's median dotted."""
    is_me = dist["is_viewer"].fillna(False).astype(bool)
    scale = 100 if kind == "pct" else 1
    fig = go.Figure(go.Bar(
        x=dist["landlord_label"], y=dist["value"] * scale,
        marker_color=["#E1000F" if m else "#B8C4E0" for m in is_me],
        hovertemplate="%{x} : %{y" + (":,.0f}\u00a0%" if kind == "pct" else ":,.0f}") + "<extra></extra>",
    ))
    if median is not None and not fmt.is_null(median):
        fig.add_hline(y=median * scale, line_dash="dot", line_color="#000091",
                      annotation_text=f"Médiane : {median_text}")
    fig.update_layout(yaxis=dict(title=label, **(fmt.PCT_AXIS if kind == "pct" else {"tickformat": ",.0f"})),
                      xaxis=dict(title=None, tickangle=-45, type="category"), showlegend=False)
    return fig


def clause_share_line(share: pd.DataFrame) -> go.Figure:
    """Share of contracts with a clause by year, from 0, ticks with one decimal."""
    fig = go.Figure(go.Scatter(x=share["row_label"], y=share["share_clause"] * 100, mode="lines+markers",
                               line=dict(color="#000091", width=3), hovertemplate="%{y:,.1f} %<extra></extra>"))
    # from 0 (a change of a few tenths is not drawn as a cliff), ticks with one decimal
    top = share["share_clause"].max()
    top = 100.0 if fmt.is_null(top) else min(100.0, max(10.0, float(top) * 100 * 1.2))
    fig.update_layout(xaxis=dict(type="category"),
                      yaxis=dict(**fmt.PCT_AXIS_1DP, range=[0, top], title="Marchés avec clause"))
    return fig


def hours_bars(hrs: pd.DataFrame, x: str, names: tuple[str, str], colours: tuple[str, str] | None) -> go.Figure:
    """Hours planned and worked side by side per `x` (a year)."""
    fig = go.Figure()
    planned, worked = ({"marker_color": c} for c in colours) if colours else ({}, {})
    fig.add_bar(x=hrs[x], y=hrs["hours_planned"], name=names[0], **planned)
    fig.add_bar(x=hrs[x], y=hrs["hours_worked"], name=names[1], **worked)
    fig.update_layout(barmode="group", xaxis=dict(type="category"), yaxis=dict(title="Heures"))
    return fig


def contracts_by_year(by_year: pd.DataFrame) -> go.Figure:
    """A buyer's contracts by year: without clause, with clause, unknown status, stacked."""
    fig = go.Figure()
    fig.add_bar(x=by_year["value"], y=by_year["n_known"] - by_year["n_clause"].fillna(0), name="Sans clause")
    fig.add_bar(x=by_year["value"], y=by_year["n_clause"], name="Avec clause")
    fig.add_bar(x=by_year["value"], y=by_year["n_unknown_status"], name="Statut inconnu (format 2019)")
    fig.update_layout(barmode="stack", yaxis_title="Marchés", xaxis_type="category")
    return fig


# --- Objectifs -------------------------------------------------------------------------------------

def burnup(actual: pd.DataFrame, projected: pd.DataFrame, objective: float, deadline) -> go.Figure:
    """Cumulative hours worked, the projection at the recent pace, the objective and the deadline."""
    fig = go.Figure()
    fig.add_scatter(x=actual["month"], y=actual["cumulative_hours"], mode="lines+markers",
                    name="Heures réalisées (cumul)", line=dict(color="#000091", width=3),
                    hovertemplate="%{y:,.0f} h<extra></extra>")
    fig.add_scatter(x=projected["month"], y=projected["projected_hours"], mode="lines",
                    name="Projection au rythme récent", line=dict(color="#000091", dash="dash"),
                    hovertemplate="%{y:,.0f} h<extra></extra>")
    fig.add_hline(y=float(objective), line_color="#CE614A", line_dash="dot", annotation_text="Objectif")
    if not fmt.is_null(deadline):
        fig.add_vline(x=pd.Timestamp(deadline).timestamp() * 1000, line_color="#161616",
                      line_dash="dot", annotation_text="Échéance")
    fig.update_layout(yaxis=dict(title="Heures cumulées", rangemode="tozero"), xaxis=dict(title=None),
                      legend=dict(orientation="h"))
    return fig


def anru_floors(shown: pd.DataFrame) -> go.Figure:
    """Share of the hours worked going to QPV residents per line, against its floor."""
    fig = go.Figure(go.Bar(
        y=shown["row_label"], x=shown["qpv_share"] * 100, orientation="h",
        marker_color=["#18753C" if bool(v) else "#CE614A" for v in shown["meets_floor"].fillna(False)],
        text=[fmt.percent(v) for v in shown["qpv_share"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{x:,.1f} % des heures travaillées<extra></extra>", name="Part QPV",
    ))
    fig.add_scatter(y=shown["row_label"], x=shown["floor_share"] * 100, mode="markers", name="Plancher",
                    marker=dict(symbol="line-ns-open", size=18, color="#161616", line=dict(width=3)),
                    hovertemplate="plancher %{x:,.0f} %<extra></extra>")
    fig.update_layout(xaxis=dict(**fmt.PCT_AXIS_1DP, title="Heures des résidents QPV / heures travaillées estimées",
                                 rangemode="tozero"),
                      yaxis=dict(title=None, autorange="reversed"), legend=dict(orientation="h"))
    return fig


# --- Territoires -----------------------------------------------------------------------------------

GEO = {"departement": "departements_32.geojson", "epci": "epci_32.geojson"}


@functools.lru_cache(maxsize=4)
def outlines(level: str) -> dict | None:
    """The region's outlines at `level` (data/reference/*.geojson), None when the file is absent.
    Shared: never modified."""
    path = PROJECT_ROOT / "data" / "reference" / GEO[level]
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def outline_codes(level: str) -> frozenset[str]:
    return frozenset(feat["properties"]["code"] for feat in (outlines(level) or {}).get("features", []))


@functools.lru_cache(maxsize=64)
def outlines_of(level: str, codes: tuple[str, ...]) -> dict:
    """The outlines of `codes` only: each trace carries (and sends to the browser) the geometry
    it draws, not the whole region's (the map used to send it twice, once per trace)."""
    wanted = set(codes)
    geo = outlines(level) or {}
    return {"type": "FeatureCollection",
            "features": [f for f in geo.get("features", []) if f["properties"]["code"] in wanted]}


@functools.lru_cache(maxsize=4)
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


def territory_map(level: str, coloured: pd.DataFrame, z: pd.Series, kind: str, empty_codes: tuple[str, ...],
                  small: pd.DataFrame | None) -> go.Figure:
    """Choropleth of `z` over the `coloured` territories (value, row_label); territories without a
    value in grey; too small ones (`small`: value, row_label, n_known) in beige, neither coloured
    nor named."""
    drawn = tuple(sorted(outline_codes(level) & set(coloured["value"])))
    fig = go.Figure(go.Choroplethmap(
        geojson=outlines_of(level, drawn), featureidkey="properties.code", locations=coloured["value"],
        z=z, text=coloured["row_label"],
        colorscale="Blues", marker_line_color="white", marker_line_width=0.6,
        colorbar=dict(title=None, **(fmt.PCT_AXIS if kind == "pct" else {"tickformat": ",.0f"})),
        hovertemplate="%{text}<br>%{z" + (fmt.PCT_HOVER if kind == "pct" else ":,.1f}") + "<extra></extra>",
    ))
    if empty_codes:  # territories without data (or masked) are drawn in grey, not as zero
        fig.add_trace(go.Choroplethmap(
            geojson=outlines_of(level, tuple(empty_codes)), featureidkey="properties.code",
            locations=list(empty_codes), z=[0] * len(empty_codes),
            colorscale=[[0, "#E5E5E5"], [1, "#E5E5E5"]], showscale=False, marker_line_color="white",
            hovertemplate="Pas de donnée publiable<extra></extra>"))
    if small is not None and len(small):  # too few contracts of known status: drawn apart, hatched, not coloured
        fig.add_trace(go.Choroplethmap(
            geojson=outlines_of(level, tuple(sorted(small["value"]))), featureidkey="properties.code",
            locations=small["value"], z=[0] * len(small), text=small["row_label"],
            customdata=small[["n_known"]], colorscale=[[0, "#F3E3C3"], [1, "#F3E3C3"]], showscale=False,
            marker_line_color="#B08D57", marker_line_width=1.2, name="Trop peu de marchés",
            hovertemplate="%{text}<br>Trop peu de marchés au statut connu (%{customdata[0]}) : "
                          "part non colorée<extra></extra>"))
    lon0, lat0, lon1, lat1 = bounds(level)
    fig.update_layout(map=dict(style="white-bg", center=dict(lon=(lon0 + lon1) / 2, lat=(lat0 + lat1) / 2),
                               zoom=6.9), margin=dict(l=0, r=0, t=10, b=0))
    return fig
