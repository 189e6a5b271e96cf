// One formula, one rule, checked across the kernel boundary: for a table of priorities,
// intervals, fast mode and VRRP versions, the Master_Down_Timer the XDP program arms for an
// advert is what the controller's protocol core says it must be (vrrp::master_down_restart,
// RFC 5798 6.4.2, with the Master_Down_Interval of RFC 5798 / RFC 3768 6.1). Each case follows
// an advert at priority 255 with an interval of its own: priority 0 takes Skew_Time from it.
#include <optional>
#include <string>

#include "vrrp/state_params.h"
#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

using namespace std::chrono_literals;

struct Case {
    uint8_t version;
    uint8_t own_priority;
    vrrp::Duration interval;  // ours, as configured
    uint8_t advert_priority;
    uint16_t advert_field;  // the interval as the advert carries it
    bool preempt;
};

std::string name(const Case &c) {
    return "v" + std::to_string(c.version) + " own " + std::to_string(c.own_priority) +
           " interval " + std::to_string(c.interval.count()) + "ns, advert priority " +
           std::to_string(c.advert_priority) + " field " + std::to_string(c.advert_field) +
           (c.preempt ? " preempt" : "");
}

class MasterDownInterval : public XdpTest {};

TEST_F(MasterDownInterval, KernelAndControllerAgreeForEveryCase) {
    std::vector<Case> cases;
    for (uint8_t own : {1, 100, 150, 254, 255})
        for (uint8_t prio : {0, 1, 99, 100, 200, 255})
            for (bool preempt : {false, true}) {
                // standard VRRPv3: the advert's interval is learned (1 cs ... 40.95 s)
                for (uint16_t field : {1, 7, 100, 4095})
                    cases.push_back({3, own, vrrp::Duration(1s), prio, field, preempt});
                // fast mode: the configured interval, whatever the field says
                for (vrrp::Duration iv : {vrrp::Duration(100us), vrrp::Duration(200us),
                                          vrrp::Duration(1ms), vrrp::Duration(9999us)})
                    cases.push_back({3, own, iv, prio, 1, preempt});
                // VRRPv2: whole seconds, the advert's must be ours (RFC 3768 7.1)
                for (int secs : {1, 3, 255})
                    cases.push_back({2, own, vrrp::Duration(std::chrono::seconds(secs)), prio,
                                     uint16_t(secs), preempt});
            }
    int checked = 0;
    for (const Case &c : cases) {
        vrrp::InstanceParams p;
        p.vrid = kVrid;
        p.priority = c.own_priority;
        p.version = c.version;
        p.advert_interval = c.interval;
        p.primary_address = *vrrp::IpAddress::parse("192.0.2.12");
        p.virtual_addresses = {*vrrp::IpAddress::parse("192.0.2.100")};
        vrrp::Advert a;
        a.version = c.version;
        a.vrid = kVrid;
        a.priority = c.advert_priority;
        a.interval_field = c.advert_field;
        // Before the advert of the case, the master advertised at priority 255 (accepted by
        // everyone) with an interval of its own: what priority 0 computes Skew_Time from.
        const uint16_t prime_field = c.version == 2 ? c.advert_field : uint16_t(50);
        vrrp::Duration learned = p.fast_mode() || c.version == 2
                                     ? c.interval
                                     : vrrp::Duration(std::chrono::milliseconds(10 * prime_field));
        std::optional<vrrp::Duration> want =
            vrrp::master_down_restart(p, c.own_priority, c.preempt, learned, a);

        Timing t;
        t.advert_interval_ns = uint64_t(c.interval.count());
        const uint32_t role = c.preempt ? uint32_t(kPreempt) : 0u;
        set_instance(role, c.version, p.fast_mode() ? uint64_t(c.interval.count()) : 0, 50'000'000,
                     kVrid, t);
        control_->set_role(kVrid, role, c.own_priority);
        arm(3'600 * kSecond);  // a deadline no advert of the table comes near
        VrrpFields prime;
        prime.version = c.version;
        prime.priority = 255;
        prime.interval = prime_field;
        if (c.version == 2) prime.csum = Csum::Plain;
        run(advert_frame(prime));
        auto before = state_->rx_state(kVrid);
        ASSERT_TRUE(before);
        ASSERT_EQ(before->master_adver_interval_ns, uint64_t(learned.count())) << name(c);
        VrrpFields v;
        v.version = c.version;
        v.priority = c.advert_priority;
        v.interval = c.advert_field;
        if (c.version == 2) v.csum = Csum::Plain;
        run(advert_frame(v));
        auto after = state_->rx_state(kVrid);
        ASSERT_TRUE(after);
        if (!want) {
            EXPECT_EQ(after->master_down_deadline_ns, before->master_down_deadline_ns)
                << name(c) << ": the kernel restarted a timer the RFC leaves running";
        } else {
            EXPECT_EQ(after->master_down_interval_ns, uint64_t(want->count())) << name(c);
            EXPECT_EQ(after->master_down_deadline_ns,
                      after->last_advert_ns + uint64_t(want->count()))
                << name(c);
        }
        ++checked;
    }
    EXPECT_EQ(checked, int(cases.size()));
    EXPECT_GT(checked, 500);
}

// The formula itself, at the values RFC 5798 6.1's text makes easy to check by hand.
TEST_F(MasterDownInterval, SharedFormulaGivesTheRfcFigures) {
    EXPECT_EQ(vrrp::master_down_interval(3, 100, 1s), 3s + 609375us);  // 3 + 156/256 s
    EXPECT_EQ(vrrp::skew_time(3, 255, 1s), 3906250ns);                 // 1/256 s
    EXPECT_EQ(vrrp::master_down_interval(2, 100, 3s), 9s + 609375us);  // v2 skew in seconds
    EXPECT_EQ(vrrp::master_down_interval(3, 150, 200us), 600us + 82812ns);
}

}  // namespace
}  // namespace xvrrp::test
