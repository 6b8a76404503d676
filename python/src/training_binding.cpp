// Training from Python: mtpc.train("fit.json") runs a manifest like `mtpc train`; load_run reads a
// run's compressed parameters back into a Potential.
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "mtpc/train/manifest.hpp"
#include "mtpc/train/run_parameters.hpp"
#include "mtpc/train/trainer.hpp"
#include "python_potential.hpp"

namespace py = pybind11;

namespace mtpc::python {

void bind_training(py::module_& m) {
    m.def("train", [](const std::string& manifest_path, const std::vector<std::string>& plugin_paths, bool quiet) {
        // Plugins of this build come after the manifest's own plugin_paths.
        Manifest manifest = load_manifest(manifest_path);
        manifest.plugin_paths.insert(manifest.plugin_paths.end(), plugin_paths.begin(), plugin_paths.end());
        TrainOptions options;
        options.quiet = quiet;
        options.progress_bar = 0;
        nlohmann::json runs = nlohmann::json::array();
        {
            py::gil_scoped_release free_python;
            Trainer trainer(std::move(manifest), options);
            for (const auto& r : trainer.run()) runs.push_back(r.to_json());
        }
        return runs.dump();
    }, py::arg("manifest"), py::arg("plugin_paths"), py::arg("quiet") = true,
       "Runs a manifest; returns the run summaries as JSON text (a list)");
    m.def("load_run", [](const std::string& path, const std::vector<std::string>& plugin_paths) {
        RunParameters r = load_run_parameters(path, plugin_paths);
        auto potential = std::make_shared<PythonPotential>(r.potential, path);
        return py::make_tuple(potential, r.species, r.radial_plugin, r.radial_options, r.theta);
    }, py::arg("path"), py::arg("plugin_paths"),
       "(Potential, species, radial plugin, radial options JSON, theta) of a run's parameters.json");
}

}  // namespace mtpc::python
