"""SMILES metrics for molecule targets.

Per (prediction, reference) pair, all in [0, 1], higher is better:

- ``smiles_valid``: 1 when the prediction parses (and sanitises) with RDKit into at least one atom.
- ``smiles_exact``: 1 when both canonical isomeric SMILES are equal, so two spellings of one molecule
  (``OCC``, ``C(O)C``) match, while stereoisomers and isotopes do not.
- ``tanimoto``: Tanimoto similarity of Morgan fingerprints (radius 2, 2048 bits, RDKit's
  ``rdFingerprintGenerator``); 0 when the prediction is invalid.

A ``<smiles>...</smiles>`` wrapper is stripped from both sides first. RDKit's parse errors are not
logged: a model's garbage is the expected case here, not news.
"""

from __future__ import annotations

import re
from functools import cache

from rdkit import Chem, DataStructs, rdBase
from rdkit.Chem import rdFingerprintGenerator

NAMES = ["smiles_valid", "smiles_exact", "tanimoto"]
WRAPPED = re.compile(r"^\s*<smiles>(.*?)(?:</smiles>)?\s*$", re.DOTALL)


def unwrap(text: str) -> str:
    match = WRAPPED.match(text)
    return (match.group(1) if match else text).strip()


def molecule(smiles: str) -> Chem.Mol | None:
    """The sanitised molecule, or None for anything RDKit refuses (or an empty string)."""
    if not smiles or any(c.isspace() for c in smiles):
        return None  # RDKit reads "CCO garbage" as CCO with a name: a valid-looking prefix
    with rdBase.BlockLogs():
        try:
            mol = Chem.MolFromSmiles(smiles)
        except Exception:  # some malformed inputs raise instead of returning None
            return None
    return mol if mol is not None and mol.GetNumAtoms() else None


def score_pairs(pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
    return [_score(prediction, reference) for prediction, reference in pairs]


def _score(prediction: str, reference: str) -> dict[str, float]:
    expected = molecule(unwrap(reference))
    if expected is None:
        raise ValueError(f"reference is not a SMILES RDKit can read: {reference[:120]!r}")
    predicted = molecule(unwrap(prediction))
    if predicted is None:
        return {"smiles_valid": 0.0, "smiles_exact": 0.0, "tanimoto": 0.0}
    exact = Chem.MolToSmiles(predicted) == Chem.MolToSmiles(expected)
    return {"smiles_valid": 1.0, "smiles_exact": float(exact), "tanimoto": _tanimoto(predicted, expected)}


def _tanimoto(a: Chem.Mol, b: Chem.Mol) -> float:
    fa, fb = _generator().GetFingerprint(a), _generator().GetFingerprint(b)
    if not fa.GetNumOnBits() and not fb.GetNumOnBits():
        return 1.0  # RDKit gives 0 for two empty fingerprints; they do not differ
    return float(DataStructs.TanimotoSimilarity(fa, fb))


@cache
def _generator():
    return rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
