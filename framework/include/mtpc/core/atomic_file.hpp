// Writing output files without ever leaving a half-written one behind.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace mtpc {

/// Calls `write` on a stream to a temporary file in the directory of `path`, then renames it over
/// `path`.  If `write` throws or the stream fails, the temporary is removed, `path` is untouched and
/// the exception (or an InputError naming `path`) propagates.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace mtpc
