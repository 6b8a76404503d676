// MLIP-2 `.cfg` reader and writer.
//
// Reading is line based on a buffer holding the whole file (std::from_chars for numbers), which
// keeps the 169k-line training sets well under a second.  Anything MLIP-2 can write is accepted;
// lines we do not understand are kept verbatim so that read -> write -> read loses nothing.
// Writing follows MLIP-2's layout but prints every double in its shortest exact form, so the
// doubles read back are bit-identical to the ones written.
#include "mtpc/io/cfg_io.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <ostream>
#include <string_view>
#include <unordered_set>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "text_scan.hpp"

namespace mtpc {
namespace {

using io_detail::LineScanner;

/// What an `AtomData:` column means.
enum class Column { Id, Type, CartX, CartY, CartZ, DirX, DirY, DirZ, Fx, Fy, Fz, Extra };

/// A token that looks like the start of a number: such a line is data, never a keyword.
bool looks_numeric(std::string_view tok) {
    if (tok.empty()) return false;
    const char c = tok.front();
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

/// Parses one block (`BEGIN_CFG` already consumed) into a Configuration.
class BlockReader {
public:
    BlockReader(LineScanner& scan, long begin_line) : scan_(scan), begin_line_(begin_line) {
        cfg_.source_line = begin_line;
    }

    Configuration read() {
        bool after_unknown = false;  // the previous line was kept as unknown (its data may follow)
        for (;;) {
            const auto line = scan_.next();
            if (!line) throw scan_.error_at(begin_line_, "BEGIN_CFG without END_CFG (end of file reached)");
            const std::string_view key = io_detail::first_token(*line);
            if (key.empty()) continue;
            const bool continues_unknown = after_unknown;
            after_unknown = false;

            if (key == "END_CFG") {
                expect_nothing_after(*line, key);
                finish();
                return std::move(cfg_);
            }
            if (key == "BEGIN_CFG")
                throw scan_.error("BEGIN_CFG inside the block that starts at line " + std::to_string(begin_line_) +
                                  " (missing END_CFG)");
            if (key == "Size") {
                read_size(*line, key);
            } else if (key == "Supercell" || key == "SuperCell") {
                read_supercell(*line, key);
            } else if (key == "AtomData:" || key == "Atomic_data:") {
                read_atom_data(*line, key);
            } else if (key == "Energy") {
                if (cfg_.energy) throw scan_.error("second Energy in one configuration");
                cfg_.energy = read_number_value(*line, key);
            } else if (key == "PlusStress:") {
                read_plus_stress(*line, key);
            } else if (key == "EnergyWeight") {
                if (cfg_.energy_weight) throw scan_.error("second EnergyWeight in one configuration");
                cfg_.energy_weight = read_number_value(*line, key);
            } else if (key == "Feature") {
                read_feature(*line);
            } else if (looks_numeric(key) && !continues_unknown) {
                // Numbers with no keyword before them: most likely more atom rows than Size says.
                throw scan_.error("unexpected line of numbers '" + std::string(io_detail::trim(*line)) +
                                  "' (more atom rows than Size?)");
            } else {
                // Unknown field (e.g. `Stress:`, `Features:`) or the data following one: keep verbatim.
                cfg_.unknown_lines.emplace_back(*line);
                after_unknown = true;
            }
        }
    }

private:
    /// Text after the keyword on the same line.
    static std::string_view rest_of(std::string_view line, std::string_view key) {
        const std::size_t at = line.find(key);
        return io_detail::trim(line.substr(at + key.size()));
    }

    void expect_nothing_after(std::string_view line, std::string_view key) {
        const std::string_view rest = rest_of(line, key);
        if (!rest.empty()) throw scan_.error("unexpected text '" + std::string(rest) + "' after " + std::string(key));
    }

    /// The single value of `key`: on the same line, or else on the next non-blank line.
    std::string_view value_token(std::string_view line, std::string_view key) {
        std::string_view text = rest_of(line, key);
        if (text.empty()) {
            for (;;) {
                const auto next = scan_.next();
                if (!next) throw scan_.error(std::string(key) + " without a value (end of file)");
                if (!io_detail::is_blank(*next)) {
                    text = io_detail::trim(*next);
                    break;
                }
            }
        }
        io_detail::split_ws(text, tokens_);
        if (tokens_.size() != 1)
            throw scan_.error(std::string(key) + " needs exactly one value, found '" + std::string(text) + "'");
        return tokens_[0];
    }

    double read_number_value(std::string_view line, std::string_view key) {
        const std::string_view tok = value_token(line, key);
        double v = 0;
        if (!io_detail::parse_double(tok, v))
            throw scan_.error(std::string(key) + ": '" + std::string(tok) + "' is not a finite number");
        return v;
    }

    void read_size(std::string_view line, std::string_view key) {
        if (size_ >= 0) throw scan_.error("second Size in one configuration");
        const std::string_view tok = value_token(line, key);
        int n = 0;
        if (!io_detail::parse_int(tok, n) || n < 0)
            throw scan_.error("Size: '" + std::string(tok) + "' is not a non-negative integer");
        size_ = n;
    }

    void read_supercell(std::string_view line, std::string_view key) {
        if (cfg_.periodic) throw scan_.error("second Supercell in one configuration");
        expect_nothing_after(line, key);
        const long cell_line = scan_.line_no();
        for (int row = 0; row < 3; ++row) {
            const auto next = scan_.next();
            if (!next) throw scan_.error("Supercell needs three rows of three numbers (end of file)");
            io_detail::split_ws(*next, tokens_);
            // A keyword here means the cell has fewer than three rows (MLIP-2 drops trailing zero
            // rows of 2-D cells; we support only cells periodic in all three directions).
            if (tokens_.size() != 3)
                throw scan_.error("Supercell needs three rows of three numbers; row " + std::to_string(row + 1) +
                                  " is '" + std::string(io_detail::trim(*next)) + "'");
            for (int k = 0; k < 3; ++k) {
                double v = 0;
                if (!io_detail::parse_double(tokens_[k], v))
                    throw scan_.error("Supercell: '" + std::string(tokens_[k]) + "' is not a finite number");
                cfg_.lattice(row, k) = v;
            }
        }
        // Zero volume relative to the cell's size (a scale-free test of linear dependence).
        const double scale = cfg_.lattice.row(0).norm() * cfg_.lattice.row(1).norm() * cfg_.lattice.row(2).norm();
        if (!(std::abs(cfg_.lattice.determinant()) > 1e-12 * scale))
            throw scan_.error_at(cell_line, "Supercell has zero volume (lattice vectors are linearly dependent)");
        cfg_.periodic = true;
    }

    void read_atom_data(std::string_view line, std::string_view key) {
        if (size_ < 0) throw scan_.error("AtomData before Size");
        if (have_atoms_) throw scan_.error("second AtomData in one configuration");
        have_atoms_ = true;
        atom_data_line_ = scan_.line_no();

        // Columns named by the header.
        io_detail::split_ws(rest_of(line, key), tokens_);
        std::vector<Column> columns;
        std::vector<int> extra_index;  // per column: index into extra_atom_columns (or -1)
        std::vector<std::string> names;
        int cartes = 0, direct = 0, force = 0;
        for (const std::string_view name : tokens_) {
            for (const std::string& seen : names)
                if (seen == name) throw scan_.error("AtomData: column '" + seen + "' given twice");
            names.emplace_back(name);
            Column c = Column::Extra;
            if (name == "id") c = Column::Id;
            else if (name == "type") c = Column::Type;
            else if (name == "cartes_x") c = Column::CartX, ++cartes;
            else if (name == "cartes_y") c = Column::CartY, ++cartes;
            else if (name == "cartes_z") c = Column::CartZ, ++cartes;
            else if (name == "direct_x") c = Column::DirX, ++direct;
            else if (name == "direct_y") c = Column::DirY, ++direct;
            else if (name == "direct_z") c = Column::DirZ, ++direct;
            else if (name == "fx") c = Column::Fx, ++force;
            else if (name == "fy") c = Column::Fy, ++force;
            else if (name == "fz") c = Column::Fz, ++force;
            columns.push_back(c);
        }
        if (cartes != 0 && cartes != 3) throw scan_.error("AtomData: needs all of cartes_x cartes_y cartes_z");
        if (direct != 0 && direct != 3) throw scan_.error("AtomData: needs all of direct_x direct_y direct_z");
        if (cartes == 0 && direct == 0)
            throw scan_.error("AtomData: no positions (cartes_x cartes_y cartes_z or direct_x direct_y direct_z)");
        if (force != 0 && force != 3) throw scan_.error("AtomData: needs all of fx fy fz or none");
        // With Cartesian positions present, direct coordinates are just extra (kept) columns.
        direct_only_ = cartes == 0;
        for (std::size_t k = 0; k < columns.size(); ++k) {
            const Column c = columns[k];
            const bool is_direct = c == Column::DirX || c == Column::DirY || c == Column::DirZ;
            if (is_direct && !direct_only_) columns[k] = Column::Extra;
            if (columns[k] == Column::Extra) {
                extra_index.push_back(static_cast<int>(cfg_.extra_atom_columns.size()));
                cfg_.extra_atom_columns.push_back(names[k]);
            } else {
                extra_index.push_back(-1);
            }
        }
        const bool has_id = std::find(columns.begin(), columns.end(), Column::Id) != columns.end();

        const std::size_t n = static_cast<std::size_t>(size_);
        if (n > scan_.remaining_bytes() / 2)
            throw scan_.error("AtomData: Size is " + std::to_string(n) + " but the rest of the file cannot hold " +
                              std::to_string(n) + " atom rows");
        cfg_.types.assign(n, 0);
        cfg_.positions.assign(n, Eigen::Vector3d::Zero());
        cfg_.ids.resize(n);
        ids_seen_.clear();
        if (force == 3) cfg_.forces.assign(n, Eigen::Vector3d::Zero());
        cfg_.extra_atom_values.assign(cfg_.extra_atom_columns.size(), std::vector<double>(n, 0.0));

        for (std::size_t i = 0; i < n; ++i) {
            std::optional<std::string_view> row;
            do {
                row = scan_.next();
                if (!row)
                    throw scan_.error("AtomData: Size is " + std::to_string(n) + " but only " + std::to_string(i) +
                                      " atom rows were given (end of file)");
            } while (io_detail::is_blank(*row));
            io_detail::split_ws(*row, tokens_);
            if (!looks_numeric(tokens_[0]))
                throw scan_.error("AtomData: Size is " + std::to_string(n) + " but only " + std::to_string(i) +
                                  " atom rows were given");
            if (tokens_.size() != columns.size())
                throw scan_.error("AtomData: atom row has " + std::to_string(tokens_.size()) + " values, the header names " +
                                  std::to_string(columns.size()) + " columns");
            if (!has_id) cfg_.ids[i] = static_cast<int>(i) + 1;
            for (std::size_t k = 0; k < columns.size(); ++k) {
                const std::string_view tok = tokens_[k];
                if (columns[k] == Column::Id || columns[k] == Column::Type) {
                    int v = 0;
                    if (!io_detail::parse_int(tok, v))
                        throw scan_.error("AtomData: " + names[k] + " '" + std::string(tok) + "' is not an integer");
                    if (columns[k] == Column::Id) {
                        if (!ids_seen_.insert(v).second)
                            throw scan_.error("AtomData: atom id " + std::to_string(v) + " given twice");
                        cfg_.ids[i] = v;
                    } else {
                        if (v < 0) throw scan_.error("AtomData: negative type " + std::string(tok));
                        cfg_.types[i] = v;
                    }
                    continue;
                }
                double v = 0;
                if (!io_detail::parse_double(tok, v))
                    throw scan_.error("AtomData: " + names[k] + " '" + std::string(tok) + "' is not a finite number");
                switch (columns[k]) {
                    case Column::CartX: case Column::DirX: cfg_.positions[i][0] = v; break;
                    case Column::CartY: case Column::DirY: cfg_.positions[i][1] = v; break;
                    case Column::CartZ: case Column::DirZ: cfg_.positions[i][2] = v; break;
                    case Column::Fx: cfg_.forces[i][0] = v; break;
                    case Column::Fy: cfg_.forces[i][1] = v; break;
                    case Column::Fz: cfg_.forces[i][2] = v; break;
                    default: cfg_.extra_atom_values[static_cast<std::size_t>(extra_index[k])][i] = v; break;
                }
            }
        }
    }

    void read_plus_stress(std::string_view line, std::string_view key) {
        if (cfg_.plus_stress) throw scan_.error("second PlusStress in one configuration");
        // The header names the order of the six components (MLIP-2 writes xx yy zz yz xz xy).
        static constexpr std::array<std::string_view, 6> kVoigt = {"xx", "yy", "zz", "yz", "xz", "xy"};
        io_detail::split_ws(rest_of(line, key), tokens_);
        std::vector<int> order;
        for (const std::string_view name : tokens_) {
            int slot = -1;
            for (int k = 0; k < 6; ++k)
                if (name == kVoigt[static_cast<std::size_t>(k)]) slot = k;
            if (slot < 0) throw scan_.error("PlusStress: unknown component '" + std::string(name) + "'");
            if (std::find(order.begin(), order.end(), slot) != order.end())
                throw scan_.error("PlusStress: component '" + std::string(name) + "' given twice");
            order.push_back(slot);
        }
        if (order.size() != 6) throw scan_.error("PlusStress: the header must name xx yy zz yz xz xy");
        std::optional<std::string_view> values;
        do {
            values = scan_.next();
            if (!values) throw scan_.error("PlusStress without values (end of file)");
        } while (io_detail::is_blank(*values));
        io_detail::split_ws(*values, tokens_);
        if (tokens_.size() != 6)
            throw scan_.error("PlusStress needs six numbers, found '" + std::string(io_detail::trim(*values)) + "'");
        std::array<double, 6> s{};
        for (std::size_t k = 0; k < 6; ++k)
            if (!io_detail::parse_double(tokens_[k], s[static_cast<std::size_t>(order[k])]))
                throw scan_.error("PlusStress: '" + std::string(tokens_[k]) + "' is not a finite number");
        cfg_.plus_stress = s;
    }

    void read_feature(std::string_view line) {
        // `Feature name value`: the value is the rest of the line after one separator (MLIP-2
        // writes a tab there), kept verbatim.
        std::string_view rest = line.substr(line.find("Feature") + 7);
        while (!rest.empty() && io_detail::is_space(rest.front())) rest.remove_prefix(1);
        std::size_t name_end = 0;
        while (name_end < rest.size() && !io_detail::is_space(rest[name_end])) ++name_end;
        if (name_end == 0) throw scan_.error("Feature without a name");
        std::string_view value = rest.substr(name_end);
        if (!value.empty()) value.remove_prefix(1);
        cfg_.features.emplace_back(std::string(rest.substr(0, name_end)), std::string(value));
    }

    void finish() {
        if (size_ < 0) throw scan_.error_at(begin_line_, "configuration without Size");
        if (!have_atoms_ && size_ > 0) throw scan_.error("configuration of Size " + std::to_string(size_) + " without AtomData");
        if (direct_only_) {
            if (!cfg_.periodic)
                throw scan_.error_at(atom_data_line_, "direct_x/direct_y/direct_z given but no Supercell");
            // Rows of the lattice are the cell vectors: r = d_x a_1 + d_y a_2 + d_z a_3.
            const Eigen::Matrix3d cell_t = cfg_.lattice.transpose();
            for (Eigen::Vector3d& p : cfg_.positions) p = cell_t * Eigen::Vector3d(p);
        }
    }

    LineScanner& scan_;
    long begin_line_;
    Configuration cfg_;
    int size_ = -1;
    bool have_atoms_ = false;
    bool direct_only_ = false;
    long atom_data_line_ = 0;
    std::vector<std::string_view> tokens_;
    std::unordered_set<int> ids_seen_;  ///< ids of the current configuration: each atom once
};

std::vector<Configuration> parse_cfg_text(std::string_view text, const std::string& name) {
    LineScanner scan(text, name);
    std::vector<Configuration> cfgs;
    while (const auto line = scan.next()) {
        const std::string_view key = io_detail::first_token(*line);
        if (key.empty()) continue;
        if (key != "BEGIN_CFG")
            throw scan.error("expected BEGIN_CFG, found '" + std::string(io_detail::trim(*line)) + "'");
        if (io_detail::trim(*line) != key) throw scan.error("unexpected text after BEGIN_CFG");
        cfgs.push_back(BlockReader(scan, scan.line_no()).read());
    }
    return cfgs;
}

/// Appends `text` right-aligned in `width` characters.
void append_padded(std::string& out, std::string_view text, std::size_t width) {
    if (text.size() < width) out.append(width - text.size(), ' ');
    out.append(text);
}

void append_number(std::string& out, double v, std::size_t width) {
    char buf[32];
    append_padded(out, io_detail::shortest(v, buf), width);
}

void check_consistent(const Configuration& c, std::size_t index) {
    const std::size_t n = c.types.size();
    const auto fail = [&](const std::string& what) {
        throw InputError("write_cfg: configuration " + std::to_string(index + 1) + ": " + what);
    };
    if (c.positions.size() != n) fail("positions and types differ in length");
    if (!c.ids.empty() && c.ids.size() != n) fail("ids and types differ in length");
    if (c.has_forces() && c.forces.size() != n) fail("forces and types differ in length");
    if (c.extra_atom_values.size() != c.extra_atom_columns.size()) fail("extra atom columns without values");
    for (const auto& column : c.extra_atom_values)
        if (column.size() != n) fail("an extra atom column differs in length from types");
    // Text that would not read back as written.
    const auto one_token = [](const std::string& s) {
        return !s.empty() && std::none_of(s.begin(), s.end(), [](char ch) { return io_detail::is_space(ch) || ch == '\n'; });
    };
    for (const std::string& name : c.extra_atom_columns)
        if (!one_token(name)) fail("extra atom column name '" + name + "' is empty or has blanks");
    for (const auto& [name, value] : c.features)
        if (!one_token(name) || value.find('\n') != std::string::npos)
            fail("feature '" + name + "' has a name with blanks or a value with a line break");
    for (const std::string& line : c.unknown_lines)
        if (io_detail::is_blank(line) || line.find('\n') != std::string::npos)
            fail("unknown line '" + line + "' is blank or has a line break");
}

void append_cfg(std::string& out, const Configuration& c) {
    const std::size_t n = c.types.size();
    out += "BEGIN_CFG\n Size\n    ";
    out += std::to_string(n);
    out += '\n';
    if (c.periodic) {
        out += " Supercell\n";
        for (int r = 0; r < 3; ++r) {
            out += "   ";
            for (int k = 0; k < 3; ++k) {
                out += ' ';
                append_number(out, c.lattice(r, k), 22);
            }
            out += '\n';
        }
    }
    out += " AtomData:  id type       cartes_x      cartes_y      cartes_z";
    if (c.has_forces()) out += "           fx          fy          fz";
    for (const std::string& name : c.extra_atom_columns) {
        out += "  ";
        out += name;
    }
    out += '\n';
    for (std::size_t i = 0; i < n; ++i) {
        append_padded(out, std::to_string(c.ids.empty() ? static_cast<int>(i) + 1 : c.ids[i]), 13);
        out += ' ';
        append_padded(out, std::to_string(c.types[i]), 4);
        out += ' ';
        for (int k = 0; k < 3; ++k) {
            out += ' ';
            append_number(out, c.positions[i][k], 16);
        }
        if (c.has_forces())
            for (int k = 0; k < 3; ++k) {
                out += ' ';
                append_number(out, c.forces[i][k], 16);
            }
        for (const auto& column : c.extra_atom_values) {
            out += ' ';
            append_number(out, column[i], 12);
        }
        out += '\n';
    }
    if (c.energy) {
        out += " Energy\n    ";
        append_number(out, *c.energy, 0);
        out += '\n';
    }
    if (c.plus_stress) {
        out += " PlusStress:  xx          yy          zz          yz          xz          xy\n    ";
        for (const double s : *c.plus_stress) {
            out += ' ';
            append_number(out, s, 16);
        }
        out += '\n';
    }
    for (const auto& [name, value] : c.features) {
        out += " Feature   ";
        out += name;
        out += '\t';
        out += value;
        out += '\n';
    }
    if (c.energy_weight) {
        out += " EnergyWeight\n    ";
        append_number(out, *c.energy_weight, 0);
        out += '\n';
    }
    for (const std::string& line : c.unknown_lines) {
        out += line;
        out += '\n';
    }
    out += "END_CFG\n\n";
}

}  // namespace

std::vector<Configuration> read_cfg(std::istream& in, const std::string& name) {
    return parse_cfg_text(io_detail::slurp(in, name), name);
}

std::vector<Configuration> read_cfg(const std::string& path) {
    return parse_cfg_text(io_detail::read_text_file(path), path);
}

void write_cfg(std::ostream& out, const std::vector<Configuration>& cfgs) {
    // Check everything first so that a bad configuration does not leave a partial stream.
    for (std::size_t i = 0; i < cfgs.size(); ++i) check_consistent(cfgs[i], i);
    std::string text;
    for (std::size_t i = 0; i < cfgs.size(); ++i) {
        text.clear();
        append_cfg(text, cfgs[i]);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
}

void write_cfg(const std::string& path, const std::vector<Configuration>& cfgs) {
    write_file_atomically(path, [&](std::ostream& out) { write_cfg(out, cfgs); });
}

void check_species(const std::vector<Configuration>& cfgs, int species_count, const std::string& file) {
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
        const Configuration& cfg = cfgs[c];
        for (std::size_t a = 0; a < cfg.types.size(); ++a)
            if (cfg.types[a] < 0 || cfg.types[a] >= species_count)
                throw InputError(file, cfg.source_line,
                                 "configuration " + std::to_string(c + 1) + ", atom " + std::to_string(a + 1) + ": type " +
                                     std::to_string(cfg.types[a]) + " is not below the potential's species_count " +
                                     std::to_string(species_count));
    }
}

}  // namespace mtpc
