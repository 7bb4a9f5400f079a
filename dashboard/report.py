"""The printable steering-committee report: one self-contained French HTML page (no script, no
network) for an operation or territory and a period, with its key figures, bar charts drawn in CSS
and tables. Masked cells stay "s". `render(...)` takes the marts' rows; the page fetches them.
"""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from dashboard import formatting as fmt
from dashboard import glossary
from dashboard.breakdowns import split
from dashboard.tables import Col, cell, present

CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: Marianne, Arial, sans-serif; color: #161616; margin: 24px auto; max-width: 900px; font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; color: #000091; }
h2 { font-size: 16px; border-bottom: 2px solid #000091; padding-bottom: 3px; margin-top: 24px; }
.scope { color: #3A3A3A; margin-bottom: 12px; }
.demo { background: #FFF4D6; border: 1px solid #E8A200; padding: 6px 10px; margin: 8px 0; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
.kpi { border: 1px solid #DDD; padding: 8px; }
.kpi .v { font-size: 20px; font-weight: bold; color: #000091; }
.kpi .l { font-size: 12px; color: #3A3A3A; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid #DDD; padding: 3px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #F0F0F8; }
.bar { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.bar .lab { width: 190px; } .bar .track { flex: 1; background: #F0F0F0; height: 14px; }
.bar .fill { background: #000091; height: 14px; } .bar .num { width: 110px; text-align: right; }
.note { font-size: 11px; color: #555; }
.print { margin: 8px 0; }
@media print { .print { display: none; } body { margin: 0; } }
"""


def _e(text) -> str:
    return html.escape(str(text))


def _table(df: pd.DataFrame, columns: list[Col]) -> str:
    display, _ = present(df, columns)
    if display.empty:
        return "<p class='note'>Aucune donnée.</p>"
    head = "".join(f"<th>{_e(c)}</th>" for c in display.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in display.itertuples(index=False, name=None))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bars(labels, values, formatter) -> str:
    vals = [None if fmt.is_null(v) else float(v) for v in values]
    top = max([v for v in vals if v is not None] or [1]) or 1
    out = []
    for lab, v in zip(labels, vals):
        width = 0 if v is None else max(0.0, v / top * 100)
        shown = fmt.MASK if v is None else formatter(v)
        out.append(f"<div class='bar'><span class='lab'>{_e(lab)}</span><span class='track'>"
                   f"<div class='fill' style='width:{width:.1f}%'></div></span><span class='num'>{_e(shown)}</span></div>")
    return "".join(out)


def _kpi(label: str, value: str) -> str:
    return f"<div class='kpi'><div class='v'>{_e(value)}</div><div class='l'>{_e(label)}</div></div>"


def render(*, title: str, scope: str, info: dict, hours_total: pd.DataFrame, hours_by_year: pd.DataFrame,
           participants_total: pd.DataFrame, exits_total: pd.DataFrame, exits_by_public: pd.DataFrame,
           exits_by_gender: pd.DataFrame, targets: pd.DataFrame | None, threshold: int,
           printed: dt.date | None = None) -> str:
    """The report as one HTML document."""
    printed = printed or dt.date.today()
    _, h = split(hours_total)
    _, p = split(participants_total)
    _, x = split(exits_total)
    parts = [f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{_e(title)}</title>"
             f"<style>{CSS}</style></head><body>",
             "<div class='print'><button onclick='window.print()'>Imprimer ce rapport</button></div>",
             f"<h1>{_e(title)}</h1><div class='scope'>{_e(scope)}<br>Édité le {_e(fmt.date(printed, long=True))} · "
             f"base du {_e(fmt.date(info.get('built_at'), long=True) if info.get('built_at') else '—')}</div>"]
    if "démonstration" in (info.get("data_label") or ""):
        parts.append("<div class='demo'><b>Données de démonstration</b> : acheteurs, entreprises et personnes "
                     "fictifs. Ces chiffres ne décrivent pas la région.</div>")
    parts.append("<h2>Chiffres clés</h2><div class='kpis'>")
    parts.append(_kpi("Heures réalisées", cell(h, "hours_worked", "hours")))
    parts.append(_kpi("Heures prévues", cell(h, "hours_planned", "hours")))
    parts.append(_kpi("Taux de réalisation", cell(h, "realisation_rate", "pct")))
    parts.append(_kpi("Équivalents temps plein", cell(h, "fte", "fte")))
    parts.append(_kpi("Participants", cell(p, "n_participants", "int")))
    parts.append(_kpi("Part de femmes", cell(p, "women_share", "pct")))
    parts.append(_kpi("Résidents QPV", cell(p, "qpv_share", "pct")))
    parts.append(_kpi("Taux de sortie dynamique", cell(x, "dynamic_exit_rate", "pct")))
    parts.append("</div>")
    if x is not None:
        parts.append(f"<p class='note'>Taux de sortie dynamique en fin de parcours : intervalle de confiance à 95 % "
                     f"{_e(fmt.interval(x.get('ci_low'), x.get('ci_high')))}, sur {_e(cell(x, 'n_known', 'int'))} "
                     f"sortants de situation connue ({_e(cell(x, 'n_unknown', 'int'))} inconnus).</p>")

    rows, _ = split(hours_by_year)
    parts.append("<h2>Heures réalisées par année</h2>")
    if len(rows):
        parts.append(_bars(rows["row_label"], rows["hours_worked"], fmt.hours))
    parts.append(_table(rows, [Col("row_label", "Année"), Col("hours_planned", "Heures prévues", "hours"),
                               Col("hours_worked", "Heures réalisées", "hours"),
                               Col("realisation_rate", "Taux de réalisation", "pct"),
                               Col("n_participants", "Participants", "int")]))

    parts.append("<h2>Sorties en fin de parcours</h2>")
    if x is not None:
        cats = [(f"n_{c}", label) for c, label in glossary.OUTCOME_CATEGORY.items() if c != "ongoing"]
        parts.append(_bars([c[1] for c in cats], [None if bool(x.get("is_masked")) and fmt.is_null(x.get(c[0]))
                                                  else (x.get(c[0]) if not fmt.is_null(x.get(c[0])) else None)
                                                  for c in cats], fmt.integer))
    exit_cols = [Col("row_label", "Valeur"), Col("n_leavers", "Sortants", "int"), Col("n_known", "Connus", "int"),
                 Col("n_dynamic", "Sorties dynamiques", "int"), Col("dynamic_exit_rate", "Taux", "pct"),
                 Col("ci_low", "IC bas", "pct"), Col("ci_high", "IC haut", "pct")]
    for label, df in (("par public (une personne compte dans chacun de ses publics)", exits_by_public),
                      ("par sexe", exits_by_gender)):
        r, _ = split(df)
        parts.append(f"<p><b>Taux de sortie dynamique {label}</b></p>" + _table(r, exit_cols))

    if targets is not None and len(targets):
        parts.append("<h2>Plancher ANRU</h2>")
        parts.append(_table(targets.sort_values("sort_key") if "sort_key" in targets.columns else targets, [
            Col("operation_name", "Opération"), Col("buyer_name", "Maître d'ouvrage"),
            Col("anru_floor_hours", "Plancher (h)", "hours"), Col("hours_worked_qpv", "Heures QPV réalisées", "hours"),
            Col("anru_floor_rate", "Atteinte", "pct"), Col("hours_planned", "Heures prévues", "hours"),
            Col("hours_worked", "Heures réalisées", "hours")]))
    parts.append(f"<p class='note'>« s » : valeur masquée (secret statistique, moins de {threshold} personnes, ou "
                 "masquage secondaire). Taux de sortie dynamique = (emploi durable + transition + sortie positive) "
                 "/ sortants de situation connue. Source : observatoire régional des clauses sociales, DREETS "
                 "Hauts-de-France.</p></body></html>")
    return "".join(parts)
