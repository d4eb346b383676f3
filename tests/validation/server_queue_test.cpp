// A server's queue against queueing theory: M/M/1, M/D/1 and M/M/c mean waits (and the
// Erlang C probability of waiting), measured by msgsim on scenarios/server-queue.json.
//
// Why the server is an M/./c queue there: 20 phones send Poisson messages and a superposition
// of independent Poisson processes is Poisson with the summed rate (Kleinrock, Queueing
// Systems Vol. 1, 1975, ch. 2); every message is one job at the (only) server; the
// network delay before the server is a constant (fixed packet size, no loss) except for
// collisions of 8 ns packets on the 100 Gbps link, and a constant delay keeps a Poisson
// stream Poisson. The queue is effectively infinite, so no job is refused and no refusal
// retry feeds back into the arrivals; acknowledgements go the other way and are not jobs.
// servers[0].mean_wait_ms is the mean wait before a worker takes a job, service excluded:
// W_q in the formulas below.
//
// Tolerance: R independent replications (seeds 1..R) give R mean waits; their mean and
// standard error s / sqrt(R) go into expect_agrees_with_theory, which allows t(0.9995, R-1)
// standard errors plus a bias allowance for the start-up transient: every run starts with an
// empty queue, so its mean wait is biased low. For M/M/1 from empty, the mean queue relaxes
// on the time scale tau = (1 + rho) / (mu (1 - rho)^2) (the regulated Brownian motion limit,
// Abate & Whitt, "Transient behavior of the M/M/1 queue: starting at the origin", Queueing
// Systems 2, 1987), and the total deficit is about half of W_q * tau; over a horizon T the
// relative bias is about tau / (2 T). We allow 2 tau / T (4 times that), which is below 0.4 %
// for every case here: small next to the statistical tolerance, but stated, not hidden.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>

#include "validation_support.hpp"

using namespace msgsim_validation;

namespace {

constexpr int kPhones = 20;
constexpr double kHorizonS = 200;  // traffic runs from 0 to 200 s (scenario "stop")
constexpr int kReplications = 20;

struct QueueCase {
    double rate_per_phone;     // messages per second
    int workers;               // c
    double mean_service_ms;    // 1 / mu
    const char* service_dist;  // "exponential" or "constant"
};

std::string args_of(const QueueCase& q) {
    char service[128];
    if (std::string(q.service_dist) == "constant") {
        std::snprintf(service, sizeof service, "\"%gms\"", q.mean_service_ms);
    } else {
        std::snprintf(service, sizeof service, "{\"dist\": \"exponential\", \"mean\": \"%gms\"}",
                      q.mean_service_ms);
    }
    char args[512];
    std::snprintf(args, sizeof args,
                  "--set traffic.0.rate=%g/s --set nodes.22.workers=%d "
                  "--set 'nodes.22.service_time=%s'",
                  q.rate_per_phone, q.workers, service);
    return args;
}

/// Mean waits (ms) of R replications, after checking each run served every job it was sent.
std::vector<double> mean_waits(const QueueCase& q) {
    return replicate("server-queue.json", args_of(q), kReplications, [](const RunOutput& out) {
        const json& server = out.summary.at("servers").at(0);
        EXPECT_EQ(server.at("processed"), out.summary["messages"]["unique"]);
        EXPECT_EQ(server.at("refused_busy"), 0);
        return server.at("mean_wait_ms").get<double>();
    });
}

/// The fraction of jobs that had to wait, replayed from the run's event trace: the server's
/// packet arrivals are job arrivals (no other packet reaches it: it sends no data, so gets
/// no acks) and its service completions are departures, in execution order. An arrival
/// waits exactly when it finds all `workers` busy, i.e. `workers` or more jobs present;
/// this is the same decision the server takes, so the replay is exact.
double waiting_fraction(const std::filesystem::path& events, int workers,
                        std::uint64_t expected_jobs) {
    std::ifstream in(events);
    EXPECT_TRUE(in.good()) << "no event trace at " << events;
    std::string line;
    std::uint64_t present = 0, arrivals = 0, waited = 0;
    while (std::getline(in, line)) {
        if (line.find("\"entity\":\"server\"") == std::string::npos) continue;
        const std::string kind = json::parse(line).at("kind").get<std::string>();
        if (kind == "packet_arrive") {
            ++arrivals;
            waited += present >= static_cast<std::uint64_t>(workers);
            ++present;
        } else if (kind == "service_done") {
            EXPECT_GT(present, 0u);
            --present;
        }
    }
    EXPECT_EQ(arrivals, expected_jobs);
    return arrivals ? static_cast<double>(waited) / static_cast<double>(arrivals) : 0.0;
}

/// The start-up bias allowance of the header comment: W_q * 2 tau / T.
double startup_bias_ms(double wq_ms, double rho, double mu_per_s) {
    const double tau_s = (1 + rho) / (mu_per_s * (1 - rho) * (1 - rho));
    return wq_ms * 2 * tau_s / kHorizonS;
}

/// Erlang's C formula: the probability that an arrival waits in M/M/c with offered load
/// a = lambda / mu < c (Kleinrock Vol. 1, ch. 3, M/M/m; Gross & Harris, Fundamentals of
/// Queueing Theory, ch. 2, M/M/c):
///   C(c, a) = (a^c / c!) (c / (c - a)) / (sum_{k<c} a^k / k! + (a^c / c!) (c / (c - a))).
double erlang_c(int c, double a) {
    double term = 1;  // a^k / k!
    double sum = 0;
    for (int k = 0; k < c; ++k) {
        sum += term;
        term *= a / (k + 1);
    }
    const double top = term * c / (c - a);
    return top / (sum + top);
}

}  // namespace

// M/M/1: W_q = rho / (mu - lambda) (Kleinrock Vol. 1, ch. 3: W = 1 / (mu - lambda) minus
// the service time 1 / mu).
// rho = 0.5: lambda = 20 * 25/s = 500/s, mu = 1000/s, W_q = 1 ms.
TEST(ServerQueue, MeanWaitMatchesMM1AtHalfLoad) {
    const QueueCase q{25, 1, 1.0, "exponential"};
    const double lambda = kPhones * q.rate_per_phone, mu = 1000 / q.mean_service_ms;
    const double rho = lambda / mu;
    const double theory_ms = 1000 * rho / (mu - lambda);
    expect_agrees_with_theory("M/M/1 rho=0.5 mean wait (ms)", estimate_of(mean_waits(q)), theory_ms,
                              startup_bias_ms(theory_ms, rho, mu));
}

// rho = 0.9: lambda = 900/s, W_q = 9 ms. Heavy load: the runs' spread is much larger (the
// variance of a mean wait grows like (1 - rho)^-4; Whitt, "Planning queueing simulations",
// Management Science 35, 1989), which the standard error reflects.
TEST(ServerQueue, MeanWaitMatchesMM1AtHeavyLoad) {
    const QueueCase q{45, 1, 1.0, "exponential"};
    const double lambda = kPhones * q.rate_per_phone, mu = 1000 / q.mean_service_ms;
    const double rho = lambda / mu;
    const double theory_ms = 1000 * rho / (mu - lambda);
    expect_agrees_with_theory("M/M/1 rho=0.9 mean wait (ms)", estimate_of(mean_waits(q)), theory_ms,
                              startup_bias_ms(theory_ms, rho, mu));
}

// M/D/1, constant 1 ms service: the Pollaczek-Khinchine mean-value formula
// W_q = lambda E[S^2] / (2 (1 - rho)) (Kleinrock Vol. 1, ch. 5, M/G/1), with E[S^2] = 1/mu^2:
// W_q = rho / (2 mu (1 - rho)). rho = 0.8: W_q = 2 ms, half the M/M/1 value.
TEST(ServerQueue, MeanWaitMatchesPollaczekKhinchineForConstantService) {
    const QueueCase q{40, 1, 1.0, "constant"};
    const double lambda = kPhones * q.rate_per_phone, mu = 1000 / q.mean_service_ms;
    const double rho = lambda / mu;
    const double theory_ms = 1000 * rho / (2 * mu * (1 - rho));
    expect_agrees_with_theory("M/D/1 rho=0.8 mean wait (ms)", estimate_of(mean_waits(q)), theory_ms,
                              startup_bias_ms(theory_ms, rho, mu));
}

// M/M/c with c = 4 workers of mean 4 ms (mu = 250/s each), lambda = 800/s: a = 3.2 erlangs,
// rho = a / c = 0.8; the probability that a job waits is C(4, 3.2) = 0.5964 and the mean
// wait W_q = C / (c mu - lambda) = 2.98 ms (Gross & Harris, ch. 2, M/M/c). The bias
// allowance takes the M/M/1 time scale with service rate c mu.
TEST(ServerQueue, WaitingProbabilityAndMeanWaitMatchErlangCWithFourWorkers) {
    const QueueCase q{40, 4, 4.0, "exponential"};
    const double lambda = kPhones * q.rate_per_phone, mu = 1000 / q.mean_service_ms;
    const int c = q.workers;
    const double a = lambda / mu, rho = a / c;
    const double p_wait = erlang_c(c, a);
    const double theory_ms = 1000 * p_wait / (c * mu - lambda);
    std::vector<double> waits, waiting;
    // The event trace is needed for the waiting probability; shorter runs (30 s of traffic)
    // keep it small (~300k lines each).
    replicate("server-queue.json",
              args_of(q) + " --trace events --set traffic.0.stop=30s --set duration=32s",
              kReplications, [&](const RunOutput& out) {
                  const json& server = out.summary.at("servers").at(0);
                  const auto jobs = server.at("processed").get<std::uint64_t>();
                  EXPECT_EQ(jobs, out.summary["messages"]["unique"]);
                  waits.push_back(server.at("mean_wait_ms").get<double>());
                  waiting.push_back(waiting_fraction(out.dir / "events.jsonl", c, jobs));
                  return 0.0;
              });
    const double horizon_s = 30;
    const double tau_s = (1 + rho) / (c * mu * (1 - rho) * (1 - rho));
    expect_agrees_with_theory("M/M/4 rho=0.8 P(wait) (Erlang C)", estimate_of(waiting), p_wait,
                              p_wait * 2 * tau_s / horizon_s);
    expect_agrees_with_theory("M/M/4 rho=0.8 mean wait (ms)", estimate_of(waits), theory_ms,
                              theory_ms * 2 * tau_s / horizon_s);
}
