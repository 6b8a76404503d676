// Private helpers of the text readers: whole-file line scanning with line numbers, whitespace
// tokenizing and strict number parsing with std::from_chars (no locale, no iostream per token:
// the 169k-line training sets must parse in a fraction of a second).
#pragma once

#include <charconv>
#include <cstdlib>
#include <cmath>
#include <cstddef>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "mtpc/core/error.hpp"

namespace mtpc::io_detail {

/// Everything a stream holds, read in one go (the readers then work on string_views into it).
/// The whole stream; a read error (libstdc++ throws from the stream buffer, e.g. reading a
/// directory) becomes an InputError naming `name`.
inline std::string slurp(std::istream& in, const std::string& name) {
    try {
        std::string text(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
        if (in.bad()) throw InputError(name, 0, "read error");
        return text;
    } catch (const std::ios_base::failure& e) {
        throw InputError(name, 0, std::string("read error: ") + e.what());
    }
}

/// The whole file at `path`: a directory, or a file that cannot be opened, is an InputError.
inline std::string read_text_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(path, 0, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, std::string("cannot open for reading: ") + std::strerror(errno));
    return slurp(in, path);
}

/// Steps through a text buffer line by line, tracking 1-based line numbers for error messages.
/// Lines are returned without their '\n' and without a trailing '\r' (Windows line endings).
class LineScanner {
public:
    LineScanner(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}

    /// The next line, or nothing at the end of the text.
    std::optional<std::string_view> next() {
        if (pos_ >= text_.size()) return std::nullopt;
        const std::size_t end = text_.find('\n', pos_);
        const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
        std::string_view line = text_.substr(pos_, stop - pos_);
        pos_ = end == std::string_view::npos ? text_.size() : end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++line_no_;
        return line;
    }

    /// Puts the line just returned by next() back (one level of look-ahead).
    void unread(std::string_view line_just_read) {
        // The line is a view into text_, so its start locates it; '\r' stripping does not matter.
        pos_ = static_cast<std::size_t>(line_just_read.data() - text_.data());
        --line_no_;
    }

    [[nodiscard]] long line_no() const { return line_no_; }  ///< number of the line last returned
    /// Bytes not yet returned: a bound on what the rest of the text can describe (each row of a
    /// table takes at least two bytes), checked before sizing anything by a count from the file.
    [[nodiscard]] std::size_t remaining_bytes() const { return text_.size() - pos_; }
    [[nodiscard]] const std::string& name() const { return name_; }

    /// An InputError at the line last returned.
    [[nodiscard]] InputError error(const std::string& msg) const { return InputError(name_, line_no_, msg); }
    [[nodiscard]] InputError error_at(long line, const std::string& msg) const { return InputError(name_, line, msg); }

private:
    std::string_view text_;
    std::string name_;
    std::size_t pos_ = 0;
    long line_no_ = 0;
};

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

inline bool is_blank(std::string_view s) { return trim(s).empty(); }

/// Splits at runs of blanks/tabs into `out` (cleared first; reused to avoid reallocations).
inline void split_ws(std::string_view s, std::vector<std::string_view>& out) {
    out.clear();
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        if (i >= s.size()) break;
        const std::size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        out.push_back(s.substr(start, i - start));
    }
}

/// The first whitespace-separated token of a line ("" for a blank line).
inline std::string_view first_token(std::string_view s) {
    s = trim(s);
    std::size_t i = 0;
    while (i < s.size() && !is_space(s[i])) ++i;
    return s.substr(0, i);
}

/// Removes one leading '+' (std::from_chars does not accept it); false if the token is then empty
/// or starts with another sign ("+-1", "++1").
inline bool strip_plus(std::string_view& tok) {
    if (!tok.empty() && tok.front() == '+') {
        tok.remove_prefix(1);
        if (!tok.empty() && (tok.front() == '-' || tok.front() == '+')) return false;
    }
    return !tok.empty();
}

/// Parses the whole token as a finite double.  A leading '+' is accepted (from_chars does not).
/// Returns false for anything else: empty, trailing characters ("1.5x"), NaN, Inf, overflow.
inline bool parse_double(std::string_view tok, double& value) {
    if (!strip_plus(tok)) return false;
    const char* end = tok.data() + tok.size();
    const auto res = std::from_chars(tok.data(), end, value);
    // from_chars reports out-of-range (e.g. 1e999) as an error: such values are not input data.
    // Subnormal results are accepted: strtod-style parsers return them as is.
    if (res.ec == std::errc::result_out_of_range) {
        if (res.ptr != end) return false;
        // libstdc++ sets result_out_of_range for underflow too; recompute with strtod semantics.
        const std::string copy(tok);
        char* stop = nullptr;
        value = std::strtod(copy.c_str(), &stop);
        return stop == copy.c_str() + copy.size() && std::isfinite(value);
    }
    return res.ec == std::errc() && res.ptr == end && std::isfinite(value);
}

/// Parses the whole token as an int (optional leading '+'); false on anything else or overflow.
inline bool parse_int(std::string_view tok, int& value) {
    if (!strip_plus(tok)) return false;
    const char* end = tok.data() + tok.size();
    const auto res = std::from_chars(tok.data(), end, value);
    return res.ec == std::errc() && res.ptr == end;
}

/// Shortest decimal text that reads back as exactly `v` (std::to_chars, locale-independent).
inline std::string_view shortest(double v, char (&buf)[32]) {
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string_view(buf, static_cast<std::size_t>(res.ptr - buf));
}

/// "%.16e": 17 significant digits, enough for an exact double round trip, in MLIP-2's style.
inline std::string_view scientific17(double v, char (&buf)[32]) {
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 16);
    return std::string_view(buf, static_cast<std::size_t>(res.ptr - buf));
}

}  // namespace mtpc::io_detail
