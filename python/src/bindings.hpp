// The parts of the `_mtpc` extension, one file each; module.cpp puts them together.
#pragma once

#include <pybind11/pybind11.h>

namespace mtpc::python {

void bind_potential(pybind11::module_& m);      // Potential: load, evaluate
void bind_configurations(pybind11::module_& m); // read_cfg / write_cfg as dicts of numpy arrays
void bind_training(pybind11::module_& m);       // train(manifest), load_run(parameters.json)

}  // namespace mtpc::python
