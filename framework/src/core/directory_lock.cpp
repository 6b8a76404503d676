#include "mtpc/core/directory_lock.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "mtpc/core/error.hpp"

namespace mtpc {

DirectoryLock::DirectoryLock(const std::string& directory) {
    const std::string path = (std::filesystem::path(directory) / ".mtpc.lock").string();
    // O_NOFOLLOW: the lock file, like every output, is never a link to somewhere else.
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError(path + ": cannot create the directory's lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw InputError(directory + ": another mtpc process is writing to this output directory");
        throw InputError(path + ": cannot lock: " + std::strerror(err));
    }
}

DirectoryLock::~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace mtpc
