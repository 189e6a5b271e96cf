// The control socket (a Unix stream socket) that `xvrrpctl` talks to: one request line in, one
// answer out, then close (status_format.h has the requests and answers); or, for
// "events --follow", a subscription: the connection stays, and publish() pushes lines to it.
//
// Served on the event loop without ever blocking it: the socket, its clients and a timer for
// their deadlines sit in an epoll instance of their own, whose one fd the loop watches; each
// on_ready() does a bounded amount of non-blocking work. A local user can open connections
// and say nothing, or never read the answer: that costs the loop nothing, a client holds at
// most kMaxRequest bytes and kClientLifetime, and at most kMaxClients are open (a new one
// closes the oldest). Only root, the daemon's own user and members of control_socket_group
// (SO_PEERCRED) are answered; refusals are logged, at most one line per kLogWindow.
//
// Subscribers: at most kMaxSubscribers at once (one more is answered with an error); they do
// not count against kMaxClients, are never closed for their age, and are never waited for:
// each has a buffer the loop appends to and sends from without blocking, and one whose unsent
// lines pass kMaxPending bytes (a reader that is stuck or too slow) is closed and logged. While
// one is connected, the socket wakes the loop at least every kEventPoll, so that counters that
// change without any other event are still reported (daemon.cpp).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/fd.h"
#include "daemon/accounts.h"
#include "daemon/control_path.h"
#include "daemon/status_format.h"

namespace xvrrp::daemon {

class ControlSocket {
  public:
    static constexpr size_t kMaxClients = 32;
    static constexpr size_t kMaxRequest = 256;  // bytes of one request line
    static constexpr std::chrono::seconds kClientLifetime{5};
    static constexpr std::chrono::seconds kLogWindow{10};
    static constexpr size_t kMaxSubscribers = 8;
    static constexpr size_t kMaxPending = 256 * 1024;  // unsent bytes of one subscriber
    static constexpr std::chrono::milliseconds kEventPoll{250};

    // group: control_socket_group (mode 0660 and its members answered), or none (0600).
    ControlSocket(const std::string &path, std::optional<Group> group, ControlApi api);
    ~ControlSocket();  // removes the socket file, if it is still ours

    // Readable when there is work; the loop then calls on_ready().
    int fd() const { return epoll_.get(); }
    void on_ready();

    bool has_subscribers() const { return subscribers_ > 0; }
    // Appends the lines to every subscriber's buffer and sends what the socket takes now.
    void publish(const std::string &lines);

  private:
    using Clock = std::chrono::steady_clock;
    struct Client {
        UniqueFd fd;
        uint64_t serial = 0;  // order of arrival
        Clock::time_point deadline;
        std::string request;
        std::string answer;  // being sent
        size_t sent = 0;
        bool answering = false;
        bool subscriber = false;  // events --follow: stays after its answer
    };
    // At most one log line per kLogWindow for one kind of event; the rest are counted.
    struct LogLimit {
        Clock::time_point next;
        uint64_t held_back = 0;
        // True when a line may be written now (its window starts); otherwise counts it.
        bool admit(Clock::time_point now) {
            if (now < next) {
                held_back++;
                return false;
            }
            next = now + kLogWindow;
            return true;
        }
        // " (and N more since the last message)" or "", and the count starts again.
        std::string take_held_back();
    };

    void accept_some();
    bool allowed(int fd, std::string &who) const;
    void refuse(UniqueFd fd, const std::string &who);
    void on_client(int fd, uint32_t events);
    void read_request(Client &c);
    void send_answer(Client &c);
    void close_client(int fd);
    void watch_client(const Client &c);  // EPOLLOUT only while there is something to send
    void discard_input(Client &c);
    void close_expired();
    void flush_logs(bool force);
    void arm_timer();

    ControlPath path_;
    std::optional<Group> group_;
    ControlApi api_;
    UniqueFd epoll_, timer_;
    std::map<int, Client> clients_;  // by fd
    uint64_t next_serial_ = 0;
    size_t subscribers_ = 0;
    Clock::time_point next_poll_;  // while there are subscribers
    LogLimit refusals_, evictions_, slow_subscribers_;
};

}  // namespace xvrrp::daemon
