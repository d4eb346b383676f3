// msgsim plot: the plots of one or more run directories, by plots/plot_all.py.
#include <memory>

#include "sim/cli/commands.hpp"
#include "sim/cli/python_script.hpp"

namespace sim::cli {

namespace {

struct PlotOptions {
    std::vector<std::string> dirs;
    std::string plot_dir;
};

}  // namespace

Action add_plot(CLI::App& app) {
    auto o = std::make_shared<PlotOptions>();
    app.add_option("outdirs", o->dirs, "Run directories (written by msgsim run)")->required();
    app.add_option("-o,--out", o->plot_dir, "Where to write the plots (default OUTDIR/plots)");
    return [o] {
        std::vector<std::string> args;
        if (!o->plot_dir.empty()) {
            args.push_back("-o");
            args.push_back(o->plot_dir);
        }
        // "--" ends the options, so a directory named "-x" is still a directory.
        args.push_back("--");
        args.insert(args.end(), o->dirs.begin(), o->dirs.end());
        return run_python_script("plots/plot_all.py", args);
    };
}

}  // namespace sim::cli
