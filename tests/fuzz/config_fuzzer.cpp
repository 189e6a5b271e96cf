// libFuzzer target: the configuration reader on arbitrary bytes (config::parse_config), with
// toml++ compiled in and instrumented so that coverage guides the fuzzer through TOML too.
//
// Beyond "no crash, no sanitizer report", it checks what the reader promises:
//   - a file is either a Config or a list of errors, never both or neither;
//   - every error is one FILE:LINE[:COL]: error: line of printable text and sane length;
//   - a Config holds only what the documented checks allow;
//   - whatever passes the input bounds (prescan.h) parses to a toml++ tree no deeper than
//     kMaxTreeDepth: a part or bracket the scan missed shows here long before it can reach
//     the stack.
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/instance.h"
#include "config/prescan.h"
#include "config/reader.h"

namespace {

using namespace xvrrp::config;

[[noreturn]] void broken(const char *promise, std::string_view detail) {
    std::fprintf(stderr, "config_fuzzer: broken promise: %s\n  %.*s\n", promise,
                 static_cast<int>(std::min<size_t>(detail.size(), 2000)), detail.data());
    std::abort();
}

#define PROMISE(cond, detail)               \
    do {                                    \
        if (!(cond)) broken(#cond, detail); \
    } while (0)

bool printable_line(std::string_view line) {
    return std::none_of(line.begin(), line.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

void check_errors(const ConfigResult &r) {
    PROMISE(r.ok() == r.errors.empty(), format_diagnostics(r.errors));
    for (size_t i = 0; i < r.errors.size(); ++i) {
        const Diagnostic &d = r.errors[i];
        const std::string line = format_diagnostic(d);
        PROMISE(line.rfind("fuzz.toml:", 0) == 0 && d.pos.line >= 1, line);
        PROMISE(line.find(": error: ") != std::string::npos, line);
        PROMISE(printable_line(line), line);
        PROMISE(line.size() <= 1024, line);
        if (i > 0) {
            const SourcePos a = r.errors[i - 1].pos, b = d.pos;
            PROMISE(a.line < b.line || (a.line == b.line && a.column <= b.column), line);
        }
    }
}

void check_config(const Config &c) {
    PROMISE(!c.instances.empty(), "a Config without instances");
    PROMISE(valid_ifname(c.daemon.vip_interface), c.daemon.vip_interface);
    for (const std::string *path :
         {&c.daemon.pin_dir, &c.daemon.control_socket, &c.daemon.pid_file})
        PROMISE(!path->empty() && !has_control_character(*path), *path);
    PROMISE(c.daemon.sched_priority >= 0 && c.daemon.sched_priority <= 99, "sched_priority");
    for (const Instance &inst : c.instances) {
        PROMISE(!inst.name.empty() && !has_control_character(inst.name), inst.name);
        PROMISE(valid_ifname(inst.interface), inst.interface);
        PROMISE(inst.vrid >= 1 && inst.priority >= 1, inst.name);
        PROMISE(inst.version == 2 || inst.version == 3, inst.name);
        PROMISE(!inst.virtual_ips.empty(), inst.name);
        for (const VirtualIp &v : inst.virtual_ips) {
            PROMISE(v.address.family == inst.family(), inst.name);
            PROMISE(v.prefix_len >= 1 && v.prefix_len <= v.address.size() * 8, inst.name);
        }
        for (const auto *list : {&inst.unicast_peers, &inst.allowed_sources})
            for (const IpAddress &ip : *list) PROMISE(ip.family == inst.family(), inst.name);
        PROMISE(inst.version == 3 || inst.family() == Family::IPv4, inst.name);
        PROMISE(advert_interval_problem(inst.advert_interval, inst.version).empty(), inst.name);
        PROMISE(inst.lease > inst.advert_interval && inst.lease <= 3 * inst.advert_interval,
                inst.name);
        for (const TrackInterface &t : inst.track_interfaces)
            PROMISE(valid_ifname(t.name) && t.weight >= -254 && t.weight <= 254, t.name);
        for (const auto *hook : {&inst.notify.master, &inst.notify.backup, &inst.notify.fault,
                                 &inst.notify.stop, &inst.notify.any})
            PROMISE(hook->empty() || (*hook)[0].rfind("/", 0) == 0, inst.name);
    }
}

// Depth of the tree under `root`, the root counting 1; a stack of its own, no recursion.
size_t tree_depth(const toml::node &root) {
    size_t deepest = 0;
    std::vector<std::pair<const toml::node *, size_t>> todo = {{&root, 1}};
    while (!todo.empty()) {
        auto [n, depth] = todo.back();
        todo.pop_back();
        deepest = std::max(deepest, depth);
        if (const toml::table *t = n->as_table())
            for (auto &&[key, child] : *t) todo.emplace_back(&child, depth + 1);
        else if (const toml::array *a = n->as_array())
            for (const toml::node &child : *a) todo.emplace_back(&child, depth + 1);
    }
    return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const ConfigResult r = parse_config(text, "fuzz.toml");
    check_errors(r);
    if (r.ok()) check_config(*r.config);

    if (!check_bounds(text)) {
        try {
            const toml::table root = toml::parse(text);
            PROMISE(tree_depth(root) <= kMaxTreeDepth, std::to_string(tree_depth(root)));
        } catch (const toml::parse_error &) {
        }
    }
    return 0;
}
