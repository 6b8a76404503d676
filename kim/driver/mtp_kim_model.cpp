#include "mtp_kim_model.hpp"

#include <fstream>
#include <iterator>

#include "mtpc/core/error.hpp"
#include "mtpc/io/mtp_io.hpp"

namespace mtpc::kim {

namespace {

std::vector<std::string> read_species(const std::string& file, int expected) {
    std::ifstream in(file);
    if (!in) throw InputError(file + ": cannot open the species file");
    std::vector<std::string> symbols{std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
    if (int(symbols.size()) != expected)
        throw InputError(file + ": " + std::to_string(symbols.size()) + " species, but the potential has " +
                         std::to_string(expected));
    return symbols;
}

}  // namespace

MtpKimModel::MtpKimModel(const std::string& potential_file, const std::string& species_file)
    : model(read_mtp(potential_file)) {
    species = read_species(species_file, model.species_count());
    cutoff = model.cutoff();
    influence_distance = cutoff;
}

}  // namespace mtpc::kim
