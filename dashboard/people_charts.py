"""Figure builders of the people pages (Heures, Publics, Sorties).

Each builder takes the mart's rows (frames) and plain options and returns a Plotly figure; none
calls Streamlit. Pages draw them with `ui.chart(ui.figure(builder, ...), ...)`, which builds,
escapes and styles a figure once per data (issue 15): a rerun with the same filters builds nothing.
Labels are the mart's raw text: `ui.figure` escapes them.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting as fmt
from dashboard import glossary, reliability

PLANNED, WORKED, ACCENT, RED = "#B8C4E0", "#000091", "#6A6AF4", "#E1000F"

# exit categories in stacking order: (column, French name, colour)
EXIT_CATEGORIES = [("n_durable", glossary.OUTCOME_CATEGORY["durable"], "#000091"),
                   ("n_transition", glossary.OUTCOME_CATEGORY["transition"], "#6A6AF4"),
                   ("n_positive", glossary.OUTCOME_CATEGORY["positive"], "#18753C"),
                   ("n_other", glossary.OUTCOME_CATEGORY["other"], "#CE614A"),
                   ("n_unknown", glossary.OUTCOME_CATEGORY["unknown"], "#D9D9D9")]


def top_rows(rows: pd.DataFrame, column: str, n: int) -> pd.DataFrame:
    """The `n` largest rows by `column`, smallest first (a horizontal bar chart draws them bottom up);
    masked rows (null) come first."""
    return rows.sort_values(column, na_position="first").tail(n)


def bar_height(n_rows: int, least: int) -> int:
    """Height of a horizontal bar chart of `n_rows` bars."""
    return max(least, 30 * n_rows + 80)


def hours_by_year(years: pd.DataFrame) -> go.Figure:
    """Planned and worked hours per year, grouped bars."""
    fig = go.Figure()
    fig.add_bar(x=years["row_label"], y=years["hours_planned"], name="Heures prévues", marker_color=PLANNED,
                hovertemplate="%{y:,.0f} h prévues<extra></extra>")
    fig.add_bar(x=years["row_label"], y=years["hours_worked"], name="Heures réalisées", marker_color=WORKED,
                hovertemplate="%{y:,.0f} h réalisées<extra></extra>")
    fig.update_layout(barmode="group", xaxis=dict(type="category"), yaxis=dict(title="Heures"))
    return fig


def hours_by_value(shown: pd.DataFrame) -> go.Figure:
    """Worked (and, where the mart has them, planned) hours per breakdown value, horizontal bars;
    a masked value is an empty bar marked « s »."""
    fig = go.Figure()
    if shown["hours_planned"].notna().any():
        fig.add_bar(y=shown["row_label"], x=shown["hours_planned"], name="Heures prévues", orientation="h",
                    marker_color=PLANNED, hovertemplate="%{x:,.0f} h prévues<extra></extra>")
    fig.add_bar(y=shown["row_label"], x=shown["hours_worked"].fillna(0), name="Heures réalisées", orientation="h",
                marker_color=WORKED, text=["s" if m else "" for m in shown["is_masked"].fillna(False)],
                textposition="outside", hovertemplate="%{x:,.0f} h réalisées<extra></extra>")
    fig.update_layout(barmode="group", xaxis=dict(title="Heures"), yaxis=dict(title=None))
    return fig


def participants_by_value(shown: pd.DataFrame) -> go.Figure:
    """Participants per breakdown value, horizontal bars with their count (« s » when masked)."""
    fig = go.Figure(go.Bar(
        y=shown["row_label"], x=shown["n_participants"].fillna(0), orientation="h", marker_color=WORKED,
        text=["s" if m else fmt.integer(v) for v, m in zip(shown["n_participants"], shown["is_masked"].fillna(False))],
        textposition="outside", hovertemplate="%{x:,.0f} participants<extra></extra>",
    ))
    fig.update_layout(xaxis=dict(title="Participants"), yaxis=dict(title=None), showlegend=False)
    return fig


def paths_by_year(rows: pd.DataFrame) -> go.Figure:
    """Average path length per entry year (bars) and, where the mart publishes it, the pooled share
    (line, right axis)."""
    fig = go.Figure()
    fig.add_bar(x=rows["row_label"], y=rows["avg_path_months"], name="Durée moyenne (mois)",
                marker_color=WORKED, hovertemplate="%{y:.1f} mois<extra></extra>")
    # shares are published on a cut's total row only (docs/secrecy.md): a pooled share per row
    # would publish a two-attribute count, so the line is drawn only where the mart gives one
    has_pooled = bool(rows["pooled_share"].notna().any())
    if has_pooled:
        fig.add_scatter(x=rows["row_label"], y=rows["pooled_share"] * 100,
                        name="Parcours mutualisés (échelle de droite)", yaxis="y2", mode="lines+markers",
                        line=dict(color=RED, width=3), hovertemplate="%{y:,.1f} %<extra></extra>")
    fig.update_layout(xaxis=dict(type="category", title="Année d'entrée en parcours"),
                      yaxis=dict(title="Mois"),
                      **({"yaxis2": dict(title="Part", overlaying="y", side="right", **fmt.PCT_AXIS,
                                         rangemode="tozero")} if has_pooled else {}))
    return fig


def exit_categories(total: pd.Series) -> go.Figure:
    """The leavers of the total row stacked by exit category (« s » for a masked category)."""
    fig = go.Figure()
    for key, name, color in EXIT_CATEGORIES:
        v = total.get(key)
        fig.add_bar(y=["Sortants"], x=[0 if fmt.is_null(v) else v], name=name, orientation="h", marker_color=color,
                    text=["s" if fmt.is_null(v) else fmt.integer(v)], textposition="inside",
                    hovertemplate=f"{name} : %{{x:,.0f}}<extra></extra>")
    fig.update_layout(barmode="stack", xaxis=dict(title="Sortants"), yaxis=dict(visible=False),
                      legend=dict(traceorder="normal"))
    return fig


def exit_rates(shown: pd.DataFrame, overall_rate) -> go.Figure:
    """Dynamic exit rate per breakdown value with its 95 % interval; a fragile rate is a hollow dot;
    the rate of the whole selection as a dotted line."""
    rate = shown["dynamic_exit_rate"]
    fragile = [reliability.is_fragile(r) for _, r in shown.iterrows()]
    fig = go.Figure(go.Scatter(
        x=rate * 100, y=shown["row_label"], mode="markers",
        marker=dict(size=11, color=["#FFFFFF" if f else WORKED for f in fragile],
                    line=dict(color=WORKED, width=2)),
        error_x=dict(type="data", symmetric=False, array=((shown["ci_high"] - rate) * 100).tolist(),
                     arrayminus=((rate - shown["ci_low"]) * 100).tolist(), color=ACCENT, thickness=2),
        customdata=shown[["n_known", "n_unknown"]].fillna(-1),
        hovertemplate="%{x:,.1f} % (IC 95 %)<br>%{customdata[0]:,.0f} sortants connus<extra></extra>",
    ))
    if not fmt.is_null(overall_rate):
        fig.add_vline(x=overall_rate * 100, line_dash="dot", line_color=RED,
                      annotation_text=f"Ensemble : {fmt.percent(overall_rate)}")
    fig.update_layout(xaxis=dict(**fmt.PCT_AXIS, range=[0, 100], title="Taux de sortie dynamique"),
                      yaxis=dict(title=None, autorange="reversed"), showlegend=False)
    return fig
