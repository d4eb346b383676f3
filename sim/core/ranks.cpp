#include "sim/core/ranks.hpp"

#include <cstdlib>

#ifdef MSGSIM_HAVE_MPI
#include <mpi.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "sim/core/check.hpp"
#endif

namespace sim::ranks {

#ifdef MSGSIM_HAVE_MPI

namespace {
bool g_active = false;  ///< MPI_Init was called by us
int g_rank = 0;
int g_size = 1;

/// Launchers announce themselves in the environment; a plain `msgsim run` must not start
/// MPI (Open MPI's singleton start forks a daemon and refuses root without extra settings).
bool launched_by_mpi() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
        if (std::getenv(v) != nullptr) return true;
    }
    return false;
}

int to_int(std::size_t n) {
    MSGSIM_CHECK(n <= static_cast<std::size_t>(std::numeric_limits<int>::max()),
                 "an MPI message over 2 GiB");
    return static_cast<int>(n);
}
}  // namespace

bool built_with_mpi() {
    return true;
}

Session::Session(int& argc, char**& argv) {
    if (!launched_by_mpi()) return;
    MPI_Init(&argc, &argv);
    g_active = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
}

Session::~Session() {
    if (g_active) MPI_Finalize();
    g_active = false;
}

int rank() {
    return g_rank;
}
int size() {
    return g_size;
}

void allreduce_min(std::span<std::int64_t> values) {
    if (g_size == 1) return;
    MPI_Allreduce(MPI_IN_PLACE, values.data(), to_int(values.size()), MPI_INT64_T, MPI_MIN,
                  MPI_COMM_WORLD);
}

WindowExchange exchange_window(const std::vector<std::vector<std::byte>>& out, std::int64_t next,
                               bool stop) {
    MSGSIM_CHECK(out.size() == static_cast<std::size_t>(g_size), "exchange: one batch per rank");
    if (g_size == 1) return {out, next, stop};
    // Every rank's header: [next, stop, bytes for rank 0 .. N-1], gathered by all. The
    // gathered matrix says who sends how much to whom, so the data step is skipped by every
    // rank at once when no batch has anything in it (most windows of a regional model).
    const std::size_t width = static_cast<std::size_t>(g_size) + 2;
    std::vector<std::int64_t> mine(width), all(width * static_cast<std::size_t>(g_size));
    mine[0] = next;
    mine[1] = stop ? 1 : 0;
    for (int r = 0; r < g_size; ++r)
        mine[2 + r] = static_cast<std::int64_t>(out[r].size());
    MPI_Allgather(mine.data(), to_int(width), MPI_INT64_T, all.data(), to_int(width), MPI_INT64_T,
                  MPI_COMM_WORLD);
    WindowExchange ex;
    ex.next = next;
    std::int64_t total = 0;
    for (int r = 0; r < g_size; ++r) {
        const std::int64_t* h = all.data() + static_cast<std::size_t>(r) * width;
        ex.next = std::min(ex.next, h[0]);
        ex.stop = ex.stop || h[1] != 0;
        for (int to = 0; to < g_size; ++to)
            total += h[2 + to];
    }
    ex.in.resize(static_cast<std::size_t>(g_size));
    if (total == 0) return ex;
    std::vector<int> send_counts(g_size), recv_counts(g_size), send_displ(g_size),
        recv_displ(g_size);
    std::size_t send_total = 0, recv_total = 0;
    for (int r = 0; r < g_size; ++r) {
        send_counts[r] = to_int(out[r].size());
        recv_counts[r] = to_int(static_cast<std::size_t>(
            all[static_cast<std::size_t>(r) * width + 2 + static_cast<std::size_t>(g_rank)]));
        send_displ[r] = to_int(send_total);
        recv_displ[r] = to_int(recv_total);
        send_total += static_cast<std::size_t>(send_counts[r]);
        recv_total += static_cast<std::size_t>(recv_counts[r]);
    }
    std::vector<std::byte> send(send_total), recv(recv_total);
    for (int r = 0; r < g_size; ++r) {
        if (!out[r].empty()) std::memcpy(send.data() + send_displ[r], out[r].data(), out[r].size());
    }
    MPI_Alltoallv(send.data(), send_counts.data(), send_displ.data(), MPI_BYTE, recv.data(),
                  recv_counts.data(), recv_displ.data(), MPI_BYTE, MPI_COMM_WORLD);
    for (int r = 0; r < g_size; ++r) {
        ex.in[r].assign(recv.begin() + recv_displ[r],
                        recv.begin() + recv_displ[r] + recv_counts[r]);
    }
    return ex;
}

std::vector<std::vector<std::byte>> gather(std::span<const std::byte> mine, int root) {
    if (g_size == 1) return {std::vector<std::byte>(mine.begin(), mine.end())};
    const int n = to_int(mine.size());
    std::vector<int> counts(g_rank == root ? g_size : 0), displ(counts.size());
    MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, root, MPI_COMM_WORLD);
    std::vector<std::byte> all;
    if (g_rank == root) {
        std::size_t total = 0;
        for (int r = 0; r < g_size; ++r) {
            displ[r] = to_int(total);
            total += static_cast<std::size_t>(counts[r]);
        }
        all.resize(total);
    }
    MPI_Gatherv(mine.data(), n, MPI_BYTE, all.data(), counts.data(), displ.data(), MPI_BYTE, root,
                MPI_COMM_WORLD);
    std::vector<std::vector<std::byte>> by_rank;
    if (g_rank == root) {
        for (int r = 0; r < g_size; ++r)
            by_rank.emplace_back(all.begin() + displ[r], all.begin() + displ[r] + counts[r]);
    }
    return by_rank;
}

std::vector<std::byte> broadcast(std::vector<std::byte> bytes, int root) {
    if (g_size == 1) return bytes;
    std::uint64_t n = bytes.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, root, MPI_COMM_WORLD);
    bytes.resize(n);
    MPI_Bcast(bytes.data(), to_int(n), MPI_BYTE, root, MPI_COMM_WORLD);
    return bytes;
}

void abort_all(int exit_code) {
    if (g_active && g_size > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::exit(exit_code);
}

#else  // one process, no MPI

bool built_with_mpi() {
    return false;
}
Session::Session(int&, char**&) {}
Session::~Session() = default;
int rank() {
    return 0;
}
int size() {
    return 1;
}
void allreduce_min(std::span<std::int64_t>) {}
std::vector<std::vector<std::byte>> gather(std::span<const std::byte> mine, int) {
    return {std::vector<std::byte>(mine.begin(), mine.end())};
}
WindowExchange exchange_window(const std::vector<std::vector<std::byte>>& out, std::int64_t next,
                               bool stop) {
    return {out, next, stop};
}
std::vector<std::byte> broadcast(std::vector<std::byte> bytes, int) {
    return bytes;
}
void abort_all(int exit_code) {
    std::exit(exit_code);
}

#endif

}  // namespace sim::ranks
