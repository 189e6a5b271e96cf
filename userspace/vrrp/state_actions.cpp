#include "vrrp/state_actions.h"

namespace xvrrp::vrrp {

namespace {

std::string list(const std::vector<IpAddress> &addresses) {
    std::string out;
    for (const auto &a : addresses) out += (out.empty() ? "" : ",") + a.to_string();
    return out;
}

std::string ns(Duration d) {
    return std::to_string(d.count()) + "ns";
}

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

std::string_view to_string(TimerKind kind) {
    switch (kind) {
        case TimerKind::Advert:
            return "Adver_Timer";
        case TimerKind::PreemptDelay:
            return "Preempt_Delay";
        case TimerKind::ReleaseHold:
            return "Release_Hold";
    }
    return "unknown";
}

std::string describe(const Action &action) {
    return std::visit(
        Overloaded{
            [](const SendAdvert &a) {
                return "SendAdvert(priority=" + std::to_string(a.priority) +
                       ", interval_field=" + std::to_string(a.interval_field) + ")";
            },
            [](const SendGratuitousArp &a) {
                return std::string(a.refresh ? "SendGratuitousArp(refresh, "
                                             : "SendGratuitousArp(") +
                       list(a.addresses) + ")";
            },
            [](const SetArpAnswering &a) {
                return std::string("SetArpAnswering(") + (a.on ? "on" : "off") + ")";
            },
            [](const SetTakeoverOnTimeout &a) {
                return std::string("SetTakeoverOnTimeout(") + (a.armed ? "armed" : "disarmed") +
                       ")";
            },
            [](const AddVips &a) {
                return "AddVips(" + list(a.addresses) + (a.accept ? ", accept" : "") + ")";
            },
            [](const RemoveVips &a) { return "RemoveVips(" + list(a.addresses) + ")"; },
            [](const RunNotify &a) { return "RunNotify(" + a.state + ")"; },
            [](const StartTimer &a) {
                return "StartTimer(" + std::string(to_string(a.kind)) + ", at " + ns(a.deadline) +
                       ")";
            },
            [](const StopTimer &a) { return "StopTimer(" + std::string(to_string(a.kind)) + ")"; },
            [](const ArmMasterDown &a) { return "ArmMasterDown(" + ns(a.interval) + ")"; },
            [](const DisarmMasterDown &) { return std::string("DisarmMasterDown"); },
        },
        action);
}

std::string describe(const Actions &actions) {
    std::string out;
    for (const auto &a : actions) out += describe(a) + "\n";
    return out;
}

}  // namespace xvrrp::vrrp
