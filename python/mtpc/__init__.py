"""mtpc: Moment Tensor Potentials (MLIP-2 compatible) and their compressed forms, from Python.

    import mtpc
    pot = mtpc.Potential("pot.mtp")                      # a trained MLIP-2 / mtpc potential
    e, f, virial, e_i = pot.compute(types, positions, cell)
    runs = mtpc.train("fit.json")                        # like `mtpc train fit.json`
    pot, info = mtpc.load_run("runs/base/seed-1")        # a run's (compressed) parameters

ASE: ``from mtpc.ase import MTPCalculator, read_cfg, write_cfg``.

Bad input raises ``mtpc.InputError`` (a ValueError) with a one-line message naming the file.
"""
import json as _json
import os as _os

from . import _mtpc
from ._mtpc import InputError, Potential, __version__
from ._plugin_dir import PLUGIN_DIR

__all__ = ["InputError", "Potential", "load_run", "read_cfg_dicts", "train", "write_cfg_dicts", "__version__"]


def train(manifest, quiet=True):
    """Runs a training manifest (every variant and seed) and returns the run summaries as dicts
    (what summary.json lists: variant, seed, loss, errors, directory...).  The GIL is released
    while training; plugins of this build are found without MTPC_PLUGIN_PATH."""
    return _json.loads(_mtpc.train(_os.fspath(manifest), [PLUGIN_DIR], quiet))


def load_run(path):
    """Loads a run's parameters.json (or the run directory holding it): the radial plugin the run
    used materialises its compressed parameters theta.  Returns (Potential, info) where info has
    'species', 'radial_plugin', 'radial_options' (dict) and 'theta' (list)."""
    pot, species, plugin, options, theta = _mtpc.load_run(_os.fspath(path), [PLUGIN_DIR])
    return pot, {"species": list(species), "radial_plugin": plugin,
                 "radial_options": _json.loads(options), "theta": list(theta)}


def read_cfg_dicts(path):
    """The configurations of a .cfg file as dicts of numpy arrays (types, positions, cell or None,
    energy, forces, plus_stress = MLIP-2's virial in eV, energy_weight, features)."""
    return _mtpc.read_cfg(_os.fspath(path))


def write_cfg_dicts(path, configurations):
    """Writes dicts as read_cfg_dicts returns them to a .cfg file (atomically)."""
    _mtpc.write_cfg(_os.fspath(path), list(configurations))
