"""Méthode: definitions, sources, masking rules, glossary, settings in effect."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db, glossary, ui
from dashboard import formatting as fmt
from pipelines import settings

ui.route_through_app()  # when Streamlit runs this file without app.py
info = ui.header("Méthode", "Définitions des indicateurs, sources, règles de secret statistique et glossaire.")

st.subheader("Sources")
st.markdown(
    "- **Données essentielles de la commande publique (DECP)** : données ouvertes, un enregistrement "
    "par marché (au moins 40 000 € HT depuis 2020, 25 000 € avant), publié par chaque acheteur. "
    "Format 2019 (notifications jusqu'à fin 2023) : **aucune information sur les clauses sociales**, "
    "le statut de ces marchés est donc *inconnu*, jamais « sans clause ». Format 2022 (notifications "
    "depuis 2024) : champ `considerationsSociales` (clause sociale, critère social, marché réservé, "
    "pas de considération sociale).\n"
    "- **Suivis d'exécution des facilitateurs** (Maisons de l'emploi, PLIE) : heures travaillées par "
    "participant, contrat de travail, opération, maître d'ouvrage, situation à la sortie. Les "
    "participants n'y figurent que sous un identifiant pseudonyme (empreinte salée) ; aucun nom, "
    "adresse, numéro de sécurité sociale ni courriel n'est conservé.\n"
    "- **Référentiels** : communes, EPCI, départements (code officiel géographique), divisions CPV."
)

st.subheader("Définitions")
fte = settings.get("fte_hours")
st.markdown(f"""
| Indicateur | Définition |
|---|---|
| Part des marchés avec considération sociale | Marchés au statut connu portant une clause, un critère social ou réservés / marchés au statut connu. Le nombre de marchés au statut inconnu est donné à côté. |
| Marché clausé | Marché dont les considérations sociales incluent « Clause sociale » (condition d'exécution, art. L2112-2). |
| Heures prévues / réalisées | Heures d'insertion exigées par la clause / effectivement travaillées par les participants. |
| Taux de réalisation | Heures réalisées / heures prévues (peut dépasser 100 %). |
| ETP | Heures / {fmt.integer(fte)} h (paramètre ; 1 600 et 1 820 h sont aussi en usage). |
| Participant | Personne distincte (identifiant pseudonyme) ayant au moins un contrat de travail au titre d'une clause. |
| Parcours mutualisé | Parcours s'appuyant sur au moins deux marchés ou lots. |
| Emploi durable | Définition large : CDI, CDD ou intérim de 6 mois et plus, fonction publique, création d'entreprise ; stricte : CDI ou CDD de 6 mois et plus. Définition par défaut : **{"large" if settings.get("durable_definition") == "broad" else "stricte"}**. |
| Emploi de transition | CDD ou intérim de moins de 6 mois, contrat aidé. |
| Sortie positive | Formation qualifiante, embauche par une autre structure d'insertion. |
| Taux de sortie dynamique | (Emploi durable + transition + sortie positive) / sortants dont la situation est connue, avec un intervalle de confiance à 95 % (Wilson). |
| Plancher ANRU | 5 % des heures travaillées des opérations d'investissement et 10 % des marchés de GUP au bénéfice des habitants des QPV. |
| Grille d'heures | Montant HT × part de main-d'œuvre × taux d'insertion / coût horaire chargé. |
""")

st.subheader("Secret statistique")
st.markdown(
    f"Une case qui concerne des personnes (effectif, heures, taux, moyenne) n'est publiée que si elle "
    f"repose sur au moins **{settings.get('secrecy_threshold')} personnes** ({settings.get('secrecy_threshold_sensitive')} "
    "quand un public sensible — RQTH, minima sociaux — est croisé avec une commune ou un QPV). "
    "Sinon elle est affichée **« s »**, jamais 0, et reste masquée dans les téléchargements, le rapport "
    "de comité et l'export des indicateurs. Les données de marchés (DECP), publiques, ne sont pas masquées."
)
st.markdown(
    "Ce qui empêche de retrouver une case masquée :\n"
    "- **Tableaux protégés ensemble.** Une case masquée ne doit pas pouvoir être recalculée depuis un autre "
    "tableau publié : total moins les autres cases, vue filtrée retranchée d'une vue plus large (toute la "
    "région moins le Nord donne le Pas-de-Calais), année retranchée du total, taux multiplié par son effectif, "
    "part multipliée par un total. À la construction de la base, toutes les cases publiables sont calculées "
    "et masquées ensemble (suppression complémentaire) : quand plusieurs cases d'un même ensemble sont "
    "masquées, leur somme doit elle-même atteindre le seuil, sinon la plus petite case visible est masquée "
    "aussi. Deux cases qui comptent exactement les mêmes personnes ont le même masque.\n"
    "- **Filtres bornés.** Les chiffres sur les personnes sont publiés pour toutes les années ou une seule "
    "année, et au plus un autre filtre (territoire, type d'acheteur, bailleur, secteur, opération ou public). "
    "Au-delà, la page indique « Trop de filtres combinés pour publier des chiffres sur les personnes ».\n"
    "- **Taux et parts.** Un taux (sortie dynamique) ou une part (femmes, résidents QPV, locataires, moins "
    "de 26 ans) n'est affiché que si son numérateur et son complément sont eux-mêmes publiés ; les parts "
    "sont données pour l'ensemble du périmètre, pas pour chaque ligne d'une ventilation.\n"
    "- **Présence.** Quand l'effectif total d'un périmètre est masqué, aucune ligne de ventilation n'est "
    "listée (la seule présence d'une ligne « RQTH » dirait quelque chose de ces personnes).\n\n"
    "Limites : la méthode masque parfois plus que nécessaire ; les moyennes (durée des parcours) ne sont pas "
    "auditées. Le détail est dans la documentation technique (docs/secrecy.md)."
)
st.markdown(
    "Publics éligibles : une personne relevant de plusieurs publics est comptée dans chacun ; les "
    "lignes d'une ventilation par public ne s'additionnent donc pas au total."
)

st.subheader("Paramètres de la base")
rows = [(k[len("setting."):], v) for k, v in info.items() if k.startswith("setting.")]
if rows:
    st.dataframe(pd.DataFrame(rows, columns=["Paramètre", "Valeur"]), hide_index=True)
else:
    st.dataframe(pd.DataFrame([(s.name, str(s.value()), s.description) for s in settings.SETTINGS.values()
                               if s.name not in ("salt_path", "db_path")],
                              columns=["Paramètre", "Valeur", "Description"]), hide_index=True)

st.subheader("Glossaire des codes")
kind = st.selectbox("Liste", list(glossary.GLOSSARY), format_func=lambda k: glossary.GLOSSARY[k][0], key="m_kind")
title, mapping = glossary.GLOSSARY[kind]
st.dataframe(pd.DataFrame(list(mapping.items()), columns=["Code", "Libellé"]), hide_index=True)

st.subheader("Mots du domaine")
st.markdown("""
| Terme | Sens |
|---|---|
| Clause sociale d'insertion | Clause d'un marché qui réserve des heures de travail à des personnes éloignées de l'emploi |
| Maître d'ouvrage, donneur d'ordre | L'acheteur qui commande les travaux |
| Bailleur social (OPH, ESH) | Organisme de logement social |
| Facilitateur | La personne qui accompagne acheteurs, entreprises et candidats et suit l'exécution des clauses |
| SIAE (ETTI, AI, EI, ACI), GEIQ | Structures d'insertion par l'activité économique, groupements d'employeurs |
| QPV | Quartier prioritaire de la politique de la ville |
| GUP / GUSP | Gestion urbaine (et sociale) de proximité |
| NPNRU / ANRU | Nouveau programme national de renouvellement urbain / son agence |
""")
