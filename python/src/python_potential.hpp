// The object behind Python's mtpc.Potential: a potential and its evaluation model.
#pragma once

#include <memory>
#include <string>

#include "mtpc/core/mtp_potential.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace mtpc::python {

class PythonPotential {
public:
    /// Throws InputError (naming `source`) for an untrained or inconsistent potential.
    PythonPotential(MtpPotential pot, std::string source);
    [[nodiscard]] const MtpModel& model() const { return *model_; }
    [[nodiscard]] const MtpPotential& potential() const { return pot_; }
    [[nodiscard]] const std::string& source() const { return source_; }

private:
    MtpPotential pot_;
    std::string source_;
    std::unique_ptr<MtpModel> model_;
};

}  // namespace mtpc::python
