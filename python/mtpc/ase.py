"""ASE interface of mtpc: a Calculator, and .cfg files as lists of ase.Atoms.

    from mtpc.ase import MTPCalculator, read_cfg, write_cfg
    atoms.calc = MTPCalculator("pot.mtp", species=["Nb", "Mo", "Ta", "W"])
    atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress()

`species` are the chemical symbols of the potential's types 0, 1, ... in order (MLIP-2 files
number species; ASE names them).  Stress follows ASE: sigma = -virial / volume (eV/A^3), Voigt
order xx yy zz yz xz xy, the order of MLIP-2's PlusStress.
"""
import os

import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes
from ase.calculators.singlepoint import SinglePointCalculator
from ase.data import chemical_symbols

from . import InputError, Potential, read_cfg_dicts, write_cfg_dicts

__all__ = ["MTPCalculator", "read_cfg", "write_cfg", "atoms_to_cfg_dict", "cfg_dict_to_atoms"]


def _checked_species(species, count, source):
    species = [str(s) for s in species]
    for s in species:
        if s not in chemical_symbols[1:]:
            raise InputError(f"species: '{s}' is not a chemical symbol")
    if len(set(species)) != len(species):
        raise InputError(f"species: {species} names a symbol twice")
    if count is not None and len(species) != count:
        raise InputError(f"{source}: the potential has {count} species, but species lists {len(species)}: "
                         f"{', '.join(species)}")
    return species


def _types(atoms, type_of, source):
    """Type index per atom; an InputError for a symbol the potential does not have.  A lookup
    table by atomic number keeps this a vectorised numpy operation (MD calls it every step)."""
    table = np.full(len(chemical_symbols), -1, dtype=np.intc)
    for symbol, t in type_of.items():
        table[chemical_symbols.index(symbol)] = t
    types = table[atoms.numbers]
    if (types < 0).any():
        unknown = chemical_symbols[atoms.numbers[np.argmax(types < 0)]]
        raise InputError(f"{source}: the structure has {unknown} atoms, but the potential's species are "
                         f"{', '.join(type_of)}")
    return types


def _cell(atoms, source):
    """The lattice (rows) of a fully periodic structure, None for an open one."""
    pbc = np.asarray(atoms.pbc, dtype=bool)
    if not pbc.any():
        return None
    if not pbc.all():
        raise InputError(f"{source}: pbc {pbc.tolist()}: MTP structures are periodic in all three directions "
                         f"or in none (use pbc=True with vacuum for slabs and wires)")
    cell = np.array(atoms.cell, dtype=float)
    if abs(np.linalg.det(cell)) < 1e-9:
        raise InputError(f"{source}: periodic structure with a degenerate cell (zero volume)")
    return cell


class MTPCalculator(Calculator):
    """Energy, forces, stress and per-atom energies of a (compressed or base) MTP.

    potential: a path to a .mtp file, or an mtpc.Potential (e.g. from mtpc.load_run).
    species:   chemical symbols of the potential's types in order, e.g. ["Nb", "Mo", "Ta", "W"].
    threads:   OpenMP threads over atoms (results do not depend on it).

    The GIL is released during evaluation.  Open (pbc=False) structures have no stress.
    """

    implemented_properties = ["energy", "free_energy", "forces", "stress", "energies"]

    def __init__(self, potential, species, threads=1, **kwargs):
        super().__init__(**kwargs)
        self.potential = potential if isinstance(potential, Potential) else Potential(os.fspath(potential))
        self.species = _checked_species(species, self.potential.species_count, self.potential.source)
        self.threads = int(threads)
        self._type_of = {s: i for i, s in enumerate(self.species)}

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        source = self.potential.source
        types = _types(self.atoms, self._type_of, source)
        cell = _cell(self.atoms, source)
        energy, forces, virial, energies = self.potential.compute(types, self.atoms.positions, cell, self.threads)
        self.results = {"energy": energy, "free_energy": energy, "forces": forces, "energies": energies}
        if cell is not None:
            self.results["stress"] = -virial / abs(np.linalg.det(cell))


def cfg_dict_to_atoms(d, species):
    """One configuration (a dict of read_cfg_dicts) as ase.Atoms; its energy, forces and stress
    (sigma = -PlusStress / V) on a SinglePointCalculator, Features in atoms.info["features"]
    (a dict name -> value text), EnergyWeight in atoms.info["energy_weight"]."""
    types = np.asarray(d["types"])
    if len(types) and types.max() >= len(species):
        raise InputError(f"type {types.max()} has no symbol in species {list(species)}")
    periodic = d["cell"] is not None
    atoms = Atoms(symbols=[species[t] for t in types], positions=d["positions"],
                  cell=d["cell"] if periodic else None, pbc=periodic)
    if d["features"]:
        atoms.info["features"] = dict(d["features"])
    if d["energy_weight"] is not None:
        atoms.info["energy_weight"] = d["energy_weight"]
    results = {}
    if d["energy"] is not None:
        results["energy"] = d["energy"]
    if d["forces"] is not None:
        results["forces"] = np.asarray(d["forces"])
    if d["plus_stress"] is not None and periodic:
        results["stress"] = -np.asarray(d["plus_stress"]) / atoms.get_volume()
    if results:
        atoms.calc = SinglePointCalculator(atoms, **results)
    return atoms


def atoms_to_cfg_dict(atoms, species):
    """The inverse of cfg_dict_to_atoms.  Energy, forces and stress come from atoms.calc's stored
    results (nothing is computed here)."""
    type_of = {s: i for i, s in enumerate(_checked_species(species, None, "write_cfg"))}
    cell = _cell(atoms, "write_cfg")
    results = atoms.calc.results if atoms.calc is not None else {}
    d = {"types": _types(atoms, type_of, "write_cfg"), "positions": np.asarray(atoms.positions, dtype=float),
         "cell": cell, "energy": results.get("energy"), "forces": results.get("forces"),
         "plus_stress": None, "energy_weight": atoms.info.get("energy_weight"),
         "features": [(str(k), str(v)) for k, v in atoms.info.get("features", {}).items()]}
    stress = results.get("stress")
    if stress is not None and cell is not None:
        stress = np.asarray(stress, dtype=float)
        if stress.shape == (3, 3):
            stress = stress[[0, 1, 2, 1, 0, 0], [0, 1, 2, 2, 2, 1]]
        d["plus_stress"] = -stress * abs(np.linalg.det(cell))
    return d


def read_cfg(path, species):
    """Every configuration of a .cfg file as ase.Atoms (see cfg_dict_to_atoms)."""
    species = _checked_species(species, None, os.fspath(path))
    return [cfg_dict_to_atoms(d, species) for d in read_cfg_dicts(path)]


def write_cfg(path, images, species):
    """Writes ase.Atoms (one or a list) as a .cfg file, atomically (see atoms_to_cfg_dict)."""
    if isinstance(images, Atoms):
        images = [images]
    write_cfg_dicts(path, [atoms_to_cfg_dict(a, species) for a in images])
