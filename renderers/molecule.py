"""Molecules drawn with RDKit; target: SMILES.

The default corpus is real data that ships inside RDKit itself (NCI and ChEMBL sets), so the
renderer works with no input. Users pass .smi/.txt (first token per line), .csv/.tsv (a column)
or .sdf files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

from PIL import Image
from pydantic import Field
from rdkit import Chem, RDConfig, RDLogger, rdBase
from rdkit.Chem import rdAbbreviations, rdDepictor
from rdkit.Chem.Draw import rdMolDraw2D
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

from gotdata.corpus import Corpus, CorpusError, CorpusItem, read_lines
from gotdata.renderer import Job, Rejection, Renderer, RendererParams, Sample
from gotdata.untrusted import UntrustedInput, bounded_lines

_RDKIT = Path(RDConfig.RDDataDir).parent  # the RDKit install: Data/ and Contrib/

# (path inside the RDKit install, column of the SMILES in whitespace-separated lines, licence,
# how a line names its compound: a format for the other column, or None where it holds no name)
BUILTIN_SETS = [
    ("Data/NCI/first_5K.smi", 0, "public domain (NCI/DTP open database)", "NSC {}"),
    ("Contrib/FreeWilson/data/CHEMBL2321810.smi", 0, "CC-BY-SA-3.0 (ChEMBL)", None),
    ("Contrib/fraggle/data/ChEMBL_11265_actives.smi", 0, "CC-BY-SA-3.0 (ChEMBL)", None),
    ("Contrib/Fastcluster/cdk2.smi", 1, "ZINC (free to use)", "{}"),
]
NAME_HEADERS = {"name", "title", "compound", "compound_name"}
# RDKit's hand-drawn (comic) mode jitters lines with a process-wide random state, so it is not
# reproducible per sample and is left out.
FONTS = ["default", "Telex-Regular.ttf", "Amadeus.ttf"]
SMILES_HEADERS = {"smiles", "smi", "canonical_smiles"}


class MoleculeParams(RendererParams):
    target: Literal["canonical", "as_given"] = Field("canonical", description="SMILES written as the target")
    isomeric: bool = Field(True, description="keep stereo and isotopes in canonical targets")
    min_size: int = Field(256, ge=64, le=4096, description="smallest image side in pixels")
    max_size: int = Field(640, ge=64, le=4096, description="largest image side in pixels")
    color_prob: float = Field(0.5, ge=0, le=1, description="chance of a coloured atom palette")
    explicit_h_prob: float = Field(0.1, ge=0, le=1, description="chance of drawing all hydrogens")
    abbreviation_prob: float = Field(0.3, ge=0, le=1, description="chance of condensing groups (CO2Et, Ph)")
    rotate: bool = Field(True, description="rotate the depiction by a random angle")
    max_heavy_atoms: int = Field(100, ge=1, description="larger molecules are rejected")
    smiles_column: str = Field("smiles", description="column holding SMILES in .csv/.tsv corpora")


class MoleculeRenderer(Renderer):
    name = "molecule"
    version = "1.1.0"  # 1.1: the compound's Hill formula in the params, its name (if any) in the source
    target_format = "smiles"
    shard_prefix = "mol"
    Params = MoleculeParams
    description = "2-D molecule depictions with RDKit"
    corpus_help = ".smi/.txt (first token per line), .csv/.tsv (smiles_column), .sdf"
    params: MoleculeParams

    @classmethod
    def dependency_versions(cls) -> dict[str, str]:
        return {"rdkit": rdBase.rdkitVersion}

    def setup(self) -> None:
        RDLogger.DisableLog("rdApp.*")  # invalid input is reported as rejections, not log spam
        # RDKit's own depictor, not CoordGen: CoordGen's layout of metal complexes and of molecules
        # drawn with explicit hydrogens changes from call to call in one process (13 of the 6,163
        # built-in items), so a sample would depend on what its worker drew before.
        rdDepictor.SetPreferCoordGen(False)
        self.abbreviations = rdAbbreviations.GetDefaultAbbreviations()
        self.font_dir = Path(RDConfig.RDDataDir) / "Fonts"

    def load_corpus(self, paths: list[Path]) -> Corpus:
        if not paths:
            items = [
                item
                for rel, col, licence, naming in BUILTIN_SETS
                for item in _smi_items(_RDKIT / rel, col, licence, naming)
            ]
            return Corpus("rdkit-builtin", items)
        items = []
        for path in paths:
            suffix = path.suffix.lower()
            if suffix in (".csv", ".tsv"):
                items.extend(_table_items(path, self.params.smiles_column, "\t" if suffix == ".tsv" else ","))
            elif suffix == ".sdf":
                items.extend(_sdf_items(path))
            else:
                items.extend(_smi_items(path, 0, None, "{}"))
        return Corpus(",".join(p.name for p in paths)[:200], items)

    def render_batch(self, jobs: list[Job]) -> list[Sample | Rejection]:
        return [self._render(job) for job in jobs]

    def _render(self, job: Job) -> Sample | Rejection:
        smiles = str(job.item.value).strip()
        if not smiles:
            return Rejection("empty_input")
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            return Rejection("invalid_smiles", smiles[:120])
        if mol.GetNumHeavyAtoms() == 0:
            return Rejection("empty_molecule", smiles[:120])
        if mol.GetNumHeavyAtoms() > self.params.max_heavy_atoms:
            return Rejection("too_many_atoms", str(mol.GetNumHeavyAtoms()))
        target = Chem.MolToSmiles(mol, isomericSmiles=self.params.isomeric)
        if self.params.target == "as_given":
            target = smiles

        rng, p = job.rng, self.params
        style = {
            "width": int(rng.integers(p.min_size, max(p.min_size, p.max_size) + 1)),
            "height": int(rng.integers(p.min_size, max(p.min_size, p.max_size) + 1)),
            "rotation": round(float(rng.uniform(0, 360)), 1) if p.rotate else 0.0,
            "bond_width": round(float(rng.uniform(1.0, 3.0)), 2),
            "font_scale": round(float(rng.uniform(0.6, 1.2)), 2),
            "padding": round(float(rng.uniform(0.03, 0.12)), 3),
            "color": bool(rng.random() < p.color_prob),
            "explicit_h": bool(rng.random() < p.explicit_h_prob),
            "abbreviations": bool(rng.random() < p.abbreviation_prob),
            "font": FONTS[int(rng.integers(len(FONTS)))],
        }
        drawn = Chem.AddHs(mol) if style["explicit_h"] else Chem.Mol(mol)
        rdDepictor.Compute2DCoords(drawn)
        if style["abbreviations"] and not style["explicit_h"]:
            drawn = rdAbbreviations.CondenseMolAbbreviations(drawn, self.abbreviations, maxCoverage=0.4)
        png = self._draw(drawn, style)
        # Black-and-white depictions are stored as greyscale: a third of the pixels to encode.
        image = Image.open(io.BytesIO(png)).convert("RGB" if style["color"] else "L")
        # the Hill formula, for users and for captions that name the compound drawn
        return Sample(images=[image], target=target, params=style | {"formula": CalcMolFormula(mol)})

    def _draw(self, mol: Chem.Mol, style: dict) -> bytes:
        drawer = rdMolDraw2D.MolDraw2DCairo(style["width"], style["height"])
        options = drawer.drawOptions()
        options.rotate = style["rotation"]
        options.bondLineWidth = style["bond_width"]
        options.baseFontSize = 0.6 * style["font_scale"]
        options.padding = style["padding"]
        if style["font"] != "default":
            options.fontFile = str(self.font_dir / style["font"])
        if not style["color"]:
            options.useBWAtomPalette()
        rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol)
        drawer.FinishDrawing()
        return drawer.GetDrawingText()


def _smi_items(path: Path, column: int, licence: str | None, naming: str | None) -> list[CorpusItem]:
    """One SMILES per line (whitespace-separated fields); header lines and comments are skipped.
    The first other field names the compound through ``naming`` (None: it is no name)."""
    items = []
    try:
        for number, line in read_lines(path):
            fields = line.split()
            if line.startswith("#") or len(fields) <= column or fields[column].lower() in SMILES_HEADERS:
                continue
            others = fields[:column] + fields[column + 1 :]
            name = naming.format(others[0])[:80] if naming and others else None
            items.append(CorpusItem(f"{path.name}:{number}", fields[column], path.name, licence, name))
    except OSError as err:
        raise CorpusError(f"cannot read corpus file {path}: {err.strerror}") from None
    return items


def _table_items(path: Path, column: str, delimiter: str) -> list[CorpusItem]:
    try:
        # bounded lines: a 1 GiB line is refused before it is read whole
        lines = (f"{line}\n" for _, line in bounded_lines(path))
        reader = csv.DictReader(lines, delimiter=delimiter)
        fields = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
        if column.lower() not in fields:
            raise CorpusError(
                f"{path}: no column {column!r} (columns: {sorted(fields)}); set --param smiles_column=NAME"
            )
        key = fields[column.lower()]
        name = next((fields[n] for n in sorted(NAME_HEADERS) if n in fields), None)
        return [
            CorpusItem(
                f"{path.name}:{row_number}",
                (row.get(key) or "").strip(),
                path.name,
                name=(row.get(name) or "").strip()[:80] or None if name else None,
            )
            for row_number, row in enumerate(reader, start=2)
        ]
    except UntrustedInput as err:
        raise CorpusError(str(err)) from None
    except (OSError, csv.Error) as err:
        raise CorpusError(f"cannot read corpus file {path}: {err}") from None


def _sdf_items(path: Path) -> list[CorpusItem]:
    for _ in read_lines(path):  # RDKit would read a 1 GiB line whole: check line lengths first
        pass
    RDLogger.DisableLog("rdApp.*")
    supplier = Chem.SDMolSupplier(str(path), sanitize=True)
    return [
        CorpusItem(
            f"{path.name}:{number}",
            Chem.MolToSmiles(mol) if mol is not None else "",
            path.name,
            name=(mol.GetProp("_Name").strip()[:80] or None)
            if mol is not None and mol.HasProp("_Name")
            else None,
        )
        for number, mol in enumerate(supplier, start=1)
    ]
