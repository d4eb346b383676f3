#include "sim/cli/python_script.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sim/cli/commands.hpp"

extern char** environ;

namespace sim::cli {

namespace {

// Debian's interpreter, where python3-matplotlib is installed; a python3 from PATH (a venv,
// conda) may lack it.
constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

int run_python_script(const std::string& script, const std::vector<std::string>& args) {
    if (::access(kPython, X_OK) != 0) {
        std::fprintf(stderr,
                     "msgsim: error: %s not found; install Debian's python3 and "
                     "python3-matplotlib (tools/setup.sh does)\n",
                     kPython);
        return kExitFailure;
    }
    const std::filesystem::path path = std::filesystem::path(MSGSIM_SOURCE_DIR) / script;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        std::fprintf(stderr,
                     "msgsim: error: %s not found (msgsim runs it from the source tree it was "
                     "built from)\n",
                     path.c_str());
        return kExitFailure;
    }
    std::vector<std::string> storage{kPython, path.string()};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : storage)
        argv.push_back(s.data());
    argv.push_back(nullptr);

    // While the script runs, Ctrl-C is its business (the viewer stops serving on it and
    // exits 0): msgsim ignores SIGINT and SIGQUIT and waits, and the child gets the default
    // dispositions back, since ignored signals would otherwise be inherited.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    struct sigaction old_int {};
    struct sigaction old_quit {};
    ::sigaction(SIGINT, &ignore, &old_int);
    ::sigaction(SIGQUIT, &ignore, &old_quit);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGQUIT);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    std::fflush(nullptr);  // our buffered output first, then the script's
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, kPython, nullptr, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    int status = 0;
    if (rc == 0) {
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    if (rc != 0) {
        std::fprintf(stderr, "msgsim: error: cannot run %s: %s\n", kPython, std::strerror(rc));
        return kExitFailure;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    // Killed by a signal: a failure by SPEC's codes, and never mistaken for success.
    std::fprintf(stderr, "msgsim: error: %s died of signal %d\n", script.c_str(),
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return kExitFailure;
}

}  // namespace sim::cli
