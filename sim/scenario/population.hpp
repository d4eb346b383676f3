// Population blocks: many users described in a few lines (count, devices per user,
// placement over routers or world cities, access mix, presence churn, traffic) and expanded
// into phones attached to their nearest router. Per user the expansion stores a user record,
// and per device one node, one access link and its presence intervals; nothing per user
// grows with the number of users.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/spec.hpp"
#include "sim/scenario/profiles.hpp"

namespace sim::scenario {

/// What the expansion needs from the loader.
struct PopulationContext {
    const std::map<std::string, AccessProfile>& profiles;
    std::filesystem::path scenario_dir;  ///< relative "file" paths start here
    /// A node id -> its index (throws PathError naming `path` if unknown).
    std::function<net::NodeIndex(const nlohmann::json&, const std::string&)> node_ref;
    /// Whether an explicit node or user already has this id.
    std::function<bool(const std::string&)> id_taken;
};

/// Approximate memory of one run, measured (see the population section of
/// scenarios/README.md): bytes per generated user and per generated device, messages aside.
inline constexpr std::uint64_t kBytesPerUser = 160;
inline constexpr std::uint64_t kBytesPerDevice = 1400;

/// Expands the scenario's "population" value (one block or an array of blocks) into
/// `spec`: users, phone nodes, access links, presence and Poisson traffic. Throws PathError.
void expand_population(const nlohmann::json& value, model::ModelSpec& spec,
                       const PopulationContext& context);

/// One row of a cities table.
struct City {
    std::string name;
    net::Location location;
    double population = 0;
    std::string country;    ///< ISO 3166 alpha-2
    std::string continent;  ///< AF, AS, EU, NA, OC, SA, AN
    std::string feature;    ///< GeoNames feature code (PPLX: a section of a city)
};

/// Parses a cities CSV (header with at least latitude, longitude, population; optional
/// asciiname or name, country_code, continent, feature_code). Throws std::invalid_argument
/// naming the line.
std::vector<City> parse_cities(std::string_view csv);

/// The world-cities table built into msgsim (GeoNames, CC BY 4.0).
std::string_view builtin_cities_csv();

}  // namespace sim::scenario
