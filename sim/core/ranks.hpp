// The processes of one parallel run (MPI ranks) and the few collective operations the
// engine needs. Without MPI, or when msgsim was not started by an MPI launcher, there is
// one rank and every operation is the identity: the sequential program is the N = 1 case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sim::ranks {

/// True when this binary was built with MPI (CMake found it and MSGSIM_MPI is on).
bool built_with_mpi();

/// Initialises MPI if (and only if) the process was started by an MPI launcher (mpirun,
/// mpiexec, srun); finalises it on destruction. Create one, first thing in main().
class Session {
public:
    Session(int& argc, char**& argv);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

/// This process's rank and the number of ranks (0 and 1 outside an MPI launch).
int rank();
int size();
inline bool parallel() {
    return size() > 1;
}

/// Element-wise minimum over all ranks, in place.
void allreduce_min(std::span<std::int64_t> values);
/// One synchronisation of a conservative window, in one collective (plus one more only
/// when some rank has events for another): every rank gives its batches for each rank, the
/// earliest time it may still execute or has just sent (`next`), and whether it was asked
/// to stop; every rank gets its batches, the least `next` of all, and whether any stops.
struct WindowExchange {
    std::vector<std::vector<std::byte>> in;  ///< by sending rank
    std::int64_t next = 0;
    bool stop = false;
};
WindowExchange exchange_window(const std::vector<std::vector<std::byte>>& out, std::int64_t next,
                               bool stop);
/// Root receives every rank's bytes, by rank (its own included); others get {}.
std::vector<std::vector<std::byte>> gather(std::span<const std::byte> mine, int root = 0);
/// Root's bytes, on every rank.
std::vector<std::byte> broadcast(std::vector<std::byte> bytes, int root = 0);
/// Stops every rank (a rank that cannot go on must not leave the others waiting).
[[noreturn]] void abort_all(int exit_code);

}  // namespace sim::ranks
