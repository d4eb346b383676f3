// msgsim view: the browser trace viewer for one run directory, served on localhost by
// tools/viewer/serve.py in the foreground until Ctrl-C.
#include <memory>
#include <optional>

#include "sim/cli/commands.hpp"
#include "sim/cli/python_script.hpp"

namespace sim::cli {

namespace {

struct ViewOptions {
    std::string dir;
    std::optional<unsigned> port;
};

}  // namespace

Action add_view(CLI::App& app) {
    auto o = std::make_shared<ViewOptions>();
    app.add_option("outdir", o->dir, "Run directory (written by msgsim run)")->required();
    app.add_option("--port", o->port, "TCP port on 127.0.0.1 (default: a free one)")
        ->check(CLI::Range(0u, 65535u));
    return [o] {
        std::vector<std::string> args;
        if (o->port) {
            args.push_back("--port");
            args.push_back(std::to_string(*o->port));
        }
        // "--" ends the options, so a directory named "-x" is still a directory.
        args.push_back("--");
        args.push_back(o->dir);
        return run_python_script("tools/viewer/serve.py", args);
    };
}

}  // namespace sim::cli
