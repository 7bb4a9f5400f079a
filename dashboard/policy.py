"""What each audience may read: the parameters a mart is called with, decided on the server.

`enforce(name, params, scope)` is called by `dashboard.db.mart` for every mart a page reads, with the
parameters merged from the sidebar filters and the page. It returns the parameters to use (the
bailleur's own landlord forced in) or raises `Denied` with a French message. Nothing a visitor types
in the URL or a widget reaches a mart without going through here, so the role can only narrow what
is shown, never widen it.

Roles (docs/access.md):
- observatoire: every mart, unchanged.
- bailleur: marts about people are forced to its own organisation (SIREN: all its establishments;
  the `landlord` filter, or the `viewer` of the landlord benchmark); another landlord is refused
  (a SIRET given designates its organisation).
- comite: marts about people in detail when the call is restricted to one of its operations or
  territories (filters are combined with AND, so the rows stay inside that scope); otherwise the
  public rules.
- public: marts about people only at region or département level (no landlord, operation or EPCI
  filter, breakdowns by year, sector, sex, public... or département only); the per-operation and
  per-landlord marts are refused. Procurement (DECP) marts are open to every role.
- search (`mart_search`): every role; entities known only from execution data (operations, buyers
  seen in clause exports only) are found by the observatoire, by a bailleur for its own SIRENs and
  by a committee for its own operations, never by the public (`execution_keys` forced).
Marts not listed here are refused to every role but observatoire (fail closed: a new mart must be
classified before other audiences see it).
"""
from __future__ import annotations

from dashboard.access import Scope

# Procurement data (public DECP) and reference data: open to every role.
OPEN = frozenset({
    "mart_contract_share", "mart_contract_list", "mart_hours_grid", "mart_hours_grid_defaults",
    "mart_territory_population", "mart_build_info", "mart_filter_options", "mart_ingest_log",
    "mart_ingest_summary", "mart_organisation", "mart_contract_share_ranked", "mart_national_references",
})
# The search: open to every role, execution-only entities narrowed to the role's own (execution_keys).
SEARCH = frozenset({"mart_search"})
# Marts about people with a `dimension` breakdown.
BREAKDOWNS = frozenset({"mart_hours", "mart_participants", "mart_exits", "mart_territory_hours"})
# Marts about people, one row for the filter set.
SINGLE = frozenset({"mart_headlines"})
# Marts about people with one row per operation or landlord: detail only.
DETAIL = frozenset({"mart_targets", "mart_custom_targets", "mart_anru_floors", "mart_burnup", "mart_burnup_status",
                    "mart_operation", "mart_operation_lots"})
# The landlord comparison: its own landlord named (viewer), the others anonymous.
BENCHMARK = frozenset({"mart_landlord_position", "mart_landlord_benchmark"})
# Data quality: per contract and per file, for the observatory team.
OBSERVATORY_ONLY = frozenset({
    "mart_declared_vs_executed", "mart_declared_vs_executed_list", "mart_rejects_by_reason",
    "mart_rejects_summary", "mart_unknown_territories", "mart_unresolved_buyers",
})

# Breakdowns published at region / département level: no landlord, operation, EPCI or commune.
PUBLIC_DIMENSIONS = frozenset({
    "total", "year", "sector", "trade", "contract_kind", "gender", "age_band", "public", "qualification",
    "qpv_resident", "tenant_of_buyer", "modality", "employment_contract_type", "operation_departement",
    "buyer_type",
})
# Filters that narrow a mart below the département: not published to the public.
DETAIL_FILTERS = ("landlord", "operation", "epci")

PEOPLE_NOTE = ("Les chiffres sur les personnes ne sont publiés qu'à l'échelle de la région et des départements "
               "(jamais par bailleur, par opération ni par intercommunalité).")


class Denied(Exception):
    """The current role may not read this (French message for the page)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def enforce(name: str, params: dict, scope: Scope | None) -> dict:
    """The parameters `name` may be called with for `scope` (None: no enforcement, outside the app)."""
    if scope is None or scope.role == "observatoire":
        return dict(params)
    if name in OPEN:
        return dict(params)
    if name in SEARCH:
        return _search(params, scope)
    if name in OBSERVATORY_ONLY:
        raise Denied("Ces contrôles de qualité des données sont réservés à l'équipe de l'observatoire.")
    known = BREAKDOWNS | SINGLE | DETAIL | BENCHMARK
    if name not in known:
        raise Denied("Cet indicateur n'est pas encore ouvert à votre profil.")
    if scope.role == "bailleur":
        return _bailleur(name, params, scope)
    if scope.role == "comite" and _in_committee_scope(params, scope):
        if name in BENCHMARK:
            raise Denied("La comparaison entre bailleurs est réservée aux bailleurs et à l'observatoire.")
        return dict(params)
    return _public(name, params, scope)


def _search(params: dict, scope: Scope) -> dict:
    """The search finds execution-only entities (operations...) only inside the role's own scope."""
    out = dict(params)
    if scope.role == "bailleur":
        out["execution_keys"] = list(scope.sirens)
    elif scope.role == "comite":
        out["execution_keys"] = list(scope.operations)
    else:
        out["execution_keys"] = []
    return out


def _bailleur(name: str, params: dict, scope: Scope) -> dict:
    out = dict(params)
    key = "viewer" if name in BENCHMARK else "landlord"
    value = out.get(key)
    if not scope.landlords:
        raise Denied("Aucun établissement de votre organisme n'est présent dans les données.")
    if value is None:
        out[key] = scope.default_landlord or scope.landlords[0]
    elif _organisation(value) not in scope.landlords:
        raise Denied("Ce bailleur n'est pas dans votre périmètre : vous ne voyez que les chiffres de votre "
                     "organisme (les autres bailleurs n'apparaissent que de façon anonyme, page Bailleurs).")
    return out


def _organisation(value) -> str:
    """The organisation (SIREN) a landlord value designates: a SIRET's first 9 digits."""
    v = str(value)
    return v[:9] if len(v) == 14 and v.isdigit() else v


def _in_committee_scope(params: dict, scope: Scope) -> bool:
    """The call is restricted to one of the committee's operations or territories."""
    if params.get("operation") is not None and str(params["operation"]) in scope.operations:
        return True
    for key in ("departement", "epci"):
        if params.get(key) is not None and str(params[key]) in scope.territories:
            return True
    return False


def _public(name: str, params: dict, scope: Scope) -> dict:
    hint = ""
    if scope.role == "comite":
        hint = (" Pour le détail, choisissez une des opérations ou un des territoires de votre comité "
                "dans le panneau de gauche.")
    if name in BENCHMARK:
        raise Denied("La comparaison entre bailleurs est réservée aux bailleurs et à l'observatoire." + hint)
    if name in DETAIL:
        raise Denied("Les objectifs par opération et par maître d'ouvrage ne sont pas publics." + hint)
    for key in DETAIL_FILTERS:
        if params.get(key) is not None:
            raise Denied(PEOPLE_NOTE + " Retirez le filtre « " + _FILTER_NAMES[key] + " »." + hint)
    dim = params.get("dimension")
    if name in BREAKDOWNS and dim is not None and str(dim) not in PUBLIC_DIMENSIONS:
        raise Denied(PEOPLE_NOTE + " Choisissez une autre répartition." + hint)
    return dict(params)


_FILTER_NAMES = {"landlord": "bailleur", "operation": "opération", "epci": "intercommunalité"}
