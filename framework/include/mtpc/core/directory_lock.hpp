// An exclusive, advisory lock on an output directory, so that two processes never write into the
// same run files at once (interleaved CSV rows, one checkpoint replacing the other's).
#pragma once

#include <string>

namespace mtpc {

/// Holds flock(LOCK_EX) on DIR/.mtpc.lock for its lifetime.  The kernel drops the lock when the
/// process ends, however it ends, so a killed run never leaves a stale lock behind.
class DirectoryLock {
public:
    /// Throws InputError naming the directory if another process holds the lock.
    explicit DirectoryLock(const std::string& directory);
    ~DirectoryLock();
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace mtpc
