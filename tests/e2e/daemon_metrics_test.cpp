// GET /metrics ([daemon] metrics_listen) as Prometheus sees it: scraped inside the lab hosts'
// namespaces and read by the Prometheus client's own parser (tests/e2e/metrics_scrape.py, run
// with the system's python3 and its python3-prometheus-client), every family well formed and
// exactly those docs/metrics.md lists, every metric of the example dashboard exposed; and the
// numbers follow the election: adverts and XDP counters grow, the state gauges flip, and each
// takeover is counted under its cause.
#include <map>
#include <sstream>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kMetricsUrl = "http://127.0.0.1:9650/metrics";
const std::string kScraper = "/usr/bin/python3 " + kSourceDir + "/tests/e2e/metrics_scrape.py";

XvrrpdOptions with_metrics(int priority) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.daemon_extra = "metrics_listen = \"127.0.0.1:9650\"\n";
    return o;
}

// One scrape: every sample by "name{k=v,...}" (labels sorted), or a failure with the
// scraper's complaints.
struct Scrape {
    std::map<std::string, double> samples;
    std::string output;
    bool ok = false;

    double at(const std::string &key) const {
        auto it = samples.find(key);
        return it == samples.end() ? -1 : it->second;
    }
    // xvrrp_instance_state of instance web (VRID 51) for `state`: 1 or 0 (-1: missing).
    double state(const std::string &s) const {
        return at("xvrrp_instance_state{state=" + s + ",vrid=51,vrrp_instance=web}");
    }
    double of_web(const std::string &name) const {
        return at(name + "{vrid=51,vrrp_instance=web}");
    }
    double takeovers(const std::string &cause) const {
        return at("xvrrp_takeovers_total{cause=" + cause + ",vrid=51,vrrp_instance=web}");
    }
    double xdp(const std::string &counter) const {
        return at("xvrrp_xdp_" + counter + "_total{interface=eth0}");
    }
};

Scrape scrape(const Lab &lab, const std::string &host) {
    Scrape s;
    auto r = sh("ip netns exec " + lab.ns(host) + " " + kScraper + " " + kMetricsUrl + " --docs " +
                kSourceDir + "/docs/metrics.md --dashboard " + kSourceDir +
                "/docs/grafana/xvrrp-dashboard.json");
    s.output = r.output;
    s.ok = r.status == 0;
    std::istringstream in(r.output);
    std::string word, key, value;
    while (in >> word) {
        if (word == "sample" && in >> key >> value) s.samples[key] = std::stod(value);
    }
    return s;
}

// Waits until a scrape of the host passes its checks and `done` holds for it.
bool wait_scrape(const Lab &lab, const std::string &host,
                 const std::function<bool(const Scrape &)> &done, Scrape &last) {
    return wait_until([&] {
        last = scrape(lab, host);
        return last.ok && done(last);
    });
}

TEST(Metrics, ScrapedByAPrometheusParserTheyFollowTheElection) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab, with_metrics(150), with_metrics(100)));

    // Well formed, documented, and the states as xvrrpctl reports them.
    Scrape m1, b1;
    ASSERT_TRUE(wait_scrape(
        lab, "s1", [](const Scrape &s) { return s.state("MASTER") == 1; }, m1))
        << m1.output << describe(lab);
    ASSERT_TRUE(wait_scrape(
        lab, "s2", [](const Scrape &s) { return s.state("BACKUP") == 1; }, b1))
        << b1.output << describe(lab);
    EXPECT_EQ(m1.state("BACKUP"), 0);
    EXPECT_EQ(b1.state("MASTER"), 0);
    EXPECT_EQ(m1.of_web("xvrrp_instance_priority"), 150);
    EXPECT_EQ(b1.of_web("xvrrp_instance_priority"), 100);
    EXPECT_EQ(m1.of_web("xvrrp_arp_answering"), 1);
    EXPECT_EQ(b1.of_web("xvrrp_arp_answering"), 0);
    // s1 started alone: its Master_Down_Timer made it master, nobody had advertised.
    EXPECT_EQ(m1.takeovers("master_down"), 1) << m1.output;
    EXPECT_EQ(b1.takeovers("master_down"), 0);
    EXPECT_EQ(m1.at("xvrrp_transitions_total{from=BACKUP,to=MASTER,vrid=51,vrrp_instance=web}"), 1);
    EXPECT_GT(m1.of_web("xvrrp_last_transition_timestamp_seconds"), 1.7e9);

    // A moment later the adverts, what the XDP program saw of them and the timers have moved.
    std::this_thread::sleep_for(300ms);
    Scrape m2 = scrape(lab, "s1"), b2 = scrape(lab, "s2");
    ASSERT_TRUE(m2.ok && b2.ok) << m2.output << b2.output;
    EXPECT_GT(m2.of_web("xvrrp_adverts_sent_total"), m1.of_web("xvrrp_adverts_sent_total"));
    EXPECT_GT(m2.of_web("xvrrp_lease_renewals_total"), m1.of_web("xvrrp_lease_renewals_total"));
    EXPECT_GT(m2.of_web("xvrrp_advert_lateness_seconds_count"),
              m1.of_web("xvrrp_advert_lateness_seconds_count"));
    EXPECT_GT(b2.of_web("xvrrp_adverts_received_total"), b1.of_web("xvrrp_adverts_received_total"));
    EXPECT_GT(b2.xdp("vrrp_valid"), b1.xdp("vrrp_valid"));
    EXPECT_GT(b2.xdp("vrrp_accepted"), b1.xdp("vrrp_accepted"));
    EXPECT_GT(b2.of_web("xvrrp_master_down_timer_lateness_seconds_count"),
              b1.of_web("xvrrp_master_down_timer_lateness_seconds_count"));
    EXPECT_EQ(b2.at("xvrrp_ring_buffer_drops_total{interface=eth0}"), b2.xdp("event_dropped"));

    // The master's link is cut: the backup's Master_Down_Timer fires on silence.
    lab.cut("s1");
    Scrape b3;
    EXPECT_TRUE(wait_scrape(
        lab, "s2", [](const Scrape &s) { return s.state("MASTER") == 1; }, b3))
        << b3.output << describe(lab);
    EXPECT_EQ(b3.state("BACKUP"), 0);
    EXPECT_EQ(b3.takeovers("master_down"), 1) << b3.output;
    EXPECT_EQ(b3.at("xvrrp_transitions_total{from=BACKUP,to=MASTER,vrid=51,vrrp_instance=web}"), 1);
    EXPECT_GT(b3.xdp("timer_master_down"), b2.xdp("timer_master_down"));
    EXPECT_GE(b3.of_web("xvrrp_last_transition_timestamp_seconds"),
              b2.of_web("xvrrp_last_transition_timestamp_seconds"));
    Scrape f1;
    EXPECT_TRUE(wait_scrape(
        lab, "s1", [](const Scrape &s) { return s.state("FAULT") == 1; }, f1))
        << f1.output << describe(lab);

    // Back again, s1 (150) hears s2 advertise 100 and preempts it.
    lab.restore("s1");
    Scrape m3;
    EXPECT_TRUE(wait_scrape(
        lab, "s1", [](const Scrape &s) { return s.state("MASTER") == 1; }, m3))
        << m3.output << describe(lab);
    EXPECT_EQ(m3.takeovers("preempt"), 1) << m3.output;
    EXPECT_EQ(m3.at("xvrrp_transitions_total{from=MASTER,to=FAULT,vrid=51,vrrp_instance=web}"), 1);
    Scrape b4;
    EXPECT_TRUE(wait_scrape(
        lab, "s2", [](const Scrape &s) { return s.state("BACKUP") == 1; }, b4))
        << b4.output << describe(lab);
    EXPECT_EQ(b4.at("xvrrp_transitions_total{from=MASTER,to=BACKUP,vrid=51,vrrp_instance=web}"), 1);

    // s1 stops: its priority-0 advert lets s2 take over at Skew_Time.
    ASSERT_TRUE(lab.wait_follows("s2", "192.0.2.11")) << describe(lab);
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
    Scrape b5;
    EXPECT_TRUE(wait_scrape(
        lab, "s2", [](const Scrape &s) { return s.state("MASTER") == 1; }, b5))
        << b5.output << describe(lab);
    EXPECT_EQ(b5.takeovers("master_resigned"), 1) << b5.output;
    EXPECT_EQ(b5.takeovers("master_down"), 1);
    EXPECT_EQ(b5.takeovers("preempt"), 0);
    EXPECT_EQ(lab.stop("s2"), 0) << describe(lab);
}

TEST(Metrics, OnlyGetMetricsIsServed) {
    Lab lab;
    lab.start_xvrrpd("s1", with_metrics(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    auto status = [&](const std::string &path, const std::string &method = "GET") {
        return sh("ip netns exec " + lab.ns("s1") + " " + kScraper +
                  " --status http://127.0.0.1:9650" + path + " " + method)
            .output;
    };
    EXPECT_EQ(status("/metrics"), "200\n");
    EXPECT_EQ(status("/metrics", "HEAD"), "200\n");
    EXPECT_EQ(status("/"), "404 \n");
    EXPECT_EQ(status("/metrics/x"), "404 \n");
    EXPECT_EQ(status("/metrics", "POST"), "405 GET, HEAD\n");
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
}

TEST(Metrics, AnAddressOwnerCountsItsStartUpAsAnOwnerTakeover) {
    Lab lab;
    lab.start_xvrrpd("s1", with_metrics(255));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    Scrape m;
    EXPECT_TRUE(wait_scrape(
        lab, "s1", [](const Scrape &s) { return s.state("MASTER") == 1; }, m))
        << m.output << describe(lab);
    EXPECT_EQ(m.takeovers("owner"), 1) << m.output;
    EXPECT_EQ(m.takeovers("master_down"), 0);
    EXPECT_EQ(m.at("xvrrp_transitions_total{from=INIT,to=MASTER,vrid=51,vrrp_instance=web}"), 1);
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
}

TEST(Metrics, OffByDefaultNothingListens) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    auto r = sh("ip netns exec " + lab.ns("s1") + " ss -Htln");
    EXPECT_EQ(r.output, "") << r.output;
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
}

TEST(Metrics, APortInUseStopsTheDaemonAtStartUpAndABadAddressIsAConfigError) {
    Lab lab;
    lab.start_xvrrpd("s1", with_metrics(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    // A second daemon with its own files but the same metrics port.
    auto r = lab.run_second_xvrrpd("s1", with_metrics(150),
                                   {{lab.pid_file("s1"), lab.dir("s1") + "/second.pid"},
                                    {lab.control_socket("s1"), lab.dir("s1") + "/second.sock"},
                                    {lab.pin_dir("s1"), lab.dir("s1") + "/second-bpf"}});
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("metrics_listen 127.0.0.1:9650: bind (another program listens there"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(lab.state("s1"), "MASTER");

    XvrrpdOptions bad = xvrrpd_options(150);
    bad.daemon_extra = "metrics_listen = \"localhost:9650\"\n";
    r = lab.run_second_xvrrpd("s1", bad, {{lab.pid_file("s1"), lab.dir("s1") + "/second.pid"}});
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find(":6:18: error: 'metrics_listen' must be \"off\" or a numeric address"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
