#include "mtpc/core/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "mtpc/core/error.hpp"

namespace mtpc {

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    // The temporary lives in the target's directory so that rename() is atomic (same file system).
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string tmp =
        (dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()))).string();
    try {
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            if (!out) throw InputError(path + ": cannot open for writing: " + std::strerror(errno));
            write(out);
            out.flush();
            if (!out) throw InputError(path + ": write failed");
        }
        std::error_code ec;
        fs::rename(tmp, target, ec);
        if (ec) throw InputError(path + ": cannot rename temporary file: " + ec.message());
    } catch (...) {
        std::error_code ignore;
        fs::remove(tmp, ignore);
        throw;
    }
}

}  // namespace mtpc
