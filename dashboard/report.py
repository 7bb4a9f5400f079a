"""The steering-committee report: one self-contained French HTML document (no script, no network)
for a perimeter (an operation or a territory) and a period, and the same document as a PDF
(WeasyPrint, server-side).

Sections, one A4 page each in print and PDF: key figures (people, hours), hours by year, exits at
the end of the path and at +6 months (categories, durable jobs, dynamic rate with its 95 % interval
drawn as an error bar, reliability warnings), ANRU floors (mart_anru_floors, as on *Objectifs*), change since the previous
period of the same length and the region for comparison, and what is masked and why.

Every figure is a mart's published value: masked cells stay "s" (docs/secrecy.md). A difference
with the previous period is shown only when both values are shown (else "s": a difference with a
masked value would give it back). Text from files (names of operations, landlords) is escaped.
`render(...)` takes the marts' rows; the page (pages/rapport.py) fetches them.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import pandas as pd

from dashboard import formatting as fmt
from dashboard import glossary, reliability
from dashboard.breakdowns import split
from dashboard.tables import Col, cell, present

CSS = """
@page { size: A4; margin: 14mm 14mm 16mm;
        @bottom-left { content: string(doc-title); font-size: 9px; color: #555; }
        @bottom-right { content: "page " counter(page) " / " counter(pages); font-size: 9px; color: #555; } }
body { font-family: Marianne, Arial, "DejaVu Sans", sans-serif; color: #161616; margin: 24px auto; max-width: 900px;
       font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; color: #000091; string-set: doc-title content(); }
h2 { font-size: 16px; border-bottom: 2px solid #000091; padding-bottom: 3px; margin-top: 24px; }
h2, h3, .lead { break-after: avoid; page-break-after: avoid; }
section.page { break-after: page; page-break-after: always; }
section.page:last-of-type { break-after: auto; page-break-after: auto; }
table, .kpis, .bar, .rate, .warn, figure { break-inside: avoid; page-break-inside: avoid; }
tr { break-inside: avoid; }
.scope { color: #3A3A3A; margin-bottom: 12px; }
.demo { background: #FFF4D6; border: 1px solid #E8A200; padding: 6px 10px; margin: 8px 0; }
.warn { background: #FFE9E6; border-left: 4px solid #CE0500; padding: 6px 10px; margin: 6px 0; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
.kpi { border: 1px solid #DDD; padding: 8px; display: inline-block; width: 22%; margin: 0 1% 8px 0;
       vertical-align: top; box-sizing: border-box; }
.kpis .kpi { width: auto; margin: 0; }
.kpi .v { font-size: 20px; font-weight: bold; color: #000091; }
.kpi .l { font-size: 12px; color: #3A3A3A; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid #DDD; padding: 3px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #F0F0F8; }
.bar { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.bar .lab { width: 190px; } .bar .track { flex: 1; background: #F0F0F0; height: 14px; }
.bar .fill { background: #000091; height: 14px; } .bar .num { width: 110px; text-align: right; }
.rate { display: flex; align-items: center; gap: 6px; margin: 4px 0; }
.rate .lab { width: 190px; } .rate .num { width: 190px; text-align: right; }
.rate .track { flex: 1; position: relative; height: 16px; background: #F6F6F6; border-left: 1px solid #999;
               border-right: 1px solid #999; }
.rate .ci { position: absolute; top: 7px; height: 2px; background: #6A6AF4; }
.rate .ci-end { position: absolute; top: 3px; width: 1px; height: 10px; background: #6A6AF4; }
.rate .dot { position: absolute; top: 3px; width: 10px; height: 10px; margin-left: -5px; border-radius: 5px;
             background: #000091; }
.rate .dot.fragile { background: #FFFFFF; border: 2px solid #000091; width: 6px; height: 6px; }
.note { font-size: 11px; color: #555; }
.print { margin: 8px 0; }
@media print { .print { display: none; } body { margin: 0; max-width: none; } }
"""

TIMEPOINTS = {"end": "en fin de parcours", "6m": "6 mois après la sortie"}
DEFINITIONS = {"broad": "définition large (CDI, CDD ou intérim de 6 mois et plus, fonction publique, création "
                        "d'entreprise)",
               "strict": "définition stricte (CDI ou CDD de 6 mois et plus)"}
# the outcome categories of a leaver (data/reference/codes.csv), as columns of mart_exits
EXIT_CATEGORIES = [(f"n_{code}", label) for code, label in glossary.OUTCOME_CATEGORY.items() if code != "ongoing"]


@dataclass
class Figures:
    """The total rows of the people marts for one perimeter and one period."""

    label: str
    hours: pd.Series | None = None
    participants: pd.Series | None = None
    exits: dict = field(default_factory=dict)  # timepoint -> mart_exits total row

    @classmethod
    def of(cls, label: str, hours_total: pd.DataFrame, participants_total: pd.DataFrame,
           exits_total: dict[str, pd.DataFrame]) -> "Figures":
        return cls(label, split(hours_total)[1], split(participants_total)[1],
                   {tp: split(df)[1] for tp, df in exits_total.items()})


# one line of the comparison table: (label, source, timepoint, column, kind)
COMPARED = [
    ("Participants", "participants", None, "n_participants", "int"),
    ("Heures prévues", "hours", None, "hours_planned", "hours"),
    ("Heures réalisées", "hours", None, "hours_worked", "hours"),
    ("Taux de réalisation", "hours", None, "realisation_rate", "pct"),
    ("Sortants (fin de parcours)", "exits", "end", "n_leavers", "int"),
    ("Emploi durable (fin de parcours)", "exits", "end", "n_durable", "int"),
    ("Taux de sortie dynamique (fin de parcours)", "exits", "end", "dynamic_exit_rate", "pct"),
    ("Sortants (à 6 mois)", "exits", "6m", "n_leavers", "int"),
    ("Emploi durable (à 6 mois)", "exits", "6m", "n_durable", "int"),
    ("Taux de sortie dynamique (à 6 mois)", "exits", "6m", "dynamic_exit_rate", "pct"),
]


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _row(fig: Figures | None, source: str, timepoint: str | None):
    if fig is None:
        return None
    return fig.exits.get(timepoint) if source == "exits" else getattr(fig, source)


def _value(row, key):
    if row is None:
        return None
    v = row.get(key)
    return None if fmt.is_null(v) else float(v)


def _is_masked(row, key) -> bool:
    """The mart withholds this value (as `cell` reads it: "s")."""
    return row is not None and cell(row, key, "int") == fmt.MASK


def difference(current, previous, key: str, kind: str) -> str:
    """Current minus previous in French, "s" when either side is masked (a difference with a
    masked value would give the masked value back), "—" when either is missing."""
    if _is_masked(current, key) or _is_masked(previous, key):
        return fmt.MASK
    a, b = _value(current, key), _value(previous, key)
    if a is None or b is None:
        return fmt.MISSING
    d = a - b
    sign = "+" if d > 0 else ("−" if d < 0 else "")
    if kind == "pct":
        return f"{sign}{fmt.number(abs(d) * 100, 1)}\u00a0pt"
    if kind == "hours":
        return f"{sign}{fmt.hours(abs(d))}"
    return f"{sign}{fmt.integer(abs(d))}"


def with_interval_masks(df: pd.DataFrame) -> pd.DataFrame:
    """The interval of a masked rate is masked too ("s", not "—"): its width would give the base."""
    if "dynamic_exit_rate_masked" in df.columns:
        df = df.assign(ci_low_masked=df["dynamic_exit_rate_masked"], ci_high_masked=df["dynamic_exit_rate_masked"])
    return df


def _table(df: pd.DataFrame, columns: list[Col], masked: list | None = None) -> str:
    display, _ = present(with_interval_masks(df), columns)
    if display.empty:
        return "<p class='note'>Aucune donnée.</p>"
    if masked is not None:
        masked.append(int((display == fmt.MASK).to_numpy().sum()))
    head = "".join(f"<th>{_e(c)}</th>" for c in display.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in display.itertuples(index=False, name=None))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bars(labels, values, formatter, masked_flags=None) -> str:
    vals = [None if fmt.is_null(v) else float(v) for v in values]
    top = max([v for v in vals if v is not None] or [1]) or 1
    flags = masked_flags or [True] * len(vals)
    out = []
    for lab, v, m in zip(labels, vals, flags):
        width = 0 if v is None else max(0.0, v / top * 100)
        shown = (fmt.MASK if m else fmt.MISSING) if v is None else formatter(v)
        out.append(f"<div class='bar'><span class='lab'>{_e(lab)}</span><span class='track'>"
                   f"<div class='fill' style='width:{width:.1f}%'></div></span><span class='num'>{_e(shown)}</span></div>")
    return "".join(out)


def rate_bars(rows: list[tuple[str, object]]) -> str:
    """Dynamic exit rates on a 0-100 % track, each with its 95 % interval as an error bar; a
    fragile rate (fewer than 30 known exits) is a hollow dot and says "fragile"."""
    out = []
    for label, row in rows:
        rate, lo, hi = _value(row, "dynamic_exit_rate"), _value(row, "ci_low"), _value(row, "ci_high")
        if rate is None:
            shown = cell(row, "dynamic_exit_rate", "pct") if row is not None else fmt.MISSING
            out.append(f"<div class='rate'><span class='lab'>{_e(label)}</span><span class='track'></span>"
                       f"<span class='num'>{_e(shown)}</span></div>")
            continue
        fragile = reliability.is_fragile(row)
        bar = ""
        if lo is not None and hi is not None:
            bar = (f"<span class='ci' style='left:{lo * 100:.1f}%;width:{max(hi - lo, 0) * 100:.1f}%'></span>"
                   f"<span class='ci-end' style='left:{lo * 100:.1f}%'></span>"
                   f"<span class='ci-end' style='left:{hi * 100:.1f}%'></span>")
        shown = f"{fmt.percent(rate)} {fmt.interval(lo, hi)}" + (" — fragile" if fragile else "")
        out.append(f"<div class='rate'><span class='lab'>{_e(label)}</span><span class='track'>{bar}"
                   f"<span class='dot{' fragile' if fragile else ''}' style='left:{rate * 100:.1f}%'></span>"
                   f"</span><span class='num'>{_e(shown)}</span></div>")
    return ("<figure style='margin:6px 0'>" + "".join(out) +
            "<figcaption class='note'>Point : taux de sortie dynamique ; trait : son intervalle de confiance à "
            "95 % (Wilson) ; point creux : taux fragile (moins de "
            f"{reliability.MIN_KNOWN} sortants de situation connue).</figcaption></figure>")


def _kpi(label: str, value: str) -> str:
    return f"<div class='kpi'><div class='v'>{_e(value)}</div><div class='l'>{_e(label)}</div></div>"


def _warnings(row, when: str) -> str:
    return "".join(f"<div class='warn'>{_e(w)}</div>" for w in reliability.warnings(row, when))


EXIT_COLUMNS = [Col("row_label", "Valeur"), Col("n_leavers", "Sortants", "int"), Col("n_known", "Connus", "int"),
                Col("n_durable", glossary.OUTCOME_CATEGORY["durable"], "int"),
                Col("n_dynamic", "Sorties dynamiques", "int"),
                Col("dynamic_exit_rate", "Taux", "pct"), Col("ci_low", "IC bas", "pct"),
                Col("ci_high", "IC haut", "pct")]


def masking_paragraph(threshold: int, n_masked: int, reasons: list[str]) -> str:
    """What is masked in this report and why, in plain French."""
    text = (f"Les chiffres sur les personnes (participants, heures réalisées, sorties) viennent des suivis "
            f"d'exécution des clauses : ils sont soumis au secret statistique. Une case qui compte de 1 à "
            f"{threshold - 1} personnes est remplacée par « s » (de 1 à 10 pour un public sensible – RQTH, RSA, "
            "ASS, AAH – croisé avec une commune, un quartier prioritaire ou une opération), ainsi que les "
            "cases qui permettraient de la recalculer par différence (masquage secondaire) ; un taux n'est "
            "donné que si son numérateur et son complément sont publiés. Une évolution par rapport à la "
            "période précédente n'est donnée que si les deux valeurs le sont. ")
    if n_masked:
        text += (f"Dans ce rapport, {fmt.integer(n_masked)} valeur{'s' if n_masked > 1 else ''} "
                 f"{'sont masquées' if n_masked > 1 else 'est masquée'} pour ces raisons. ")
    else:
        text += "Aucune valeur de ce rapport n'est masquée. "
    text += ("Les chiffres ne sont publiés que pour toutes les années ou une seule année, avec au plus un autre "
             "filtre (périmètre), pour qu'une soustraction entre deux tableaux ne révèle personne.")
    out = f"<p>{_e(text)}</p>"
    for reason in dict.fromkeys(r for r in reasons if r):
        out += f"<div class='warn'>{_e(reason)}</div>"
    return out


ANRU_KINDS = {"investment": "Investissement", "gup": "GUP"}
ANRU_COLUMNS = [
    Col("operation_name", "Opération"), Col("buyer_name", "Maître d'ouvrage"), Col("kind_label", "Type de lots"),
    Col("estimated_hours", "Heures travaillées estimées", "hours"), Col("floor_share", "Plancher (part)", "pct"),
    Col("floor_hours", "Plancher (h)", "hours"), Col("qpv_hours", "Heures des résidents QPV", "hours"),
    Col("qpv_share", "Part QPV", "pct"), Col("verdict", "Plancher"),
]


def anru_verdict(row) -> str:
    """« Plancher atteint », « Sous le plancher », « Non calculable », or "s" when the QPV hours are masked."""
    if not bool(row.get("is_computable")):
        return "Non calculable"
    meets = row.get("meets_floor")
    if fmt.is_null(meets):
        return fmt.MASK if bool(row.get("is_masked")) else fmt.MISSING
    return "Plancher atteint" if bool(meets) else "Sous le plancher"


def anru_rows(floors: pd.DataFrame) -> pd.DataFrame:
    """mart_anru_floors' rows as the report lists them: in the mart's order, total rows last, with the
    kind of lots and the verdict in French (every figure is the mart's, masked values stay masked)."""
    df = floors.sort_values("sort_key") if "sort_key" in floors.columns else floors
    # procurement figures are public, never masked: a missing floor is "not computable" ("—"), not "s"
    return df.assign(kind_label=df["lot_kind"].map(ANRU_KINDS),
                     verdict=[anru_verdict(r) for _, r in df.iterrows()],
                     estimated_hours_masked=False, floor_share_masked=False, floor_hours_masked=False)


def render(*, title: str, scope: str, info: dict, hours_by_year: pd.DataFrame,
           exits_by_public: pd.DataFrame, exits_by_gender: pd.DataFrame, anru_floors: pd.DataFrame | None,
           threshold: int, current: Figures | None = None, definition: str = "broad",
           previous: Figures | None = None, previous_note: str | None = None, region: Figures | None = None,
           printed: dt.date | None = None, hours_total: pd.DataFrame | None = None,
           participants_total: pd.DataFrame | None = None, exits_total: pd.DataFrame | None = None) -> str:
    """The report as one HTML document (sections = A4 pages when printed). `current` holds the
    perimeter's total rows; `hours_total`, `participants_total`, `exits_total` (end of path only)
    may be given instead. `anru_floors`: the rows of mart_anru_floors for the perimeter (the figures
    *Objectifs* shows)."""
    printed = printed or dt.date.today()
    if current is None:
        empty = pd.DataFrame()
        current = Figures.of("Période", hours_total if hours_total is not None else empty,
                             participants_total if participants_total is not None else empty,
                             {"end": exits_total if exits_total is not None else empty})
    masked: list[int] = []  # count of "s" shown, section by section
    h, p = current.hours, current.participants
    x_end, x_6m = current.exits.get("end"), current.exits.get("6m")

    def c(row, key, kind):
        v = cell(row, key, kind)
        if v == fmt.MASK:
            masked.append(1)
        return v

    built = info.get("built_at")
    parts = [f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{_e(title)}</title>"
             f"<style>{CSS}</style></head><body>",
             "<div class='print'><button onclick='window.print()'>Imprimer ce rapport</button></div>",
             "<section class='page'>",
             f"<h1>{_e(title)}</h1><div class='scope'>{_e(scope)}<br>Édité le {_e(fmt.date(printed, long=True))} · "
             f"base de données du {_e(fmt.date(built, long=True) if built else fmt.MISSING)}</div>"]
    if "démonstration" in (info.get("data_label") or ""):
        parts.append("<div class='demo'><b>Données de démonstration</b> : acheteurs, entreprises et personnes "
                     "fictifs. Ces chiffres ne décrivent pas la région.</div>")
    parts.append("<h2>Chiffres clés</h2><div class='kpis'>")
    parts.append(_kpi("Participants", c(p, "n_participants", "int")))
    parts.append(_kpi("Heures prévues", c(h, "hours_planned", "hours")))
    parts.append(_kpi("Heures réalisées", c(h, "hours_worked", "hours")))
    parts.append(_kpi("Taux de réalisation", c(h, "realisation_rate", "pct")))
    parts.append(_kpi("Équivalents temps plein", c(h, "fte", "fte")))
    parts.append(_kpi("Part de femmes", c(p, "women_share", "pct")))
    parts.append(_kpi("Résidents QPV", c(p, "qpv_share", "pct")))
    parts.append(_kpi("Emploi durable à 6 mois", c(x_6m, "n_durable", "int")))
    parts.append(_kpi("Taux de sortie dynamique (fin)", c(x_end, "dynamic_exit_rate", "pct")))
    parts.append(_kpi("Taux de sortie dynamique (6 mois)", c(x_6m, "dynamic_exit_rate", "pct")))
    parts.append("</div>")
    parts.append(f"<p class='note'>Emploi durable : {_e(DEFINITIONS.get(definition, definition))}.</p>")
    parts.append("</section>")

    rows, _ = split(hours_by_year)
    parts.append("<section class='page'><h2>Heures prévues et réalisées par année</h2>")
    if len(rows):
        flags = rows.get("hours_worked_masked", rows.get("is_masked", pd.Series([True] * len(rows))))
        parts.append(_bars(rows["row_label"], rows["hours_worked"], fmt.hours,
                           [bool(v) if not fmt.is_null(v) else False for v in flags]))
    parts.append(_table(rows, [Col("row_label", "Année"), Col("hours_planned", "Heures prévues", "hours"),
                               Col("hours_worked", "Heures réalisées", "hours"),
                               Col("realisation_rate", "Taux de réalisation", "pct"),
                               Col("n_participants", "Participants", "int")], masked))
    parts.append("</section>")

    parts.append("<section class='page'><h2>Sorties en fin de parcours et à 6 mois</h2>")
    head = "".join(f"<th>{_e(t)}</th>" for t in ("", "Fin de parcours", "6 mois après"))
    lines = [("Sortants", "n_leavers", "int"), ("Situation connue", "n_known", "int"),
             *[(lab, key, "int") for key, lab in EXIT_CATEGORIES],
             ("Taux de sortie dynamique", "dynamic_exit_rate", "pct")]
    body = "".join(f"<tr><td>{_e(lab)}</td><td>{_e(c(x_end, key, kind))}</td><td>{_e(c(x_6m, key, kind))}</td></tr>"
                   for lab, key, kind in lines)
    body += (f"<tr><td>Intervalle de confiance à 95 %</td><td>{_e(_interval(x_end))}</td>"
             f"<td>{_e(_interval(x_6m))}</td></tr>")
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append(f"<p class='note'>Emploi durable selon la {_e(DEFINITIONS.get(definition, definition))}. "
                 "Taux de sortie dynamique = (emploi durable + emploi de transition + sortie positive) / sortants "
                 "de situation connue ; les situations inconnues n'entrent pas dans le taux.</p>")
    parts.append(_warnings(x_end, "en fin de parcours") + _warnings(x_6m, "à 6 mois"))
    parts.append(rate_bars([("Fin de parcours", x_end), ("6 mois après", x_6m)]))
    for label, df in (("par public (une personne compte dans chacun de ses publics)", exits_by_public),
                      ("par sexe", exits_by_gender)):
        r, _ = split(df)
        parts.append(f"<h3>Taux de sortie dynamique en fin de parcours {_e(label)}</h3>" +
                     _table(r, EXIT_COLUMNS, masked))
    parts.append("</section>")

    parts.append("<section class='page'><h2>Planchers ANRU</h2>")
    if anru_floors is not None and len(anru_floors):
        parts.append(_table(anru_rows(anru_floors), ANRU_COLUMNS, masked))
        parts.append("<p class='note'>Planchers de la charte nationale d'insertion de l'ANRU (NPNRU) : au moins 5 % "
                     "des heures travaillées sur les lots d'investissement et 10 % sur les lots de gestion urbaine "
                     "de proximité (GUP) vont à des habitants des quartiers prioritaires (QPV). Heures travaillées "
                     "estimées par la grille d'heures (montant × part de main-d'œuvre / coût horaire) ; part QPV = "
                     "heures des résidents QPV / heures travaillées estimées. Mêmes chiffres que la page "
                     "Objectifs.</p>")
    else:
        parts.append("<p class='note'>Aucun lot d'investissement ni de GUP dans ce périmètre.</p>")
    parts.append("</section>")

    parts.append("<section class='page'><h2>Évolution et comparaison régionale</h2>")
    if previous_note:
        parts.append(f"<p class='lead'>{_e(previous_note)}</p>")
    heads = ["Indicateur", current.label]
    if previous is not None:
        heads += [previous.label, "Évolution"]
    if region is not None:
        heads.append(region.label)
    body = ""
    for label, source, tp, key, kind in COMPARED:
        cur = _row(current, source, tp)
        tds = [label, c(cur, key, kind)]
        if previous is not None:
            prev = _row(previous, source, tp)
            tds += [c(prev, key, kind), difference(cur, prev, key, kind)]
            if tds[-1] == fmt.MASK:
                masked.append(1)
        if region is not None:
            tds.append(c(_row(region, source, tp), key, kind))
        body += "<tr>" + "".join(f"<td>{_e(t)}</td>" for t in tds) + "</tr>"
    parts.append("<table><thead><tr>" + "".join(f"<th>{_e(t)}</th>" for t in heads) +
                 f"</tr></thead><tbody>{body}</tbody></table>")
    if region is not None:
        parts.append(rate_bars([(f"{current.label} — fin", x_end), (f"{region.label} — fin", region.exits.get("end")),
                                (f"{current.label} — 6 mois", x_6m),
                                (f"{region.label} — 6 mois", region.exits.get("6m"))]))
    parts.append("</section>")

    reasons = [str(r.get("mask_reason")) for r in (h, p, x_end, x_6m)
               if r is not None and not fmt.is_null(r.get("mask_reason"))]
    parts.append("<section class='page'><h2>Ce qui est masqué et pourquoi</h2>")
    parts.append(masking_paragraph(threshold, sum(masked), reasons))
    parts.append("<p class='note'>Source : observatoire régional des clauses sociales d'insertion, DREETS "
                 "Hauts-de-France ; marchés publics (DECP) et suivis d'exécution des facilitateurs.</p>")
    parts.append("</section></body></html>")
    return "".join(parts)


def _interval(row) -> str:
    if row is None:
        return fmt.MISSING
    masked = fmt.is_null(row.get("dynamic_exit_rate")) and cell(row, "dynamic_exit_rate", "pct") == fmt.MASK
    return fmt.interval(row.get("ci_low"), row.get("ci_high"), masked=masked)


def _no_fetch_class():
    """A WeasyPrint URL fetcher that fetches nothing: the report is self-contained, and no name
    read from a file can make the server open a URL or a local file (WeasyPrint logs the refusal
    and renders without the resource)."""
    from weasyprint import URLFetcher

    class NoFetch(URLFetcher):
        def fetch(self, url, headers=None):  # noqa: ARG002
            raise ValueError(f"ressource externe refusée : {url[:80]}")

    return NoFetch


def to_pdf(doc: str) -> bytes:
    """The report's HTML as an A4 PDF (WeasyPrint, print media: no print button)."""
    from weasyprint import HTML

    return HTML(string=doc, base_url=None, url_fetcher=_no_fetch_class()()).write_pdf()


def pdf_available() -> str | None:
    """None when PDFs can be made, else why not (French)."""
    try:
        import weasyprint  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - missing package or system libraries (pango)
        return ("L'export PDF n'est pas disponible sur ce serveur (WeasyPrint ou ses bibliothèques pango "
                f"manquent : {str(exc)[:120]}). Utilisez le fichier HTML et « Enregistrer au format PDF ».")
    return None
