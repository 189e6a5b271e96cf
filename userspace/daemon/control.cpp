#include "daemon/control.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "common/timerfd.h"
#include "daemon/log.h"

namespace xvrrp::daemon {
namespace {

constexpr int kBacklog = 64;
constexpr int kEventsPerTurn = 16;   // client events handled per on_ready()
constexpr int kAcceptsPerTurn = 16;  // connections accepted per on_ready()

void add(int epoll, int fd, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev)) throw sys_error("control socket: epoll_ctl");
}

// The peer's supplementary groups (SO_PEERGROUPS: as they were when it connected).
std::vector<gid_t> peer_groups(int fd) {
    std::vector<gid_t> groups(64);
    while (true) {
        socklen_t len = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &len) == 0) {
            groups.resize(len / sizeof(gid_t));
            return groups;
        }
        if (errno != ERANGE) return {};
        groups.resize(len / sizeof(gid_t) + 1);
    }
}

}  // namespace

ControlSocket::ControlSocket(const std::string &path, std::optional<Group> group, ControlApi api)
    : path_(path, group ? std::optional<gid_t>(group->gid) : std::nullopt, kBacklog),
      group_(std::move(group)),
      api_(std::move(api)),
      epoll_(epoll_create1(EPOLL_CLOEXEC)),
      timer_(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
    if (!epoll_ || !timer_) throw sys_error("control socket " + path);
    add(epoll_.get(), path_.fd(), EPOLLIN);
    add(epoll_.get(), timer_.get(), EPOLLIN);
    info("", "control socket " + path + ": mode " +
                 (group_ ? "0660, group " + group_->name : "0600") +
                 "; answers root, xvrrpd's user" +
                 (group_ ? " and members of " + group_->name : std::string()));
}

ControlSocket::~ControlSocket() {
    flush_logs(true);
}

void ControlSocket::on_ready() {
    epoll_event events[kEventsPerTurn];
    int n = epoll_wait(epoll_.get(), events, kEventsPerTurn, 0);
    for (int i = 0; i < n; i++) {
        int fd = events[i].data.fd;
        if (fd == path_.fd()) {
            accept_some();
        } else if (fd == timer_.get()) {
            uint64_t expirations;
            [[maybe_unused]] auto r = read(timer_.get(), &expirations, sizeof expirations);
            close_expired();
            flush_logs(false);
            // The loop publishes after this turn (daemon.cpp): the next poll is one later.
            if (Clock::now() >= next_poll_) next_poll_ = Clock::now() + kEventPoll;
        } else {
            on_client(fd, events[i].events);
        }
    }
    arm_timer();
}

void ControlSocket::accept_some() {
    for (int i = 0; i < kAcceptsPerTurn; i++) {
        UniqueFd fd(accept4(path_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) return;  // EAGAIN: none left (or an error the next turn sees again)
        std::string who;
        if (!allowed(fd.get(), who)) {
            refuse(std::move(fd), who);
            continue;
        }
        if (clients_.size() - subscribers_ >= kMaxClients) {
            // The oldest is the one most likely to be holding a slot without using it.
            // Subscribers have their own limit (kMaxSubscribers).
            std::optional<int> oldest;
            for (auto &[cfd, c] : clients_)
                if (!c.subscriber && (!oldest || c.serial < clients_[*oldest].serial)) oldest = cfd;
            close_client(*oldest);
            if (evictions_.admit(Clock::now()))
                warn("", "control socket: " + std::to_string(kMaxClients) +
                             " connections open; closed the oldest for a new one" +
                             evictions_.take_held_back());
        }
        int raw = fd.get();
        add(epoll_.get(), raw, EPOLLIN | EPOLLRDHUP);
        Client &c = clients_[raw];
        c.fd = std::move(fd);
        c.serial = next_serial_++;
        c.deadline = Clock::now() + kClientLifetime;
    }
}

bool ControlSocket::allowed(int fd, std::string &who) const {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        who = "a peer whose credentials could not be read";
        return false;
    }
    who = "uid " + std::to_string(cred.uid) + " gid " + std::to_string(cred.gid) + " pid " +
          std::to_string(cred.pid);
    if (cred.uid == 0 || cred.uid == geteuid()) return true;
    if (!group_) return false;
    if (cred.gid == group_->gid) return true;
    auto groups = peer_groups(fd);
    return std::find(groups.begin(), groups.end(), group_->gid) != groups.end();
}

void ControlSocket::refuse(UniqueFd fd, const std::string &who) {
    std::string why = "only root, xvrrpd's user" +
                      (group_ ? " and members of group " + group_->name : std::string()) +
                      " may use the control socket";
    std::string answer = "error: " + why + "\n";
    // One try, never waiting: the buffer of a fresh connection takes this line.
    [[maybe_unused]] auto r =
        send(fd.get(), answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (refusals_.admit(Clock::now()))
        warn("", "control socket: refused " + who + ": " + why + refusals_.take_held_back());
}

void ControlSocket::on_client(int fd, uint32_t events) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;  // closed earlier in this turn
    Client &c = it->second;
    if (c.subscriber) {
        // It only listens: a hang-up closes it, anything it says is ignored.
        if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            close_client(fd);
            return;
        }
        if (events & EPOLLIN) discard_input(c);
        if (events & EPOLLOUT) send_answer(c);
        return;
    }
    if (!c.answering) {
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_request(c);
    } else if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
        send_answer(c);
    }
}

void ControlSocket::read_request(Client &c) {
    char buf[kMaxRequest + 1];
    ssize_t n = recv(c.fd.get(), buf, kMaxRequest + 1 - c.request.size(), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0 || (n == 0 && c.request.empty())) {  // an error, or gone without a word
        close_client(c.fd.get());
        return;
    }
    c.request.append(buf, static_cast<size_t>(n));
    size_t eol = c.request.find('\n');
    if (eol == std::string::npos && c.request.size() > kMaxRequest) {
        c.answer = "error: request longer than " + std::to_string(kMaxRequest) +
                   " bytes (try: status, status --json)\n";
    } else if (eol != std::string::npos || n == 0) {  // a line, or the last bytes before EOF
        std::string_view line(c.request.data(), std::min(eol, c.request.size()));
        ControlAnswer a = answer_request(line, api_);
        c.answer = std::move(a.text);
        if (a.subscribe && subscribers_ >= kMaxSubscribers) {
            c.answer = "error: " + std::to_string(kMaxSubscribers) +
                       " clients already follow the events (the most xvrrpd serves)\n";
        } else if (a.subscribe) {
            c.subscriber = true;
            c.deadline = Clock::time_point::max();
            if (subscribers_++ == 0) next_poll_ = Clock::now() + kEventPoll;
        }
    } else {
        return;  // the rest of the line is still coming
    }
    c.answering = true;
    watch_client(c);
    send_answer(c);
}

void ControlSocket::watch_client(const Client &c) {
    epoll_event ev{};
    ev.events = c.subscriber ? EPOLLIN | EPOLLRDHUP : 0;
    if (c.sent < c.answer.size()) ev.events |= EPOLLOUT;
    ev.data.fd = c.fd.get();
    epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
}

void ControlSocket::discard_input(Client &c) {
    char buf[512];
    ssize_t n = recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) close_client(c.fd.get());
}

void ControlSocket::publish(const std::string &lines) {
    if (lines.empty()) return;
    std::vector<int> slow, flush;
    for (auto &[fd, c] : clients_) {
        if (!c.subscriber) continue;
        // Sent bytes go; what is left is what the reader has not taken yet.
        c.answer.erase(0, c.sent);
        c.sent = 0;
        if (c.answer.size() + lines.size() > kMaxPending) {
            slow.push_back(fd);
            continue;
        }
        if (c.answer.empty()) flush.push_back(fd);  // otherwise EPOLLOUT is on and takes it
        c.answer += lines;
    }
    for (int fd : flush) send_answer(clients_.at(fd));  // may close it: not while iterating
    for (int fd : slow) {
        close_client(fd);
        if (slow_subscribers_.admit(Clock::now()))
            warn("", "control socket: closed an events subscriber that fell " +
                         std::to_string(kMaxPending / 1024) + " KiB behind" +
                         slow_subscribers_.take_held_back());
    }
}

void ControlSocket::send_answer(Client &c) {
    while (c.sent < c.answer.size()) {
        // MSG_NOSIGNAL: a client that hung up gives EPIPE here, not a SIGPIPE.
        ssize_t n = send(c.fd.get(), c.answer.data() + c.sent, c.answer.size() - c.sent,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {  // EPOLLOUT brings us back
            if (c.subscriber) watch_client(c);
            return;
        }
        if (n <= 0) {  // the client is gone
            close_client(c.fd.get());
            return;
        }
        c.sent += static_cast<size_t>(n);
    }
    if (!c.subscriber) {
        close_client(c.fd.get());
        return;
    }
    c.answer.clear();  // all sent; a subscriber stays for what comes
    c.sent = 0;
    watch_client(c);
}

void ControlSocket::close_client(int fd) {
    auto it = clients_.find(fd);
    if (it != clients_.end() && it->second.subscriber) subscribers_--;
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    clients_.erase(fd);  // closes it
}

void ControlSocket::close_expired() {
    auto now = Clock::now();
    std::vector<int> expired;
    for (auto &[fd, c] : clients_)
        if (c.deadline <= now) expired.push_back(fd);
    for (int fd : expired) close_client(fd);
}

std::string ControlSocket::LogLimit::take_held_back() {
    std::string more =
        held_back ? " (and " + std::to_string(held_back) + " more since the last message)" : "";
    held_back = 0;
    return more;
}

// Reports what was held back once its window is over (or at exit), so that a burst of
// refusals ends with its count in the log.
void ControlSocket::flush_logs(bool force) {
    auto now = Clock::now();
    auto window = " in the last " + std::to_string(kLogWindow.count()) + " s";
    if (refusals_.held_back && (force || refusals_.next <= now)) {
        warn("", "control socket: refused " + std::to_string(refusals_.held_back) +
                     " more connection(s)" + window);
        refusals_ = {now + kLogWindow, 0};
    }
    if (slow_subscribers_.held_back && (force || slow_subscribers_.next <= now)) {
        warn("", "control socket: closed " + std::to_string(slow_subscribers_.held_back) +
                     " more slow events subscriber(s)" + window);
        slow_subscribers_ = {now + kLogWindow, 0};
    }
    if (evictions_.held_back && (force || evictions_.next <= now)) {
        warn("", "control socket: closed " + std::to_string(evictions_.held_back) +
                     " more old connection(s) for new ones" + window);
        evictions_ = {now + kLogWindow, 0};
    }
}

void ControlSocket::arm_timer() {
    std::optional<Clock::time_point> next;
    auto consider = [&](Clock::time_point t) {
        if (!next || t < *next) next = t;
    };
    for (auto &[fd, c] : clients_)
        if (!c.subscriber) consider(c.deadline);
    if (subscribers_) consider(next_poll_);
    if (refusals_.held_back) consider(refusals_.next);
    if (evictions_.held_back) consider(evictions_.next);
    if (slow_subscribers_.held_back) consider(slow_subscribers_.next);
    arm_timerfd_once(timer_.get(), next);
}

}  // namespace xvrrp::daemon
