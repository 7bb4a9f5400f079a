"""The modules' layers, read from their source with ast (every import counts, also one made inside a
function): no import cycle among pipelines/ and dashboard/, no reader importing another reader's
modules or anybody's private names, and the text rules (folding, SIRET) defined once, in
pipelines/text.py."""
from __future__ import annotations

import ast
from pathlib import Path

from pipelines import cells
from pipelines.text import siret_is_valid, siret_shape_ok

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipelines", "dashboard")
# The readers of input files: each may use the shared modules (pipelines/*.py) but not another
# reader's modules; the orchestrators run them.
READERS = ("pipelines.decp", "pipelines.clauses", "pipelines.targets")
ORCHESTRATORS = ("pipelines.build", "pipelines.bench")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every import of the module, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.append((sub, None) if sub in known else (base, a.name))
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {m: set() for m in known}
    for name, path in known.items():
        for target, _ in imports(name, path, known):
            # a module's own packages are imported by Python before it anyway: not a dependency
            if target in known and target != name and not name.startswith(target + "."):
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_among_pipelines_and_dashboard_modules():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    """Control: the check above can fail (a -> b -> c -> a, d outside)."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}) == [["a", "b", "c"]]


def _within(module: str, names) -> str | None:
    return next((r for r in names if module == r or module.startswith(r + ".")), None)


def test_a_reader_imports_no_other_reader_and_a_shared_module_no_reader():
    """A reader uses the shared modules (pipelines/text.py, cells.py, buyers.py, context.py...), never
    another reader's modules; only the build (and its benchmarks) call the readers."""
    known = modules()
    crossings = sorted({(name, target) for name, path in known.items() for target, _ in imports(name, path, known)
                        if _within(target, READERS) and _within(target, READERS) != _within(name, READERS)
                        and not _within(name, ORCHESTRATORS)})
    assert crossings == []


def test_no_module_imports_a_private_name_of_another():
    known = modules()
    private = [(name, f"{target}.{what}") for name, path in known.items()
               for target, what in imports(name, path, known)
               if what and what.startswith("_") and target in known and target != name]
    assert private == []


def test_text_rules_are_defined_once_in_pipelines_text():
    """Folding, the SIRET rule and the Luhn key have one definition (they were written three times)."""
    shared = {"fold", "name_key", "ascii_key", "key_text", "identifier", "siret_is_valid", "siret_shape_ok",
              "luhn_ok", "is_valid_siret", "lossy_key", "decode_lines", "sniff_delimiter", "_fold"}
    defined = []
    for name, path in modules().items():
        if name == "pipelines.text":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in shared:
                defined.append(f"{name}.{node.name}")
    assert defined == []


def test_one_siret_rule_for_both_readers():
    """pipelines.text.siret_is_valid is the one rule: 14 digits with a Luhn key, La Poste (SIREN
    356000000) by digit sum. The DECP reader records it (`contracts.siret_valid`); the clause reader
    reports only a value that cannot be a SIRET (not 14 digits) and keeps a wrong key, as DECP keeps
    it, so that the clause row still links to its contract."""
    assert siret_is_valid("21590350100017")            # Luhn sum 30
    assert not siret_is_valid("21590350100018")        # key wrong
    assert siret_is_valid("35600000000010")            # La Poste: digit sum 15
    assert not siret_is_valid("35600000000011")        # digit sum 16
    assert siret_shape_ok("21590350100018") and not siret_shape_ok("2159035010001")
    assert cells.siret_problem("21590350100018") is None
    assert cells.siret_problem("2159035010001") == "14 chiffres attendus"
    assert cells.siret(" 215 903 501.00017 ") == "21590350100017"
