// msgsim validate: load and check a scenario without running it.
#include <cstdio>
#include <memory>

#include "sim/cli/commands.hpp"
#include "sim/cli/load.hpp"

namespace sim::cli {

Action add_validate(CLI::App& app) {
    auto file = std::make_shared<std::string>();
    auto sets = std::make_shared<std::vector<std::string>>();
    app.add_option("scenario", *file, "Scenario file (JSON)")->required();
    app.add_option("--set", *sets, "Override a scenario value: PATH=VALUE");
    return [file, sets] {
        const model::ModelSpec spec = load_checked(*file, *sets);
        std::size_t phones = 0, servers = 0;
        for (const auto& n : spec.nodes) {
            phones += n.kind == net::NodeKind::Phone;
            servers += n.kind == net::NodeKind::Server;
        }
        std::printf(
            "%s: valid: scenario \"%s\", %zu nodes (%zu phones, %zu servers), %zu links, %zu "
            "users, %zu explicit messages, %zu Poisson sources, %zu datagram sources\n",
            file->c_str(), spec.name.c_str(), spec.nodes.size(), phones, servers, spec.links.size(),
            spec.users.size(), spec.messages.size(), spec.poisson.size(), spec.datagrams.size());
        return kExitOk;
    };
}

}  // namespace sim::cli
