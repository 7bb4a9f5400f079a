"""Objectifs: ANRU floors and custom targets per operation and maître d'ouvrage, with progress."""
from __future__ import annotations

import streamlit as st

from dashboard import db, filters, policy, ui
from dashboard import market_charts as charts
from dashboard import market_parts as parts
from dashboard import text as txt
from dashboard import formatting as fmt
from dashboard.tables import Col, cell

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Objectifs",
    "Deux questions : **l'objectif d'heures sera-t-il atteint à temps**, au rythme récent ? Et les "
    "**planchers de la charte nationale d'insertion de l'ANRU (NPNRU)** sont-ils respectés : au moins 5 % "
    "des heures travaillées sur les opérations d'investissement et 10 % de celles des marchés de gestion "
    "urbaine de proximité (GUP) vont à des habitants des quartiers prioritaires. Les heures travaillées de "
    "chaque lot sont estimées avec la grille d'heures (montant × part de main-d'œuvre du corps d'état / "
    "coût horaire).",
)
f = filters.current()

STATUS = {  # mart_burnup_status.track_status -> (badge, colour)
    "ahead": ("En avance", "green"), "on_time": ("Dans les temps", "blue"), "late": ("En retard", "orange"),
    "reached": ("Objectif atteint", "green"), "no_deadline": ("Sans échéance", "gray"),
}
KIND = {"investment": "Investissement", "gup": "GUP"}


def _months(n) -> str:
    n = int(n)
    return f"{n}\u00a0mois"


def _status_text(s) -> str:
    """The French explanation of a burn-up status row (mart_burnup_status)."""
    objective = fmt.hours(s["objective_hours"])
    if s["objective_source"] == "target":
        source = (f"Objectif du fichier d'objectifs « {txt.md(s['objective_label'])} » : {objective} du "
                  f"{fmt.date(s['period_start'])} au {fmt.date(s['period_end'])} (heures des lignes commencées "
                  "dans la période).")
    else:
        source = (f"Pas d'objectif pour ce périmètre dans le fichier d'objectifs : la ligne d'objectif est la somme "
                  f"des heures prévues de ses lots ({objective}), sans échéance.")
    done = (f"À fin {fmt.month(s['anchor_month'])} : {fmt.hours(s['anchor_hours'])} réalisées, "
            f"{fmt.percent(s['progress_rate'], 0)} de l'objectif.")
    pace = s["hours_per_month"]
    window = (f"Rythme récent : {fmt.hours(pace)} par mois, de fin {fmt.month(s['window_start'])} à fin "
              f"{fmt.month(s['window_end'])} ({_months(s['window_months_used'])}"
              + ("" if int(s["window_months_used"]) == 6 else " : la fenêtre de 6 mois est prise entre deux points "
                 "publiés") + ").")
    status = s["track_status"]
    if status == "reached":
        verdict = "L'objectif est atteint."
    elif fmt.is_null(s["reach_month"]):
        verdict = "Aucune heure sur la période récente : à ce rythme, l'objectif ne serait pas atteint. En retard."
    else:
        verdict = f"À ce rythme, l'objectif serait atteint en {fmt.month(s['reach_month'])}"
        if status == "no_deadline":
            verdict += " (pas d'échéance pour juger de l'avance ou du retard)."
        else:
            late = int(s["months_late"])
            deadline = fmt.month(s["period_end"])
            if late > 0:
                verdict += f", {_months(late)} après l'échéance ({deadline}) : **en retard**."
            elif status == "ahead":
                verdict += f", {_months(-late)} avant l'échéance ({deadline}) : **en avance** (6 mois ou plus)."
            else:
                verdict += (f", d'ici l'échéance ({deadline}) : **dans les temps** "
                            "(en avance à partir de 6 mois de marge).")
    return " ".join([source, done, window, verdict])


def _landlord_picker() -> None:
    """No scope chosen: a landlord picker that sets the sidebar's filter (one landlord state)."""
    landlords = filters.landlords()
    if not landlords:
        return

    def _to_sidebar() -> None:
        st.session_state[filters.KEYS["landlord"]] = st.session_state["o_landlord"]

    st.selectbox("Bailleur", list(landlords), index=None, format_func=lambda v: landlords.get(v, v),
                 key="o_landlord", on_change=_to_sidebar, placeholder="Choisir un bailleur…",
                 help="Le même choix que le filtre « Bailleur social » du panneau de gauche.")


st.subheader("Trajectoire vers l'objectif d'heures")
if ui.need("mart_burnup", "mart_burnup_status"):
    ui.ignored_filters_note("mart_burnup", f)
    try:
        status = db.mart("mart_burnup_status", filters=f)
    except policy.Denied as exc:  # a committee of territories: no operation or landlord chosen
        status = None
        st.info(exc.message + " La trajectoire porte sur une opération ou un bailleur.", icon=":material/lock:")
    if status is None:
        pass
    elif f.landlord is None and f.operation is None and status.empty:
        st.info("Choisissez un bailleur (ou une opération) dans le panneau de gauche pour voir sa trajectoire : "
                "heures réalisées cumulées mois par mois, objectif, projection au rythme récent.")
        _landlord_picker()
    elif status.empty:
        ui.empty("Ni objectif ni heures réalisées pour ce périmètre.")
    else:
        s = status.iloc[0]
        if s["track_status"] == "masked":
            st.markdown(f"Heures réalisées : **{fmt.MASK}**")
            st.caption("Trajectoire non publiée (secret statistique) : les heures de ce périmètre reposent sur moins "
                       "de 5 personnes, ou sur un ensemble de personnes déjà masqué ailleurs (voir la page Méthode).")
        elif s["track_status"] == "no_objective":
            ui.empty("Pas d'objectif pour ce périmètre : ni dans le fichier d'objectifs, ni en heures prévues.")
        else:
            badge, colour = STATUS[s["track_status"]]
            parts.kpi_row(
                ("Situation", badge),
                ("Heures réalisées", fmt.hours(s["anchor_hours"]), f"Cumul à fin {fmt.month(s['anchor_month'])}."),
                ("Objectif", fmt.hours(s["objective_hours"])),
                ("Atteint en (projection)", fmt.month(s["reach_month"])))
            st.markdown(f":{colour}-badge[{badge}] " + _status_text(s))
            b = db.mart("mart_burnup", filters=f)
            actual = b[(b["series"] == "actual") & b["is_point"].fillna(False).astype(bool)]
            proj = b[b["projected_hours"].notna()]
            fig = ui.figure(charts.burnup, actual, proj, float(s["objective_hours"]), s["period_end"])
            summary = (f"Heures réalisées cumulées par mois jusqu'à {fmt.month(s['anchor_month'])} "
                       f"({fmt.hours(s['anchor_hours'])}), objectif {fmt.hours(s['objective_hours'])}, projection "
                       f"au rythme de {fmt.hours(s['hours_per_month'])} par mois. Le cumul n'est publié qu'aux mois "
                       "où l'écart avec le point précédent porte sur au moins 5 personnes (secret statistique).")
            ui.chart(fig, summary, b.assign(series=b["series"].map({"actual": "Réalisé", "projection": "Projection"})), [
                Col("month", "Mois", "date"), Col("series", "Série"),
                Col("cumulative_hours", "Heures réalisées (cumul)", "hours"),
                Col("projected_hours", "Projection (cumul)", "hours"), Col("objective_hours", "Objectif", "hours"),
            ], "trajectoire-objectif", key="o-burnup")

st.subheader("Planchers ANRU : la part des résidents QPV dans les heures travaillées")
if ui.need("mart_anru_floors"):
    ui.ignored_filters_note("mart_anru_floors", f)
    fl = db.mart("mart_anru_floors", filters=f)
    if fl.empty:
        ui.empty("Aucun lot d'investissement ni de GUP pour ces filtres.")
    else:
        is_total = fl["is_total"].fillna(False).astype(bool)
        # one frame for the chart, the cards and the table: the lines, then the mart's total rows
        fl = fl.assign(
            row_label=(fl["operation_name"].fillna("Hors opération") + " · " + fl["buyer_name"].fillna("—")
                       + " · " + fl["lot_kind"].map(KIND)).where(~is_total, "Total"),
            kind_label=fl["lot_kind"].map(KIND),
            verdict=[None if t else
                     "Non calculable" if not bool(c_) else "s" if m and fmt.is_null(v) else
                     "Plancher atteint" if v is True else "Sous le plancher" if v is False else fmt.MISSING
                     for t, c_, m, v in zip(is_total, fl["is_computable"], fl["is_masked"].fillna(False),
                                            fl["meets_floor"])],
            _total=is_total,
        ).sort_values("_total", kind="stable").drop(columns="_total")
        is_total = fl["is_total"].fillna(False).astype(bool)
        rows, totals = fl[~is_total].reset_index(drop=True), fl[is_total]
        c = st.columns(2)
        for col, (kind, label) in zip(c, KIND.items()):
            t = totals[totals["lot_kind"] == kind]
            with col, st.container(border=True):
                share = "5 %" if kind == "investment" else "10 %"
                if t.empty:
                    st.markdown(f"**{label}** (plancher {share})")
                    st.caption("Aucun lot de ce type pour ces filtres.")
                    continue
                t = t.iloc[0]
                if not bool(t["is_computable"]):
                    value = "non calculable"
                else:
                    value = cell(t, "qpv_share", "pct")
                ui.kpi(f"{label} : part des heures allant aux résidents QPV (plancher {share})", value)
                lines = [f"Heures travaillées par des résidents QPV : {cell(t, 'qpv_hours', 'hours')}, sur "
                         f"{fmt.hours(t['estimated_hours'])} de travail estimées (grille d'heures)"]
                if bool(t["is_computable"]):
                    lines[0] += f" ; plancher : {fmt.hours(t['floor_hours'])}."
                    if not fmt.is_null(t["meets_floor"]):
                        lines.append(":green[Plancher atteint]" if bool(t["meets_floor"]) else ":orange[Sous le plancher]")
                else:
                    lines[0] += "."
                    lines.append(txt.md(t["not_computable_reason"] or ""))
                lines.append(f"Montants : {fmt.integer(t['n_lots_amount_export'])} lot(s) avec le montant de l'export, "
                             f"{fmt.integer(t['n_lots_amount_decp'])} avec celui du marché DECP lié, "
                             f"{fmt.integer(t['n_lots_no_amount'])} sans montant.")
                st.markdown("  \n".join(lines))
        shown = rows[rows["qpv_share"].notna()].sort_values("qpv_share").head(30)
        n_nc = int((~rows["is_computable"].astype(bool)).sum())
        n_lots_nc = int(rows.loc[~rows["is_computable"].astype(bool), "n_lots_no_amount"].sum())
        n_ok = int((rows["meets_floor"] == True).sum())  # noqa: E712 - nullable booleans
        n_below = int((rows["meets_floor"] == False).sum())  # noqa: E712
        n_decp = int(rows["n_lots_amount_decp"].sum())
        st.caption(f"{len(rows)} couple(s) opération × maître d'ouvrage × type de lots : {n_ok} atteignent leur "
                   f"plancher, {n_below} sont en dessous, {n_nc} ne sont pas calculables ({n_lots_nc} lot(s) sans "
                   f"montant, ni dans l'export des clauses ni dans le marché DECP lié), les autres sont couverts par "
                   f"le secret statistique (s). {n_decp} lot(s) sans montant dans l'export ont pris celui du marché "
                   "DECP lié.")
        if shown.empty:
            st.caption("Aucun plancher calculable et publiable à représenter pour ces filtres : voir le tableau.")
        height = max(300, 30 * len(shown) + 80)
        fig = ui.figure(charts.anru_floors, shown, height=height)
        ui.chart(fig, f"Part des heures travaillées allant à des résidents QPV, face au plancher (trait : 5 % pour "
                 f"l'investissement, 10 % pour la GUP), pour les {len(shown)} lignes calculables et publiables les plus "
                 "éloignées de leur plancher ; le tableau les donne toutes, avec la raison quand le plancher n'est pas "
                 "calculable.", fl, [
            Col("operation_name", "Opération"), Col("buyer_name", "Maître d'ouvrage"), Col("kind_label", "Type de lots"),
            Col("n_lots", "Lots", "int"), Col("n_lots_amount_decp", "Dont montant du marché DECP", "int"),
            Col("n_lots_no_amount", "Dont sans montant", "int"), Col("amount", "Montant", "eur"),
            Col("estimated_hours", "Heures travaillées estimées", "hours"),
            Col("floor_share", "Plancher (part)", "pct"), Col("floor_hours", "Plancher (h)", "hours"),
            Col("qpv_hours", "Heures des résidents QPV", "hours"), Col("qpv_share", "Part QPV", "pct"),
            Col("verdict", "Plancher"), Col("not_computable_reason", "Pourquoi non calculable"),
        ], "planchers-anru", key="o-anru", height=height)

if ui.need("mart_targets"):
    # read when opened (a rerun): the page stays light to redraw
    exp = st.expander("Heures prévues et réalisées par opération et maître d'ouvrage", icon=":material/table:",
                      key="tbl-o-targets", on_change="rerun")
    if exp.open:
        with exp:
            df = db.mart("mart_targets", filters=f)
            if df.empty:
                ui.empty()
            else:
                df = df.sort_values("sort_key")
                ui.table(df, [
                    Col("operation_name", "Opération"), Col("buyer_name", "Maître d'ouvrage"),
                    Col("estimated_hours_investment", "Heures estimées investissement", "hours"),
                    Col("estimated_hours_gup", "Heures estimées GUP", "hours"),
                    Col("hours_planned", "Heures prévues", "hours"), Col("n_participants", "Participants", "int"),
                    Col("hours_worked", "Heures réalisées", "hours"),
                    Col("hours_worked_qpv", "Dont résidents QPV (lots d'investissement et GUP)", "hours"),
                    Col("planned_rate", "Réalisé / prévu", "pct"),
                ], "heures-par-operation", key="o-targets")

st.subheader("Objectifs des maîtres d'ouvrage")
if ui.need("mart_custom_targets"):
    t = db.mart("mart_custom_targets", filters=f)  # the targets of the chosen landlord, operation or territory
    if t.empty:
        ui.empty("Aucun objectif pour ce périmètre dans le fichier d'objectifs chargé.")
    elif len(t) > 6:
        late = int((~t["on_track"].fillna(True).astype(bool)).sum())
        st.caption(f"{len(t)} objectifs, dont {late} en retard sur le temps écoulé. Choisissez un bailleur ou "
                   "une opération dans le panneau de gauche pour voir le détail de ses objectifs.")
        board = t.assign(
            _prog=[None if fmt.is_null(v) else float(v) * 100 for v in t["progress_rate"]],
            _elapsed=[None if fmt.is_null(v) else float(v) * 100 for v in t["elapsed_share"]],
        )
        st.dataframe(
            board[["scope_label", "label", "target_hours", "_prog", "_elapsed", "on_track"]].sort_values("_prog"),
            hide_index=True, height=380,
            column_config={
                "scope_label": st.column_config.TextColumn("Opération ou maître d'ouvrage"),
                "label": st.column_config.TextColumn("Objectif"),
                "target_hours": st.column_config.NumberColumn("Heures visées", format="localized"),
                "_prog": st.column_config.ProgressColumn("Avancement", format="%.0f %%", min_value=0, max_value=100),
                "_elapsed": st.column_config.ProgressColumn("Période écoulée", format="%.0f %%", min_value=0,
                                                             max_value=100),
                "on_track": st.column_config.CheckboxColumn("Dans les temps"),
            })
    else:
        for _, r in t.iterrows():
            prog = r.get("progress_rate")
            masked = fmt.is_null(prog) and bool(r.get("is_masked"))
            with st.container(border=True):
                c1, c2 = st.columns([3, 1])
                with c1:
                    st.markdown(f"**{txt.md(r.get('label') or 'Objectif')}** — "
                                f"{txt.md(r.get('scope_label') or r.get('scope_id'))}")
                    st.progress(0.0 if masked or fmt.is_null(prog) else float(min(max(prog, 0), 1)))
                    elapsed = r.get("elapsed_share")
                    st.caption(
                        f"{cell(r, 'hours_worked', 'hours')} réalisées sur {fmt.hours(r.get('target_hours'))} "
                        f"visées, du {fmt.date(r.get('period_start'))} au {fmt.date(r.get('period_end'))} · "
                        f"{fmt.percent(elapsed)} de la période écoulée")
                with c2:
                    ui.kpi("Avancement", cell(r, "progress_rate", "pct"))
                    on_track = r.get("on_track")
                    if not fmt.is_null(on_track):
                        st.markdown(":green[Dans les temps]" if bool(on_track) else ":orange[En retard]")
    if not t.empty:
        with st.expander("Tableau des données et téléchargements", icon=":material/table:"):
            ui.table(t, [
                Col("scope_type", "Périmètre", "code:scope_type"), Col("scope_label", "Opération ou MO"),
                Col("label", "Objectif"), Col("target_hours", "Heures visées", "hours"),
                Col("period_start", "Début", "date"), Col("period_end", "Fin", "date"),
                Col("n_participants", "Participants", "int"), Col("hours_worked", "Heures réalisées", "hours"),
                Col("progress_rate", "Avancement", "pct"), Col("elapsed_share", "Période écoulée", "pct"),
            ], "objectifs-des-maitres-d-ouvrage", key="o-custom")
