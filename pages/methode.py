"""Méthode: definitions, sources, masking rules, glossary, settings in effect."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import page_parts as parts
from dashboard import db, glossary, rankings, ui
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
    "- **Fichier national consolidé** (data.gouv.fr, « DECP consolidées », reconstruit chaque jour) : "
    "une ligne par marché, titulaire et modification, regroupées en un marché par acheteur et "
    "identifiant. Les montants que ce fichier juge *suspects* ou *aberrants* sont exclus des sommes "
    "(comptés sur *Qualité des données*) ; quand le lieu d'exécution est inconnu, le département de "
    "l'adresse de l'acheteur est retenu, et c'est dit dans la raison du territoire ; les titulaires "
    "labellisés SIAE (structures d'insertion par l'activité économique) donnent la répartition "
    "« Titulaire structure d'insertion (SIAE) » de *Marchés clausés*.\n"
    "- **Suivis d'exécution des facilitateurs** (Maisons de l'emploi, PLIE) : heures travaillées par "
    "participant, contrat de travail, opération, maître d'ouvrage, situation à la sortie. Les "
    "participants n'y figurent que sous un identifiant pseudonyme (empreinte salée) ; aucun nom, "
    "adresse, numéro de sécurité sociale ni courriel n'est conservé (une valeur qui ressemble à un "
    "courriel, un téléphone ou un numéro de sécurité sociale dans une colonne admise est remplacée par "
    "« [donnée personnelle retirée] ») ; d'une ligne rejetée ne sont gardés que le fichier, le numéro "
    "d'enregistrement, le champ et la raison. Une personne n'a qu'un sexe, une année de naissance et "
    "un statut QPV (et un statut de locataire par maître d'ouvrage) : quand ses lignes diffèrent, la "
    "ligne la plus récente qui renseigne la valeur l'emporte (date de début la plus tardive). Les "
    "valeurs numériques non finies (NaN, infini) sont rejetées.\n"
    "- **Référentiels** : communes, EPCI, départements (code officiel géographique), divisions CPV."
)

st.subheader("Définitions")
fte = db.built_setting("fte_hours")
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
| Emploi durable | Définition large : CDI, CDD ou intérim de 6 mois et plus, fonction publique, création d'entreprise ; stricte : CDI ou CDD de 6 mois et plus. Définition par défaut : **{glossary.label("durable_definition", db.built_setting("durable_definition")).lower()}**. |
| Emploi de transition | CDD ou intérim de moins de 6 mois, contrat aidé. |
| Sortie positive | Formation qualifiante, embauche par une autre structure d'insertion. |
| Taux de sortie dynamique | (Emploi durable + transition + sortie positive) / sortants dont la situation est connue, avec un intervalle de confiance à 95 % (Wilson). |
| Fiabilité d'un taux de sortie | Avertissement quand plus de 30 % des sortants ont une situation inconnue (le taux ne porte que sur les sortants suivis) ; « taux fragile » quand il repose sur moins de 30 sortants de situation connue (son intervalle est large). |
| Évolution (rapport de comité) | Valeur de la période moins celle de la période précédente de même durée ; « s » quand l'une des deux est masquée. |
| Plancher ANRU | Deux planchers, chacun à part : au moins 5 % des heures travaillées sur les lots d'investissement (travaux, ingénierie) et 10 % de celles des marchés de GUP vont à des habitants des QPV. Heures travaillées estimées par la grille d'heures ; montant de l'export, sinon du marché DECP lié ; non calculable quand un lot n'a de montant nulle part. |
| Trajectoire | Heures réalisées cumulées par mois (mois de début de chaque contrat) face à l'objectif du fichier d'objectifs (à défaut, les heures prévues) ; projection au rythme des 6 derniers mois entre deux points publiés. En avance : objectif atteint au moins 6 mois avant l'échéance ; dans les temps : au plus tard le mois de l'échéance ; en retard : après. |
| Grille d'heures | Montant HT × part de main-d'œuvre × taux d'insertion / coût horaire chargé. |
| Acheteur (organisme) | Un SIREN : ses établissements (SIRET) sont réunis, sous le nom du référentiel des acheteurs (à défaut, son nom le plus fréquent). Un identifiant mal formé est rattaché par le référentiel ou par un nom identique (majuscules, accents et ponctuation ignorés) ; sinon il compte en « Non renseigné » et figure sur la page Qualité. |
| Opération | Un code (« NPNRU-80021-003 · NPNRU Amiens — Amiens Nord ») : deux opérations de même nom restent distinctes, un même code nommé différemment selon les fichiers reste une seule opération. |
""")

st.subheader("Secret statistique")
st.markdown(
    f"Une case qui concerne des personnes (effectif, heures, taux, moyenne) n'est publiée que si elle "
    f"repose sur au moins **{db.built_setting('secrecy_threshold')} personnes** ({db.built_setting('secrecy_threshold_sensitive')} "
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
    "masquées, leur somme doit elle-même atteindre le seuil, et aucune case masquée ne doit être la seule "
    "inconnue d'une somme publiée ; sinon une autre case est masquée, choisie au moindre coût (la plus petite, "
    "de préférence une case de détail plutôt qu'un total). Les participants, les sortants et les personnes "
    "encore en parcours (participants moins sortants) sont protégés ensemble, de même que les sorties par "
    "sexe, âge, qualification et résidence en QPV croisées avec les territoires, les secteurs et les années. "
    "Deux cases qui comptent exactement les mêmes personnes ont le même masque.\n"
    "- **Filtres bornés.** Les chiffres sur les personnes sont publiés pour toutes les années ou une seule "
    "année, et au plus un autre filtre (territoire, type d'acheteur, bailleur, secteur, opération ou public). "
    "Au-delà, la page indique « Trop de filtres combinés pour publier des chiffres sur les personnes ».\n"
    "- **Taux et parts.** Un taux (sortie dynamique) ou une part (femmes, résidents QPV, locataires, moins "
    "de 26 ans) n'est affiché que si son numérateur et son complément sont eux-mêmes publiés ; les parts "
    "sont données pour l'ensemble du périmètre, pas pour chaque ligne d'une ventilation.\n"
    "- **Présence.** Quand l'effectif total d'un périmètre est masqué, aucune ligne de ventilation n'est "
    "listée (la seule présence d'une ligne « RQTH » dirait quelque chose de ces personnes).\n"
    "- **Objectifs.** Un objectif est masqué quand la différence avec un autre objectif (ou avec plusieurs "
    "objectifs qu'il contient), ou avec le total publié de son bailleur, de son opération ou d'une année, "
    "porte sur 1 à 4 personnes ; les heures des résidents QPV d'une opération sont masquées quand les "
    "autres heures sont celles de 1 à 4 personnes. Une trajectoire n'est tracée qu'aux mois où l'écart avec "
    "le point précédent porte sur au moins 5 personnes, et pas du tout quand son objectif ou son périmètre "
    "est masqué ; la répartition des heures QPV entre investissement et GUP n'est publiée que toutes années "
    "confondues.\n\n"
    "Limites : la méthode masque parfois plus que nécessaire (par exemple le nombre de sortants de toute la "
    "région pour une année où une seule personne est encore en parcours, et pour une autre année avec "
    "lui) ; les moyennes (durée des parcours) ne sont pas auditées ; les sorties ventilées par public, "
    "commune, opération, modalité, bailleur ou année de sortie, et celles d'un bailleur par sexe, âge, "
    "qualification ou QPV, ne sont protégées qu'à l'intérieur de leur tableau. Le détail est dans la documentation technique (docs/secrecy.md)."
)
st.markdown(
    "Publics éligibles : une personne relevant de plusieurs publics est comptée dans chacun ; les "
    "lignes d'une ventilation par public ne s'additionnent donc pas au total."
)

# --- Classements et cartes (dashboard/rankings.py, setting ranking_min_contracts) -----------------------
st.subheader("Classements, synthèses et cartes")
st.markdown(
    f"Une part calculée sur un ou deux marchés (100 % sur 1 marché) ne dit rien d'un acheteur ni d'un "
    f"territoire : les classements (acheteurs qui clausent le plus et le moins), les phrases de synthèse "
    f"(part la plus haute, la plus basse) et les couleurs des cartes ne retiennent que les lignes d'au "
    f"moins **{rankings.min_contracts()} marchés au statut connu** (réglage `ranking_min_contracts`). "
    "Les autres restent dans les tableaux avec leur nombre de marchés ; sur la carte, elles sont dessinées "
    "en beige au contour brun (« trop peu de marchés »). Chaque carte et chaque ventilation par "
    "territoire disent aussi leur **couverture** : combien de marchés n'ont pas de territoire connu (et "
    "ne sont donc sur aucune carte), et quelle part des marchés a un statut inconnu (format 2019)."
)

st.subheader("Recherche")
st.markdown(
    "Le champ de recherche (page d'accueil et haut du panneau de gauche) trouve les acheteurs "
    "(organismes : SIREN, les 9 premiers chiffres du SIRET ; tous leurs établissements sous un seul "
    "résultat), les opérations (par leur code ou leur nom) et les marchés (par leur objet ou leur "
    "identifiant), sans tenir compte des accents ni des majuscules, en tolérant une faute de frappe par "
    "mot. Tous les mots tapés doivent se retrouver dans le résultat. La vue publique ne trouve que les "
    "données publiques (acheteurs et marchés des DECP), jamais les opérations ni les données d'exécution."
)

# --- Comparaison entre bailleurs (landlord benchmark anonymity, docs/secrecy_landlords.md) ---------------
st.subheader("Comparaison entre bailleurs")
st.markdown(
    "Sur la page *Bailleurs*, seul le bailleur choisi est nommé. Dans la distribution de chaque indicateur, "
    "les autres bailleurs ne sont désignés que par leur **rang** dans cette liste (« Rang 3 » : le 3e plus "
    "bas) : le rang 3 d'un indicateur n'est pas le rang 3 d'un autre, et aucune autre information (nom, "
    "montant, nombre de marchés ou de participants) n'accompagne leur valeur. Les valeurs sont arrondies "
    "(au point de pourcentage, à l'heure). Une distribution n'est publiée que si **au moins 4 bailleurs** y "
    "ont une valeur ; celles des groupes de pairs (tiers du montant des marchés publiés, toutes années, "
    "calculés à partir des seules données publiques) ne le sont que si chaque groupe en compte au moins 4. "
    "Les heures par million d'euros et le taux de réalisation, dont les dénominateurs (montants des "
    "marchés, heures prévues) sont publiés par bailleur, ne sont donnés qu'en médiane, quartiles et rang. "
    "Un lecteur peut donc connaître les valeurs d'un groupe de bailleurs, jamais celle d'un bailleur "
    "anonyme en particulier. Les valeurs d'un bailleur suivent le secret des autres pages avec le filtre "
    "« Bailleur social » : une part (femmes, résidents QPV, locataires) est masquée (« s ») quand sa "
    "répartition y est masquée, et les chiffres sur les personnes ne sont publiés que pour toutes les années "
    "ou une seule année. Un bailleur connecté ne voit sous son nom que son propre organisme "
    "(voir « Qui voit quoi » ci-dessous) ; l'équipe de l'observatoire voit chaque bailleur sous son nom, "
    "dans le respect du secret statistique."
)

st.subheader("Qui voit quoi")
st.markdown(
    "Chacun se connecte avec son compte professionnel (ProConnect pour les agents publics, ou le "
    "fournisseur d'identité de l'observatoire) ; le tableau de bord ne garde aucun mot de passe. Le rôle "
    "et le périmètre viennent du fichier d'accès tenu par l'observatoire, et sont appliqués par le "
    "serveur à chaque requête : une adresse de page ou un choix dans un menu ne peut pas les élargir.\n"
    "- **Observatoire** (équipe de la DREETS) : tout ce que publie le tableau de bord, sous secret "
    "statistique.\n"
    "- **Bailleur social** : le détail de son organisme (son SIREN, tous ses établissements ensemble) ; la "
    "région et les bailleurs de taille comparable seulement sous forme de distributions anonymes (page "
    "Bailleurs) ; jamais les chiffres d'exécution d'un autre bailleur.\n"
    "- **Comité de pilotage** : le détail des opérations et des territoires du comité ; la région et "
    "les départements en agrégé.\n"
    "- **Public** (sans connexion) : les chiffres des marchés publics (DECP) et les chiffres sur les "
    "personnes à l'échelle de la région et des départements, sous secret statistique ; rien par "
    "bailleur, par opération ni par intercommunalité.\n\n"
    "Une personne connectée qui n'est pas dans le fichier d'accès voit la vue publique. Sur la base de "
    "démonstration, le mode démonstration laisse choisir un rôle pour voir ce que voit chaque public."
)

st.subheader("Paramètres de la base")


def _setting_value(name: str, value) -> str:
    """A setting's value in French (codes through the code table, numbers in French format)."""
    if name == "durable_definition":
        return glossary.label("durable_definition", value)
    if value is None or value == "":
        return "—"
    text = str(value)
    return fmt.integer(int(text)) if text.isdigit() else text


# the settings the database was built with (`setting.<name>` rows of mart_build_info), named in French
rows = [(glossary.label("setting", k[len("setting."):]), _setting_value(k[len("setting."):], v))
        for k, v in info.items() if k.startswith("setting.")]
if rows:
    st.dataframe(pd.DataFrame(rows, columns=["Paramètre", "Valeur"]), hide_index=True)
else:
    st.dataframe(pd.DataFrame([(glossary.label("setting", s.name), _setting_value(s.name, s.default), s.description)
                               for s in settings.SETTINGS.values() if s.name not in ("salt_path", "db_path")],
                              columns=["Paramètre", "Valeur", "Description"]), hide_index=True)

st.subheader("Glossaire des codes")


@parts.fragment
def glossary_list() -> None:
    """One list of the glossary: only this block reruns when another list is chosen."""
    kind = st.selectbox("Liste", list(glossary.GLOSSARY), format_func=lambda k: glossary.GLOSSARY[k][0], key="m_kind")
    _, mapping = glossary.GLOSSARY[kind]
    # French labels only: the stored codes are English identifiers (data/reference/codes.csv)
    st.dataframe(pd.DataFrame(list(mapping.values()), columns=["Libellé"]), hide_index=True)


glossary_list()

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
