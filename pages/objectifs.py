"""Objectifs: ANRU floors and custom targets per operation and maître d'ouvrage, with progress."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import db, filters, ui
from dashboard import text as txt
from dashboard import formatting as fmt
from dashboard.tables import Col, cell

ui.route_through_app()  # when Streamlit runs this file without app.py
ui.header(
    "Objectifs",
    "**Charte nationale d'insertion de l'ANRU (NPNRU)** : au moins 5 % des heures travaillées sur les "
    "opérations d'investissement et 10 % sur les marchés de gestion urbaine de proximité (GUP) vont à "
    "des habitants des quartiers prioritaires éloignés de l'emploi. Les heures travaillées de chaque "
    "lot sont estimées avec la grille d'heures (montant × part de main-d'œuvre du corps d'état / coût "
    "horaire). S'y ajoutent les objectifs propres des maîtres d'ouvrage (fichier d'objectifs).",
)
f = filters.current()

st.subheader("Planchers ANRU par opération et maître d'ouvrage")
if ui.need("mart_targets"):
    ui.ignored_filters_note("mart_targets", f)
    df = db.mart("mart_targets", filters=f)
    if df.empty:
        ui.empty()
    else:
        df = df.sort_values("sort_key") if "sort_key" in df.columns else df
        is_total = df["is_total"].fillna(False).astype(bool)
        rows, total = df[~is_total].reset_index(drop=True), (df[is_total].iloc[0] if is_total.any() else None)
        if total is not None:
            c = st.columns(4)
            with c[0]:
                ui.kpi("Plancher ANRU (heures QPV)", cell(total, "anru_floor_hours", "hours"),
                       help="5 % des heures estimées des lots d'investissement + 10 % de celles des lots GUP.")
            with c[1]:
                ui.kpi("Heures QPV réalisées", cell(total, "hours_worked_qpv", "hours"),
                       help="Heures travaillées par des résidents des quartiers prioritaires.")
            with c[2]:
                ui.kpi("Atteinte du plancher", cell(total, "anru_floor_rate", "pct"))
            with c[3]:
                ui.kpi("Heures réalisées / prévues", cell(total, "planned_rate", "pct"))
        rows = rows.assign(row_label=rows["operation_name"].fillna("Hors opération") + " · " +
                           rows["buyer_name"].fillna("—"))
        with_op = rows[rows["operation_id"].notna()]
        pool = with_op if len(with_op) else rows
        # the furthest from the floor first: that is what a steering committee looks at
        shown = pool.sort_values("anru_floor_rate", na_position="last").head(30)
        rate = shown["anru_floor_rate"]
        fig = go.Figure(go.Bar(
            y=shown["row_label"], x=rate.fillna(0) * 100, orientation="h",
            marker_color=["#18753C" if (not fmt.is_null(v) and v >= 1) else "#CE614A" for v in rate],
            text=["s" if fmt.is_null(v) and m else fmt.percent(v) for v, m in
                  zip(rate, shown["is_masked"].fillna(False))],
            textposition="outside", cliponaxis=False, hovertemplate="%{x:,.0f} % du plancher<extra></extra>",
        ))
        fig.add_vline(x=100, line_dash="dot", line_color="#161616", annotation_text="Plancher atteint")
        fig.update_layout(xaxis=dict(**fmt.PCT_AXIS, title="Heures QPV réalisées / plancher ANRU"),
                          yaxis=dict(title=None, autorange="reversed"), showlegend=False)
        n_ok = int(rows["meets_anru_floor"].fillna(False).astype(bool).sum())
        summary = (f"{n_ok} couple(s) opération × maître d'ouvrage sur {len(rows)} atteignent le plancher ANRU "
                   f"(en vert). Le graphique montre les {len(shown)} "
                   + ("opérations" if len(with_op) else "couples") + " les plus éloignées du plancher ; "
                   "le tableau les donne toutes.")
        import pandas as pd

        table_rows = rows if total is None else pd.concat([rows, total.to_frame().T.assign(row_label="Total")])
        ui.chart(fig, summary, table_rows, [
            Col("operation_name", "Opération"), Col("buyer_name", "Maître d'ouvrage"),
            Col("amount_investment", "Montant investissement", "eur"), Col("amount_gup", "Montant GUP", "eur"),
            Col("estimated_hours_investment", "Heures estimées investissement", "hours"),
            Col("estimated_hours_gup", "Heures estimées GUP", "hours"),
            Col("anru_floor_hours", "Plancher ANRU (h)", "hours"), Col("hours_planned", "Heures prévues", "hours"),
            Col("n_participants", "Participants", "int"), Col("hours_worked", "Heures réalisées", "hours"),
            Col("hours_worked_qpv", "Dont résidents QPV", "hours"), Col("anru_floor_rate", "Atteinte du plancher", "pct"),
            Col("planned_rate", "Réalisé / prévu", "pct"),
        ], "planchers-anru", key="o-anru", height=max(300, 30 * len(shown) + 80))

st.subheader("Objectifs des maîtres d'ouvrage")
if ui.need("mart_custom_targets"):
    t = db.mart("mart_custom_targets", filters=f)  # the targets of the chosen landlord or operation
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
