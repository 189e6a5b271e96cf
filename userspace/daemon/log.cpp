#include "daemon/log.h"

#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <xdp/libxdp.h>

#include <atomic>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "common/json.h"

namespace xvrrp::daemon {
namespace {

std::atomic<Level> g_threshold{Level::Info};
std::atomic<LogFormat> g_format{LogFormat::Plain};

// systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" of the stream it connected stdout and
// stderr to. A stderr that is something else (redirected by a wrapper) is not the journal.
bool stderr_is_journal() {
    const char *env = getenv("JOURNAL_STREAM");
    if (!env) return false;
    uintmax_t dev = 0, ino = 0;
    if (sscanf(env, "%ju:%ju", &dev, &ino) != 2) return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) return false;
    return uintmax_t(st.st_dev) == dev && uintmax_t(st.st_ino) == ino;
}

// syslog(3)'s priorities, which the journal's PRIORITY= takes: LOG_ERR 3 .. LOG_DEBUG 7.
int syslog_priority(Level level) {
    return 3 + static_cast<int>(level);
}

std::string plain_text(Level level, const LogFields &f, const std::string &message) {
    const char *tag = level == Level::Error     ? "error: "
                      : level == Level::Warning ? "warning: "
                      : level == Level::Debug   ? "debug: "
                                                : "";
    return (f.scope.empty() ? "" : "[" + f.scope + "] ") + tag + message;
}

// RFC 3339 in UTC with microseconds: "2026-12-01T23:40:00.123456Z".
std::string timestamp() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm utc{};
    gmtime_r(&ts.tv_sec, &utc);
    char buf[40];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(buf + n, sizeof buf - n, ".%06ldZ", ts.tv_nsec / 1000);
    return buf;
}

std::string json_line(Level level, const LogFields &f, const std::string &message) {
    std::string line = "{\"ts\":" + json_string(timestamp()) +
                       ",\"level\":" + json_string(config::to_string(level)) +
                       ",\"msg\":" + json_string(message);
    // An interface's messages keep their scope; an instance's say which one by its fields.
    if (!f.scope.empty() && f.scope != f.instance) line += ",\"scope\":" + json_string(f.scope);
    if (!f.instance.empty()) line += ",\"instance\":" + json_string(f.instance);
    if (f.vrid >= 0) line += ",\"vrid\":" + std::to_string(f.vrid);
    if (!f.state.empty()) line += ",\"state\":" + json_string(f.state);
    if (!f.reason.empty()) line += ",\"reason\":" + json_string(f.reason);
    return line + "}\n";
}

// False if the journal did not take it (its socket is gone): the caller writes a plain line.
bool send_to_journal(Level level, const LogFields &f, const std::string &message) {
    std::vector<std::string> fields = {
        "MESSAGE=" + plain_text(level, f, message),
        "PRIORITY=" + std::to_string(syslog_priority(level)),
        "SYSLOG_IDENTIFIER=xvrrpd",
    };
    if (!f.instance.empty()) fields.push_back("INSTANCE=" + f.instance);
    if (f.vrid >= 0) fields.push_back("VRID=" + std::to_string(f.vrid));
    if (!f.state.empty()) fields.push_back("STATE=" + f.state);
    if (!f.reason.empty()) fields.push_back("REASON=" + f.reason);
    std::vector<iovec> iov;
    for (auto &s : fields) iov.push_back({s.data(), s.size()});
    return sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0;
}

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view text) {
    if (text == "auto") return LogFormat::Auto;
    if (text == "plain") return LogFormat::Plain;
    if (text == "json") return LogFormat::Json;
    return std::nullopt;
}

void configure_logging(Level threshold, LogFormat format) {
    if (format == LogFormat::Auto)
        format = stderr_is_journal() ? LogFormat::Journal : LogFormat::Plain;
    g_format = format;
    g_threshold = threshold;
}

void set_log_level(Level threshold) {
    g_threshold = threshold;
}

LogFormat log_format() {
    return g_format;
}

bool logs(Level level) {
    return level <= g_threshold.load();
}

void log(Level level, const LogFields &fields, const std::string &message) {
    if (!logs(level)) return;
    static std::mutex mu;  // the advert threads never log; this is for the rare other threads
    std::lock_guard lock(mu);
    LogFormat format = g_format;
    if (format == LogFormat::Journal && send_to_journal(level, fields, message)) return;
    if (format == LogFormat::Json)
        fputs(json_line(level, fields, message).c_str(), stderr);
    else
        fprintf(stderr, "xvrrpd: %s\n", plain_text(level, fields, message).c_str());
}

namespace {

// The libraries' messages are printf formats, each usually one line with its newline.
void library_message(const char *library, const char *fmt, va_list ap) {
    if (!logs(Level::Debug)) return;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    std::string text = buf;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (!text.empty()) log(Level::Debug, library, text);
}

int libbpf_log(enum libbpf_print_level, const char *fmt, va_list ap) {
    library_message("libbpf", fmt, ap);
    return 0;
}
int libxdp_log(enum libxdp_print_level, const char *fmt, va_list ap) {
    library_message("libxdp", fmt, ap);
    return 0;
}

}  // namespace

void route_library_logs() {
    libbpf_set_print(libbpf_log);
    libxdp_set_print(libxdp_log);
}

}  // namespace xvrrp::daemon
