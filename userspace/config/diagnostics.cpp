#include "config/diagnostics.h"

#include <algorithm>
#include <numeric>

namespace xvrrp::config {

std::string format_diagnostic(const Diagnostic &d) {
    std::string out = d.file;
    if (d.pos.line != 0) {
        out += ':' + std::to_string(d.pos.line);
        if (d.pos.column != 0) out += ':' + std::to_string(d.pos.column);
    }
    out += ": error: ";
    out += d.message;
    return out;
}

std::string format_diagnostics(const std::vector<Diagnostic> &ds) {
    std::string out;
    for (const auto &d : ds) out += format_diagnostic(d) + '\n';
    return out;
}

namespace {

// Optimal string alignment distance: Levenshtein plus transposition of adjacent characters,
// the usual typo ("prioirty").
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string nearest_name(std::string_view unknown, const std::vector<std::string_view> &known) {
    std::string_view best;
    size_t best_distance = std::max<size_t>(2, unknown.size() / 3) + 1;
    for (auto name : known) {
        size_t distance = edit_distance(unknown, name);
        if (distance < best_distance) best = name, best_distance = distance;
    }
    if (!best.empty()) return std::string(best);
    // A longer or shorter spelling of a known name: "pin_directory" for "pin_dir".
    for (auto name : known) {
        size_t common = std::min(unknown.size(), name.size());
        if (common >= 3 && unknown.substr(0, common) == name.substr(0, common))
            return std::string(name);
    }
    return "";
}

}  // namespace xvrrp::config
