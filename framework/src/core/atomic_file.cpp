#include "mtpc/core/atomic_file.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "mtpc/core/error.hpp"

namespace mtpc {
namespace fs = std::filesystem;

namespace {

/// Temporaries being written, for the signal handler.  A handler may only call async-signal-safe
/// functions (unlink, signal, raise), so the paths live in fixed buffers, each claimed by a flag.
struct TemporarySlot {
    std::atomic<bool> used{false};
    char path[4096];
};
std::array<TemporarySlot, 16> g_temporaries;

/// Registers a temporary for the signal handler's lifetime (best effort: paths too long for a slot,
/// or more than 16 concurrent writes, are simply not registered).
class RegisteredTemporary {
public:
    explicit RegisteredTemporary(const std::string& path) {
        if (path.size() >= sizeof(TemporarySlot::path)) return;
        for (auto& s : g_temporaries) {
            bool expected = false;
            if (s.used.load() || !s.used.compare_exchange_strong(expected, true)) continue;
            std::memcpy(s.path, path.c_str(), path.size() + 1);
            slot_ = &s;
            return;
        }
    }
    ~RegisteredTemporary() {
        if (slot_ != nullptr) slot_->used.store(false);
    }
    RegisteredTemporary(const RegisteredTemporary&) = delete;
    RegisteredTemporary& operator=(const RegisteredTemporary&) = delete;

private:
    TemporarySlot* slot_ = nullptr;
};

extern "C" void remove_temporaries_and_die(int sig) {
    for (auto& s : g_temporaries)
        if (s.used.load()) ::unlink(s.path);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

const char* file_type_name(fs::file_type t) {
    switch (t) {
        case fs::file_type::symlink: return "a symbolic link";
        case fs::file_type::directory: return "a directory";
        case fs::file_type::fifo: return "a FIFO";
        case fs::file_type::socket: return "a socket";
        case fs::file_type::block: return "a block device";
        case fs::file_type::character: return "a character device";
        default: return "not a regular file";
    }
}

void check_output_path(const std::string& path) {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path, ec);
    if (ec && st.type() != fs::file_type::not_found) throw InputError(path + ": cannot examine: " + ec.message());
    if (st.type() == fs::file_type::not_found || st.type() == fs::file_type::regular) return;
    throw InputError(path + ": refusing to replace it: it is " + file_type_name(st.type()) +
                     " (mtpc writes only regular files)");
}

void check_output_is_not_an_input(const std::string& output, const std::vector<std::string>& inputs) {
    for (const auto& input : inputs) {
        std::error_code ec;
        if (fs::equivalent(output, input, ec))
            throw InputError(output + ": is also an input of this command (" + input + "); choose another output file");
    }
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    check_output_path(path);
    const fs::path target(path);
    // The temporary lives in the target's directory so that rename() is atomic (same file system).
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string tmp =
        (dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()))).string();
    const RegisteredTemporary registered(tmp);
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

void install_temporary_file_cleanup() {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, remove_temporaries_and_die);
}

}  // namespace mtpc
