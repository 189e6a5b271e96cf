#include "daemon/log.h"

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include <cstdarg>
#include <cstdlib>
#include <mutex>

namespace xvrrp::daemon {

void log(Level level, const std::string &scope, const std::string &message) {
    static std::mutex mu;  // the advert thread never logs; this is for the rare other threads
    const char *tag = level == Level::Info ? "" : level == Level::Warn ? "warning: " : "error: ";
    std::lock_guard lock(mu);
    if (scope.empty())
        fprintf(stderr, "xvrrpd: %s%s\n", tag, message.c_str());
    else
        fprintf(stderr, "xvrrpd: [%s] %s%s\n", scope.c_str(), tag, message.c_str());
}

namespace {
int libbpf_log(enum libbpf_print_level, const char *fmt, va_list ap) { return vfprintf(stderr, fmt, ap); }
int libbpf_quiet(enum libbpf_print_level, const char *, va_list) { return 0; }
int libxdp_log(enum libxdp_print_level, const char *fmt, va_list ap) { return vfprintf(stderr, fmt, ap); }
int libxdp_quiet(enum libxdp_print_level, const char *, va_list) { return 0; }
}  // namespace

void route_library_logs() {
    bool debug = getenv("XVRRP_DEBUG_LIBBPF") != nullptr;
    libbpf_set_print(debug ? libbpf_log : libbpf_quiet);
    libxdp_set_print(debug ? libxdp_log : libxdp_quiet);
}

}  // namespace xvrrp::daemon
