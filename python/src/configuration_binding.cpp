// .cfg files as lists of dicts of numpy arrays (mtpc/ase.py turns them into ase.Atoms):
//   types (N int), positions (N,3), cell (3,3 rows = lattice vectors, or None when not periodic),
//   energy, forces (N,3), plus_stress (6: xx yy zz yz xz xy, MLIP-2's virial in eV) -- each None
//   when absent -- energy_weight (or None) and features (list of (name, value) strings).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"

namespace py = pybind11;

namespace mtpc::python {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using IntArray = py::array_t<int, py::array::c_style | py::array::forcecast>;

DoubleArray vectors(const std::vector<Eigen::Vector3d>& v) {
    DoubleArray a({py::ssize_t(v.size()), py::ssize_t(3)});
    for (size_t i = 0; i < v.size(); ++i)
        for (int k = 0; k < 3; ++k) a.mutable_at(i, k) = v[i][k];
    return a;
}

py::dict to_dict(const Configuration& c) {
    py::dict d;
    IntArray types(c.size());
    for (int i = 0; i < c.size(); ++i) types.mutable_at(i) = c.types[i];
    d["types"] = types;
    d["positions"] = vectors(c.positions);
    if (c.periodic) {
        DoubleArray cell({3, 3});
        for (int r = 0; r < 3; ++r)
            for (int k = 0; k < 3; ++k) cell.mutable_at(r, k) = c.lattice(r, k);
        d["cell"] = cell;
    } else {
        d["cell"] = py::none();
    }
    d["energy"] = c.energy ? py::cast(*c.energy) : py::none();
    d["forces"] = c.has_forces() ? py::object(vectors(c.forces)) : py::none();
    d["plus_stress"] = c.plus_stress ? py::object(py::cast(std::vector<double>(c.plus_stress->begin(), c.plus_stress->end())))
                                     : py::none();
    d["energy_weight"] = c.energy_weight ? py::cast(*c.energy_weight) : py::none();
    d["features"] = c.features;
    return d;
}

/// Fixed-width rows of numbers from a key of `d` (an InputError naming the configuration if not).
std::vector<Eigen::Vector3d> rows3(const py::dict& d, const char* key, int n, const std::string& where) {
    const auto a = d[key].cast<DoubleArray>();
    if (a.ndim() != 2 || a.shape(0) != n || a.shape(1) != 3)
        throw InputError(fmt::format("{}: {}: must have shape ({}, 3)", where, key, n));
    std::vector<Eigen::Vector3d> v(n);
    for (int i = 0; i < n; ++i) v[i] = {a.at(i, 0), a.at(i, 1), a.at(i, 2)};
    return v;
}

bool has(const py::dict& d, const char* key) { return d.contains(key) && !d[key].is_none(); }

Configuration from_dict(const py::dict& d, const std::string& where) {
    if (!has(d, "types") || !has(d, "positions")) throw InputError(where + ": needs 'types' and 'positions'");
    Configuration c;
    const auto types = d["types"].cast<IntArray>();
    if (types.ndim() != 1) throw InputError(where + ": types: must be a 1-d array of integers");
    const int n = int(types.shape(0));
    for (int i = 0; i < n; ++i) {
        if (types.at(i) < 0) throw InputError(fmt::format("{}: types: atom {} has a negative type", where, i));
        c.types.push_back(types.at(i));
        c.ids.push_back(i + 1);
    }
    c.positions = rows3(d, "positions", n, where);
    if (has(d, "cell")) {
        const auto rows = rows3(d, "cell", 3, where);
        for (int r = 0; r < 3; ++r) c.lattice.row(r) = rows[r].transpose();
        c.periodic = true;
    }
    if (has(d, "energy")) c.energy = d["energy"].cast<double>();
    if (has(d, "forces")) c.forces = rows3(d, "forces", n, where);
    if (has(d, "plus_stress")) {
        const auto s = d["plus_stress"].cast<std::vector<double>>();
        if (s.size() != 6) throw InputError(where + ": plus_stress: must have 6 values (xx yy zz yz xz xy)");
        c.plus_stress = std::array<double, 6>{s[0], s[1], s[2], s[3], s[4], s[5]};
    }
    if (has(d, "energy_weight")) c.energy_weight = d["energy_weight"].cast<double>();
    if (has(d, "features")) c.features = d["features"].cast<std::vector<std::pair<std::string, std::string>>>();
    return c;
}

}  // namespace

void bind_configurations(py::module_& m) {
    m.def("read_cfg", [](const std::string& path) {
        std::vector<Configuration> cfgs;
        {
            py::gil_scoped_release free_python;
            cfgs = read_cfg(path);
        }
        py::list out;
        for (const auto& c : cfgs) out.append(to_dict(c));
        return out;
    }, py::arg("path"), "Every configuration of a .cfg file, as dicts");
    m.def("write_cfg", [](const std::string& path, const py::list& dicts) {
        std::vector<Configuration> cfgs;
        for (size_t k = 0; k < dicts.size(); ++k)
            cfgs.push_back(from_dict(dicts[k].cast<py::dict>(), fmt::format("{}: configuration {}", path, k + 1)));
        py::gil_scoped_release free_python;
        write_cfg(path, cfgs);  // atomically
    }, py::arg("path"), py::arg("configurations"), "Writes dicts like read_cfg's as a .cfg file (atomically)");
}

}  // namespace mtpc::python
