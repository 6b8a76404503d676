// The KIM API routines of mtpc's MTP model driver: create (read the parameter files, publish
// species, units, cutoff and routines), compute-arguments create/destroy, destroy.  No Refresh:
// the driver publishes no parameters, so nothing a simulator could change needs re-reading.
// The computation itself is in mtp_kim_compute.cpp.
//
// Errors are reported through KIM's log (LOG_ERROR) and a non-zero return, never by letting an
// exception cross the C interface.  LAMMPS turns a failed create into a generic "KIM ModelCreate
// failed", so the cause is also written as one line to stderr, where the user sees it.
#include <cstdio>
#include <exception>
#include <string>

#include "KIM_LogMacros.hpp"
#include "KIM_ModelDriverHeaders.hpp"
#include "mtp_kim_compute.hpp"
#include "mtp_kim_model.hpp"

namespace {

using mtpc::kim::MtpKimModel;

void report(const std::string& message) { std::fprintf(stderr, "mtpc KIM driver: error: %s\n", message.c_str()); }

#define KIM_LOGGER_OBJECT_NAME create
/// Species codes are the potential's type indices, so compute needs no translation table.
int publish_species(KIM::ModelDriverCreate* const create, const MtpKimModel& m) {
    for (int t = 0; t < int(m.species.size()); ++t) {
        const KIM::SpeciesName name(m.species[t]);
        if (!name.Known()) {
            const std::string msg = "species file: '" + m.species[t] + "' is not a chemical symbol KIM knows";
            LOG_ERROR(msg);
            report(msg);
            return 1;
        }
        if (create->SetSpeciesCode(name, t)) return 1;
    }
    return 0;
}

int publish_routines(KIM::ModelDriverCreate* const create) {
    using namespace KIM::MODEL_ROUTINE_NAME;
    const KIM::LanguageName cpp = KIM::LANGUAGE_NAME::cpp;
    return create->SetRoutinePointer(ComputeArgumentsCreate, cpp, true,
                                     reinterpret_cast<KIM::Function*>(mtpc::kim::compute_arguments_create)) ||
           create->SetRoutinePointer(Compute, cpp, true, reinterpret_cast<KIM::Function*>(mtpc::kim::compute)) ||
           create->SetRoutinePointer(ComputeArgumentsDestroy, cpp, true,
                                     reinterpret_cast<KIM::Function*>(mtpc::kim::compute_arguments_destroy)) ||
           create->SetRoutinePointer(Destroy, cpp, true, reinterpret_cast<KIM::Function*>(mtpc::kim::destroy));
}

/// The model's two parameter files, in the order mtpc export-kim writes them.
int parameter_files(KIM::ModelDriverCreate* const create, std::string& potential, std::string& species) {
    int count = 0;
    create->GetNumberOfParameterFiles(&count);
    if (count != 2) {
        const std::string msg = "expected 2 parameter files (potential .mtp, species list), got " + std::to_string(count);
        LOG_ERROR(msg);
        report(msg);
        return 1;
    }
    const std::string* dir = nullptr;
    const std::string* name = nullptr;
    create->GetParameterFileDirectoryName(&dir);
    if (create->GetParameterFileBasename(0, &name)) return 1;
    potential = *dir + "/" + *name;
    if (create->GetParameterFileBasename(1, &name)) return 1;
    species = *dir + "/" + *name;
    return 0;
}
#undef KIM_LOGGER_OBJECT_NAME

}  // namespace

extern "C" int mtpc_kim_driver_create(KIM::ModelDriverCreate* const create, KIM::LengthUnit const,
                                      KIM::EnergyUnit const, KIM::ChargeUnit const, KIM::TemperatureUnit const,
                                      KIM::TimeUnit const) {
#define KIM_LOGGER_OBJECT_NAME create
    // MTP parameters are in Å and eV; KIM simulators convert (LAMMPS `units metal` needs nothing).
    if (create->SetUnits(KIM::LENGTH_UNIT::A, KIM::ENERGY_UNIT::eV, KIM::CHARGE_UNIT::unused,
                         KIM::TEMPERATURE_UNIT::unused, KIM::TIME_UNIT::unused) ||
        create->SetModelNumbering(KIM::NUMBERING::zeroBased)) {
        LOG_ERROR("cannot set units or numbering");
        return 1;
    }
    std::string potential, species;
    if (parameter_files(create, potential, species)) return 1;
    MtpKimModel* m = nullptr;
    try {
        m = new MtpKimModel(potential, species);
    } catch (const std::exception& e) {
        LOG_ERROR(e.what());
        report(e.what());
        return 1;
    }
    if (publish_species(create, *m) || publish_routines(create)) {
        delete m;
        return 1;
    }
    create->SetModelBufferPointer(m);
    create->SetInfluenceDistancePointer(&m->influence_distance);
    create->SetNeighborListPointers(1, &m->cutoff, &m->will_not_request_padding_neighbors);
    return 0;
#undef KIM_LOGGER_OBJECT_NAME
}

namespace mtpc::kim {

int destroy(KIM::ModelDestroy* const destroy) {
    MtpKimModel* m = nullptr;
    destroy->GetModelBufferPointer(reinterpret_cast<void**>(&m));
    delete m;
    return 0;
}

int compute_arguments_create(KIM::ModelCompute const* const, KIM::ModelComputeArgumentsCreate* const args) {
    using namespace KIM::COMPUTE_ARGUMENT_NAME;
    const KIM::SupportStatus optional = KIM::SUPPORT_STATUS::optional;
    return args->SetArgumentSupportStatus(partialEnergy, optional) ||
           args->SetArgumentSupportStatus(partialForces, optional) ||
           args->SetArgumentSupportStatus(partialParticleEnergy, optional) ||
           args->SetArgumentSupportStatus(partialVirial, optional) ||
           args->SetArgumentSupportStatus(partialParticleVirial, optional);
}

int compute_arguments_destroy(KIM::ModelCompute const* const, KIM::ModelComputeArgumentsDestroy* const) { return 0; }

}  // namespace mtpc::kim
