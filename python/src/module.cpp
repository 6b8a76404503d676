// `_mtpc`: the compiled part of the Python package `mtpc` (see python/mtpc/__init__.py).
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "mtpc/core/error.hpp"

PYBIND11_MODULE(_mtpc, m) {
    m.doc() = "mtpc: Moment Tensor Potentials (compiled core; use the `mtpc` package)";
    m.attr("__version__") = MTPC_VERSION;
    // Bad input (a malformed file, an unknown species...) is a ValueError with mtpc's one-line message.
    pybind11::register_exception<mtpc::InputError>(m, "InputError", PyExc_ValueError);
    mtpc::python::bind_potential(m);
    mtpc::python::bind_configurations(m);
    mtpc::python::bind_training(m);
}
