// xvrrpctl: asks a running xvrrpd over its control socket.
//   xvrrpctl [--socket PATH] status [--json]
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr const char *kDefaultSocket = "/run/xvrrp/xvrrpd.sock";

int usage(FILE *out, int code) {
    fprintf(out,
            "usage: xvrrpctl [--socket PATH] status [--json] | --version | --help\n"
            "  --socket PATH  xvrrpd's control socket (default %s)\n"
            "  status         per instance: state, priority, master, advert counters, last\n"
            "                 advert age, TX path, XDP mode; --json for scripts\n",
            kDefaultSocket);
    return code;
}

// XVRRP_VERSION: project()'s version, from cmake/Install.cmake.
int version() {
    puts("xvrrpctl " XVRRP_VERSION);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    std::string socket_path = kDefaultSocket, request;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--socket" && i + 1 < argc)
            socket_path = argv[++i];
        else if (a.rfind("--socket=", 0) == 0)
            socket_path = a.substr(9);
        else if (a == "--json")
            json = true;
        else if (a == "--help" || a == "-h")
            return usage(stdout, 0);
        else if (a == "--version")
            return version();
        else if (a == "status" && request.empty())
            request = a;
        else {
            fprintf(stderr, "xvrrpctl: unknown argument '%s'\n", a.c_str());
            return usage(stderr, 2);
        }
    }
    if (request.empty()) return usage(stderr, 2);
    if (json) request += " --json";

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path) {
        fprintf(stderr, "xvrrpctl: socket path too long: %s\n", socket_path.c_str());
        return 1;
    }
    socket_path.copy(addr.sun_path, socket_path.size());
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        fprintf(stderr, "xvrrpctl: connect %s: %s (is xvrrpd running? see --socket)\n",
                socket_path.c_str(), strerror(errno));
        return 1;
    }
    request += "\n";
    // MSG_NOSIGNAL: a daemon that refused us has answered and closed already; its answer is
    // still there to read, and says why.
    int send_error = 0;
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size()))
        send_error = errno;
    std::string answer;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) answer.append(buf, n);
    close(fd);
    if (answer.empty() && send_error) {
        fprintf(stderr, "xvrrpctl: write %s: %s\n", socket_path.c_str(), strerror(send_error));
        return 1;
    }
    fputs(answer.c_str(), stdout);
    return answer.rfind("error:", 0) == 0 ? 1 : 0;
}
