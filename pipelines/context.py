"""What every reader receives (BuildContext) and returns (FileResult)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional


@dataclass
class FileResult:
    """Outcome of reading one file: n_read = n_loaded + n_rejected + n_duplicates + n_out_of_region."""

    format: str = ""
    n_read: int = 0
    n_loaded: int = 0
    n_rejected: int = 0
    n_duplicates: int = 0
    n_out_of_region: int = 0
    warnings: list[str] = field(default_factory=list)
    kind: str = ""  # ingest_log kind decided by the reader (`planned` for a contracts/lots file); "" = caller's
    n_contracts: int | None = None  # contracts the loaded rows make (consolidated DECP file, one row per
                                    # contract x titulaire x modification); None for the other readers

    def reconciles(self) -> bool:
        return self.n_read == self.n_loaded + self.n_rejected + self.n_duplicates + self.n_out_of_region


@dataclass
class BuildContext:
    """Shared state of one build (data only: this module imports no other module of the project,
    so that every reader may import it; the buyer type of a build is `pipelines.buyers.buyer_type`).

    region_code: INSEE code of the observed region, or None for all regions (`--all-regions`).
    buyers: the buyers register (`pipelines.buyers.BuyersRegister`), empty when `--buyers` is absent.
    salt_path: file holding the secret salt for pseudonymous participant ids.
    reference: the territory lookups (`pipelines.reference.Reference`), loaded from data/reference.
    progress: show tqdm progress bars.
    seen_records: fingerprints of the DECP records already loaded in this build (exact duplicates,
    also across files).
    buyer_places, moved_out_of_region: see pipelines/decp/collapse.py (territory from the buyer).
    """

    region_code: Optional[str] = "32"
    buyers: object = None
    salt_path: Path | None = None
    reference: object = None
    progress: bool = False
    seen_records: set = field(default_factory=set)
    # buyer SIRET -> {(region_code, departement_code): number of its DECP records placed there},
    # out-of-region records included: used to place a buyer's contracts whose own place is unknown
    buyer_places: dict = field(default_factory=dict)
    # DECP file name -> records moved from loaded to out of region once their buyer was known
    moved_out_of_region: dict = field(default_factory=dict)
    # buyer SIRET -> acheteur_categorie given by the consolidated national file (buyer-type fallback)
    buyer_categories: dict = field(default_factory=dict)
