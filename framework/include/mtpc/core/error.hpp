// Errors that reach the user as one line naming the file and line (or manifest path).
#pragma once

#include <stdexcept>
#include <string>

namespace mtpc {

/// Bad user input: a malformed file, an inconsistent potential, a bad manifest.  `what()` is the
/// complete one-line message ("FILE:LINE: what is wrong"); the CLI prints it and exits non-zero.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& msg) : std::runtime_error(msg) {}
    /// "file:line: message" (line omitted when <= 0).
    InputError(const std::string& file, long line, const std::string& msg)
        : std::runtime_error(file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + msg) {}
};

}  // namespace mtpc
