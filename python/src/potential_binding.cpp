// Potential: an .mtp file (or a run's parameters) as an MtpModel, evaluated on numpy arrays with
// the GIL released, so Python threads (and ASE) can run meanwhile.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <memory>
#include <string>

#include "bindings.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/mtp/neighbor_list.hpp"
#include "python_potential.hpp"

namespace py = pybind11;

namespace mtpc::python {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using IntArray = py::array_t<int, py::array::c_style | py::array::forcecast>;

/// Checks the arrays of one structure and returns the atom count.
int check_structure(const PythonPotential& p, const IntArray& types, const DoubleArray& positions,
                    const DoubleArray* cell) {
    if (positions.ndim() != 2 || positions.shape(1) != 3)
        throw InputError("positions: must be an array of shape (N, 3)");
    const int n = int(positions.shape(0));
    if (types.ndim() != 1 || types.shape(0) != n)
        throw InputError(fmt::format("types: must be an array of {} integers (one per atom)", n));
    if (cell != nullptr && (cell->ndim() != 2 || cell->shape(0) != 3 || cell->shape(1) != 3))
        throw InputError("cell: must be a 3 x 3 array (rows are the lattice vectors) or None");
    const int* t = types.data();
    for (int i = 0; i < n; ++i)
        if (t[i] < 0 || t[i] >= p.model().species_count())
            throw InputError(fmt::format("{}: atom {} has type {}, but the potential has {} species", p.source(), i,
                                         t[i], p.model().species_count()));
    return n;
}

/// (energy, forces (N,3), virial (6: xx yy zz yz xz xy, MLIP-2's PlusStress), site energies (N)).
py::tuple compute(const PythonPotential& p, const IntArray& types, const DoubleArray& positions,
                  const py::object& cell_obj, int threads) {
    DoubleArray cell;
    if (!cell_obj.is_none()) cell = cell_obj.cast<DoubleArray>();
    const int n = check_structure(p, types, positions, cell_obj.is_none() ? nullptr : &cell);
    EfsResult r;
    {
        py::gil_scoped_release free_python;
        const NeighborList nl(n, positions.data(), cell_obj.is_none() ? nullptr : cell.data(), p.model().cutoff(),
                              p.source());
        r = p.model().compute_efs(nl, types.data(), p.model().parameters(), std::max(1, threads));
    }
    DoubleArray forces({n, 3}), virial(6), site({n});
    for (int i = 0; i < n; ++i) {
        for (int a = 0; a < 3; ++a) forces.mutable_at(i, a) = r.forces[i][a];
        site.mutable_at(i) = r.site_energies[i];
    }
    for (int k = 0; k < 6; ++k) virial.mutable_at(k) = r.virial[k];
    return py::make_tuple(r.energy, forces, virial, site);
}

}  // namespace

PythonPotential::PythonPotential(MtpPotential pot, std::string source) : pot_(std::move(pot)), source_(std::move(source)) {
    if (!pot_.trained()) throw InputError(source_ + ": the potential is untrained (no moment coefficients)");
    model_ = std::make_unique<MtpModel>(pot_);
}

void bind_potential(py::module_& m) {
    py::class_<PythonPotential, std::shared_ptr<PythonPotential>>(m, "Potential",
        "A trained MTP (.mtp file).  compute() gives energy, forces, virial and per-atom energies.")
        .def(py::init([](const std::string& path) { return std::make_shared<PythonPotential>(read_mtp(path), path); }),
             py::arg("path"))
        .def_property_readonly("source", &PythonPotential::source, "The file it was read from")
        .def_property_readonly("species_count", [](const PythonPotential& p) { return p.model().species_count(); })
        .def_property_readonly("cutoff", [](const PythonPotential& p) { return p.model().cutoff(); }, "max_dist (Å)")
        .def_property_readonly("min_dist", [](const PythonPotential& p) { return p.potential().min_dist; })
        .def_property_readonly("scalar_moments", [](const PythonPotential& p) { return p.model().scalar_count(); })
        .def("compute", &compute, py::arg("types"), py::arg("positions"), py::arg("cell") = py::none(),
             py::arg("threads") = 1,
             "(energy eV, forces (N,3) eV/Å, virial (6) eV [xx yy zz yz xz xy, = -stress*volume], "
             "site energies (N) eV).  `cell`: rows are lattice vectors, periodic in all directions; "
             "None: an open (non-periodic) structure.  Releases the GIL; threads run over atoms.")
        .def("write", [](const PythonPotential& p, const std::string& path) { write_mtp(path, p.potential()); },
             py::arg("path"), "Writes the potential (MLIP-2 .mtp, radial tensor materialised)");
}

}  // namespace mtpc::python
