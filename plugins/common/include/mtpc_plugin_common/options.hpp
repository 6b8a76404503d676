// Option parsing for built-in plugins: JSON text in, one-line errors naming the key out.
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtpc/sdk/types.hpp"

namespace mtpc::plugin_common {

/// Parsed options of one plugin; every accessor throws std::invalid_argument("<plugin>: option
/// '<key>' ...") so the host can show exactly what is wrong.
class Options {
public:
    Options(const std::string& plugin, const std::string& json_text) : plugin_(plugin) {
        try {
            j_ = json_text.empty() ? nlohmann::json::object() : nlohmann::json::parse(json_text);
        } catch (const nlohmann::json::exception& e) {
            throw std::invalid_argument(plugin + ": options are not valid JSON: " + e.what());
        }
        if (!j_.is_object()) throw std::invalid_argument(plugin + ": options must be a JSON object");
    }

    /// Rejects keys not in `allowed` (typos must not be silently ignored).
    void allow_only(std::initializer_list<const char*> allowed) const {
        allow_only(std::vector<std::string>(allowed.begin(), allowed.end()));
    }
    void allow_only(const std::vector<std::string>& allowed) const {
        for (auto it = j_.begin(); it != j_.end(); ++it) {
            bool ok = false;
            for (const std::string& a : allowed) ok = ok || it.key() == a;
            if (!ok) throw std::invalid_argument(plugin_ + ": unknown option '" + it.key() + "'");
        }
    }
    [[nodiscard]] bool has(const char* key) const { return j_.contains(key); }

    int get_int(const char* key, int min_value) const {
        if (!j_.contains(key)) throw std::invalid_argument(plugin_ + ": option '" + key + "' is required");
        return checked_int(key, min_value);
    }
    int get_int(const char* key, int min_value, int default_value) const {
        return j_.contains(key) ? checked_int(key, min_value) : default_value;
    }
    double get_double(const char* key, double default_value) const {
        if (!j_.contains(key)) return default_value;
        const auto& v = j_.at(key);
        if (!v.is_number()) throw std::invalid_argument(plugin_ + ": option '" + key + "' must be a number");
        return v.get<double>();
    }
    std::string get_string(const char* key, const std::string& default_value) const {
        if (!j_.contains(key)) return default_value;
        const auto& v = j_.at(key);
        if (!v.is_string()) throw std::invalid_argument(plugin_ + ": option '" + key + "' must be a string");
        return v.get<std::string>();
    }
    [[nodiscard]] const nlohmann::json& json() const { return j_; }

    /// The radial tensor shape the host always passes (n_species, n_funcs, n_basis).
    [[nodiscard]] sdk::RadialShape radial_shape() const {
        sdk::RadialShape s;
        s.n_species = get_int("n_species", 1);
        s.n_funcs = get_int("n_funcs", 1);
        s.n_basis = get_int("n_basis", 2);
        return s;
    }

private:
    int checked_int(const char* key, int min_value) const {
        const auto& v = j_.at(key);
        if (!v.is_number_integer())
            throw std::invalid_argument(plugin_ + ": option '" + key + "' must be an integer");
        const long long x = v.get<long long>();
        if (x < min_value || x > 1000000000LL)
            throw std::invalid_argument(plugin_ + ": option '" + key + "' = " + std::to_string(x) +
                                        " is out of range (minimum " + std::to_string(min_value) + ")");
        return static_cast<int>(x);
    }

    std::string plugin_;
    nlohmann::json j_;
};

}  // namespace mtpc::plugin_common
