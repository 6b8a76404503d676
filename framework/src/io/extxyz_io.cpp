// Extended XYZ reader (the dialect ASE writes).
//
// Each frame: a line with the atom count, a comment line of key=value pairs (values may be
// quoted), then one line per atom whose columns the `Properties` key describes
// (name:type:count triples, e.g. species:S:1:pos:R:3:forces:R:3).  Units follow ASE: eV, Å,
// stress in eV/Å³ with ASE's sign (stress = −virial/volume), virial in eV.
#include "mtpc/io/extxyz_io.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

#include "mtpc/core/error.hpp"
#include "text_scan.hpp"

namespace mtpc {
namespace {

using io_detail::LineScanner;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// One `key=value` of the comment line (key lower-cased: ASE treats the standard keys so).
struct KeyValue {
    std::string key;
    std::string value;
};

/// Splits the comment line into key=value pairs; values may be "quoted" or 'quoted' (spaces
/// inside) and a bare key means `true`.
std::vector<KeyValue> parse_comment(std::string_view s, const LineScanner& scan) {
    std::vector<KeyValue> out;
    std::size_t i = 0;
    const auto skip_ws = [&] {
        while (i < s.size() && io_detail::is_space(s[i])) ++i;
    };
    const auto read_word = [&]() -> std::string {
        skip_ws();
        std::string word;
        if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
            const char quote = s[i++];
            const std::size_t close = s.find(quote, i);
            if (close == std::string_view::npos) throw scan.error("unterminated quoted value in the comment line");
            word = std::string(s.substr(i, close - i));
            i = close + 1;
            return word;
        }
        while (i < s.size() && !io_detail::is_space(s[i]) && s[i] != '=') word += s[i++];
        return word;
    };
    for (;;) {
        skip_ws();
        if (i >= s.size()) break;
        KeyValue kv;
        kv.key = lower(read_word());
        if (kv.key.empty()) throw scan.error("malformed key=value in the comment line near '" + std::string(s.substr(i, 20)) + "'");
        skip_ws();
        if (i < s.size() && s[i] == '=') {
            ++i;
            kv.value = read_word();
        } else {
            kv.value = "T";
        }
        out.push_back(std::move(kv));
    }
    return out;
}

/// Parses `count` whitespace-separated finite numbers of `value` (of key `key`).
std::vector<double> numbers(const std::string& key, const std::string& value, const LineScanner& scan) {
    std::vector<std::string_view> toks;
    io_detail::split_ws(value, toks);
    std::vector<double> out(toks.size());
    for (std::size_t k = 0; k < toks.size(); ++k)
        if (!io_detail::parse_double(toks[k], out[k]))
            throw scan.error(key + ": '" + std::string(toks[k]) + "' is not a finite number");
    return out;
}

bool parse_bool(std::string_view tok, bool& v) {
    const std::string t = lower(tok);
    if (t == "t" || t == "true" || t == "1") return v = true, true;
    if (t == "f" || t == "false" || t == "0") return v = false, true;
    return false;
}

/// Maps a 3x3 tensor given as 9 numbers (row-major) or 6 Voigt numbers (xx yy zz yz xz xy) to
/// MLIP-2's order xx yy zz yz xz xy.
std::array<double, 6> voigt(const std::string& key, const std::vector<double>& v, const LineScanner& scan) {
    if (v.size() == 9) {
        // ASE writes symmetric tensors; use the upper triangle as MLIP-2 does.
        return {v[0], v[4], v[8], v[5], v[2], v[1]};
    }
    if (v.size() == 6) return {v[0], v[1], v[2], v[3], v[4], v[5]};
    throw scan.error(key + " needs 9 (3x3) or 6 (Voigt) numbers, found " + std::to_string(v.size()));
}

/// Where the columns we use are on an atom line.
struct Layout {
    int species = -1, pos = -1, forces = -1;  // first column of each (-1: absent)
    int columns = 0;                          // total number of columns
};

Layout parse_properties(const std::string& props, const LineScanner& scan) {
    Layout layout;
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = props.find(':', start);
        parts.push_back(props.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    if (parts.size() % 3 != 0) throw scan.error("Properties must be name:type:count triples, found '" + props + "'");
    for (std::size_t k = 0; k < parts.size(); k += 3) {
        const std::string name = lower(parts[k]);
        const std::string type = lower(parts[k + 1]);
        int count = 0;
        if (!io_detail::parse_int(parts[k + 2], count) || count <= 0)
            throw scan.error("Properties: '" + parts[k + 2] + "' is not a positive column count for " + parts[k]);
        if (type != "s" && type != "r" && type != "i" && type != "l")
            throw scan.error("Properties: unknown column type '" + parts[k + 1] + "' for " + parts[k]);
        const auto want = [&](int& slot, const char* wanted_type, int wanted_count) {
            if (type != wanted_type || count != wanted_count)
                throw scan.error("Properties: " + parts[k] + " must be " + wanted_type + ":" + std::to_string(wanted_count));
            slot = layout.columns;
        };
        if (name == "species") want(layout.species, "s", 1);
        else if (name == "pos") want(layout.pos, "r", 3);
        else if (name == "forces" || name == "force") want(layout.forces, "r", 3);
        layout.columns += count;
    }
    if (layout.species < 0) throw scan.error("Properties has no species:S:1 column");
    if (layout.pos < 0) throw scan.error("Properties has no pos:R:3 columns");
    return layout;
}

class ExtxyzReader {
public:
    ExtxyzReader(std::string_view text, std::string name, const std::map<std::string, int>& species)
        : scan_(text, std::move(name)), species_(species) {}

    std::vector<Configuration> read() {
        std::vector<Configuration> out;
        while (const auto line = scan_.next()) {
            if (io_detail::is_blank(*line)) continue;
            int n = 0;
            if (!io_detail::parse_int(io_detail::trim(*line), n) || n < 0)
                throw scan_.error("expected the atom count of a frame, found '" + std::string(io_detail::trim(*line)) + "'");
            out.push_back(read_frame(n));
        }
        return out;
    }

private:
    Configuration read_frame(int n) {
        Configuration cfg;
        cfg.source_line = scan_.line_no();
        const auto comment = scan_.next();
        if (!comment) throw scan_.error("frame without a comment line (end of file)");
        const long comment_line = scan_.line_no();

        std::optional<std::string> lattice_text, properties, energy_text, stress_text, virial_text, pbc_text;
        for (KeyValue& kv : parse_comment(*comment, scan_)) {
            if (kv.key == "lattice") lattice_text = std::move(kv.value);
            else if (kv.key == "properties") properties = std::move(kv.value);
            else if (kv.key == "energy") energy_text = std::move(kv.value);
            else if (kv.key == "stress") stress_text = std::move(kv.value);
            else if (kv.key == "virial") virial_text = std::move(kv.value);
            else if (kv.key == "pbc") pbc_text = std::move(kv.value);
            // Other keys (config_type, free_energy, ...) carry nothing we store.
        }
        if (!properties) throw scan_.error("comment line has no Properties=...");
        const Layout layout = parse_properties(*properties, scan_);

        bool periodic = lattice_text.has_value();  // ASE: a Lattice without pbc means periodic
        if (pbc_text) {
            std::vector<std::string_view> toks;
            io_detail::split_ws(*pbc_text, toks);
            std::array<bool, 3> flags{};
            if (toks.size() != 3) throw scan_.error("pbc needs three flags, found '" + *pbc_text + "'");
            for (std::size_t k = 0; k < 3; ++k)
                if (!parse_bool(toks[k], flags[k])) throw scan_.error("pbc: '" + std::string(toks[k]) + "' is not T or F");
            if (flags[0] != flags[1] || flags[1] != flags[2])
                throw scan_.error("pbc='" + *pbc_text + "': only fully periodic or non-periodic cells are supported");
            periodic = flags[0];
        }
        if (periodic) {
            if (!lattice_text) throw scan_.error("pbc is T but no Lattice is given");
            const std::vector<double> v = numbers("Lattice", *lattice_text, scan_);
            if (v.size() != 9) throw scan_.error("Lattice needs 9 numbers, found " + std::to_string(v.size()));
            for (int r = 0; r < 3; ++r)
                for (int c = 0; c < 3; ++c) cfg.lattice(r, c) = v[static_cast<std::size_t>(3 * r + c)];
            const double scale = cfg.lattice.row(0).norm() * cfg.lattice.row(1).norm() * cfg.lattice.row(2).norm();
            if (!(std::abs(cfg.lattice.determinant()) > 1e-12 * scale)) throw scan_.error("Lattice has zero volume");
            cfg.periodic = true;
        }
        if (energy_text) {
            double e = 0;
            if (!io_detail::parse_double(io_detail::trim(*energy_text), e))
                throw scan_.error("energy: '" + *energy_text + "' is not a finite number");
            cfg.energy = e;
        }
        if (stress_text && virial_text) throw scan_.error("both stress and virial given");
        if (stress_text) {
            if (!cfg.periodic) throw scan_.error("stress given for a non-periodic frame (no volume)");
            // ASE: stress = −virial/volume, so MLIP-2's PlusStress (the virial) = −stress·volume.
            std::array<double, 6> s = voigt("stress", numbers("stress", *stress_text, scan_), scan_);
            const double volume = cfg.volume();
            for (double& x : s) x = -x * volume;
            cfg.plus_stress = s;
        } else if (virial_text) {
            cfg.plus_stress = voigt("virial", numbers("virial", *virial_text, scan_), scan_);
        }

        const std::size_t count = static_cast<std::size_t>(n);
        if (count > scan_.remaining_bytes() / 2)
            throw scan_.error("the frame's atom count " + std::to_string(count) + " is more than the rest of the file can hold");
        cfg.types.resize(count);
        cfg.positions.resize(count);
        cfg.ids.resize(count);
        if (layout.forces >= 0) cfg.forces.resize(count);
        std::vector<std::string_view> toks;
        for (std::size_t i = 0; i < count; ++i) {
            const auto row = scan_.next();
            if (!row)
                throw scan_.error_at(comment_line, "frame announces " + std::to_string(n) + " atoms but the file ends after " +
                                                       std::to_string(i));
            io_detail::split_ws(*row, toks);
            if (static_cast<int>(toks.size()) != layout.columns)
                throw scan_.error("atom line has " + std::to_string(toks.size()) + " columns, Properties describes " +
                                  std::to_string(layout.columns));
            const std::string symbol(toks[static_cast<std::size_t>(layout.species)]);
            const auto it = species_.find(symbol);
            if (it == species_.end()) throw scan_.error("species '" + symbol + "' is not in the species map");
            cfg.types[i] = it->second;
            cfg.ids[i] = static_cast<int>(i) + 1;
            const auto read3 = [&](int first, Eigen::Vector3d& v, const char* what) {
                for (int k = 0; k < 3; ++k) {
                    const std::string_view tok = toks[static_cast<std::size_t>(first + k)];
                    if (!io_detail::parse_double(tok, v[k]))
                        throw scan_.error(std::string(what) + ": '" + std::string(tok) + "' is not a finite number");
                }
            };
            read3(layout.pos, cfg.positions[i], "pos");
            if (layout.forces >= 0) read3(layout.forces, cfg.forces[i], "forces");
        }
        return cfg;
    }

    LineScanner scan_;
    const std::map<std::string, int>& species_;
};

}  // namespace

std::vector<Configuration> read_extxyz(const std::string& path, const std::map<std::string, int>& species) {
    return ExtxyzReader(io_detail::read_text_file(path), path, species).read();
}

}  // namespace mtpc
