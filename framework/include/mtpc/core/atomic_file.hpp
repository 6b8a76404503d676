// Writing output files without ever leaving a half-written one behind, and without replacing
// anything that is not a regular file (a device, a FIFO, a symbolic link) or that is an input.
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace mtpc {

/// Calls `write` on a stream to a temporary file in the directory of `path`, then renames it over
/// `path`.  If `write` throws or the stream fails, the temporary is removed, `path` is untouched and
/// the exception (or an InputError naming `path`) propagates.  `path` must be absent or a regular
/// file (check_output_path).  While the temporary exists it is registered for removal by the
/// signal handlers of install_temporary_file_cleanup().
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

/// "a FIFO", "a directory", ... for messages that say why a path is not a usable regular file.
const char* file_type_name(std::filesystem::file_type t);

/// Throws InputError unless `path` is absent or a regular file (not followed through a symbolic
/// link): as root, replacing /dev/null or a link's target would damage the system.
void check_output_path(const std::string& path);

/// Throws InputError if `output` is (a link to, or another name of) one of `inputs`: writing it
/// would destroy data the command is reading.
void check_output_is_not_an_input(const std::string& output, const std::vector<std::string>& inputs);

/// Installs SIGINT, SIGTERM and SIGHUP handlers that remove the temporaries of writes in progress
/// and then end the process as the signal would have.  Code that handles these signals itself
/// (the trainer's graceful stop) replaces them while it runs.
void install_temporary_file_cleanup();

}  // namespace mtpc
