// Running the project's Python tools (plots/, tools/viewer/) from the msgsim command line.
#pragma once

#include <string>
#include <vector>

namespace sim::cli {

/// Runs /usr/bin/python3 SCRIPT ARGS... (SCRIPT relative to the source tree msgsim was
/// built from) in the foreground and returns its exit status. Arguments are passed as an
/// argv, never through a shell, so paths with spaces or quotes are safe. Ctrl-C goes to
/// the script (msgsim waits for it). Exit 1 with a message if python3 or the script is
/// missing, or the script died of a signal.
int run_python_script(const std::string& script, const std::vector<std::string>& args);

}  // namespace sim::cli
