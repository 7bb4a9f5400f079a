"""Place of execution -> commune / département / région, with the reason when partial or unknown."""
from __future__ import annotations

import re
from typing import NamedTuple

from pipelines.decp.normalise import place_type_code, text

_cedex = re.compile(r"\s*CEDEX.*$", re.IGNORECASE)


class Territory(NamedTuple):
    commune_code: str | None
    departement_code: str | None
    region_code: str | None
    epci_code: str | None
    status: str                 # resolved, departement_only, region_only, unknown
    reason: str | None


UNKNOWN_EMPTY = Territory(None, None, None, None, "unknown", "lieu d'exécution absent")


def departement_of_postcode(postcode: str) -> str | None:
    """Département implied by a postcode's first digits (20xxx -> 2A/2B, 97xxx -> 3 digits)."""
    if len(postcode) != 5 or not postcode.isdigit():
        return None
    if postcode.startswith("97") or postcode.startswith("98"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if postcode[:3] in ("200", "201") else "2B"
    return postcode[:2]


class TerritoryResolver:
    """Resolves (code, typeCode) pairs with the reference lookups; results are cached."""

    def __init__(self, reference):
        self.ref = reference
        self.cache: dict[tuple, tuple[str | None, Territory]] = {}

    def resolve(self, code, type_code) -> tuple[str | None, Territory]:
        """(normalised place_type, Territory)."""
        key = (code, type_code)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._resolve(code, type_code)
            if len(self.cache) < 200_000:
                self.cache[key] = hit
        return hit

    # -- helpers
    def _commune(self, code: str, reason=None) -> Territory | None:
        ref = self.ref
        target = code if code in ref.communes else ref.aliases.get(code)
        if target is None:
            return None
        dep, reg, epci = ref.communes[target]
        if target != code:
            reason = reason or f"ancien code commune {code} rattaché à {target}"
        return Territory(target, dep, reg, epci, "resolved", reason)

    def _departement(self, code: str, reason=None) -> Territory | None:
        reg = self.ref.departements.get(code)
        if reg is None:
            return None
        return Territory(None, code, reg, None, "departement_only", reason)

    def _postcode(self, code: str, reason=None) -> Territory | None:
        communes = self.ref.postcodes.get(code)
        if communes:
            if len(communes) == 1:
                t = self._commune(communes[0], reason)
                if t:
                    return t
            deps = {self.ref.communes[c][0] for c in communes if c in self.ref.communes}
            if len(deps) == 1:
                return self._departement(deps.pop(), reason or
                                         f"code postal {code} partagé par {len(communes)} communes")
        dep = departement_of_postcode(code)
        if dep and dep in self.ref.departements:
            return self._departement(dep, reason or f"code postal {code} inconnu (CEDEX ?), "
                                                    f"département déduit")
        return None

    def _resolve(self, raw_code, raw_type) -> tuple[str | None, Territory]:
        code = text(raw_code)
        type_label = text(raw_type)
        ptype = place_type_code(type_label) if type_label else None
        if code is None:
            return ptype, UNKNOWN_EMPTY
        code = _cedex.sub("", code).strip().upper().replace(" ", "")
        unpadded = code
        if code.isdigit() and len(code) == 4:        # a postcode or commune code that lost its 0
            code = "0" + code
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        t = None
        if ptype == "code_postal":
            t = self._postcode(code)
            if t is None and len(code) in (2, 3):
                t = self._departement(code, "code département saisi comme code postal")
            if t is None and len(code) == 5:
                t = self._commune(code, "code commune saisi comme code postal")
        elif ptype in ("code_commune", "code_arrondissement"):
            t = self._commune(code)
            if t is None and len(code) in (2, 3):
                t = self._departement(code, "code département saisi comme code commune")
            if t is None and len(code) == 5:
                t = self._postcode(code, "code postal saisi comme code commune")
        elif ptype == "code_departement":
            t = self._departement(code)
            if t is None and len(code) == 3 and code[0] == "0":
                t = self._departement(code[1:], f"code département {code} avec un zéro de trop")
            if t is None and len(code) == 5:
                t = self._commune(code, "code commune saisi comme code département")
                if t is None:
                    t = self._postcode(code, "code postal saisi comme code département")
        elif ptype == "code_region":
            if code in self.ref.regions:
                t = Territory(None, None, code, None, "region_only", None)
        elif ptype == "code_pays":
            reason = "exécution à l'étranger" if code not in ("FR", "FRA") else "code pays France sans précision"
            return ptype, Territory(None, None, None, None, "unknown", reason)
        elif ptype is None:
            # no or unknown type: try the shapes in turn
            t = (self._commune(code) if len(code) == 5 else None) or \
                (self._postcode(code) if len(code) == 5 else None) or \
                (self._departement(code) if len(code) in (2, 3) else None)
            if t is not None:
                t = t._replace(reason=t.reason or f"type de code {type_label!r} inconnu, déduit de la forme")
        if t is None and ptype in ("code_arrondissement", "code_canton") and len(unpadded) in (3, 4):
            # INSEE arrondissement (544: Toul) or canton (0905) code: département + 1 or 2 digits
            t = self._departement(unpadded[:3] if unpadded.startswith("97") else unpadded[:2],
                                  f"{type_label} {unpadded} : seul le département est déduit")
        if t is None:
            t = Territory(None, None, None, None, "unknown",
                          f"code {raw_code!r} ({type_label or 'sans type'}) introuvable dans le référentiel")
        return ptype, t
