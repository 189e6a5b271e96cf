// The Prometheus text format as GET /metrics writes it: HELP and TYPE lines, escaping, values,
// and histograms (cumulative buckets ending in +Inf, _sum, _count).
#include "daemon/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace xvrrp::daemon {
namespace {

TEST(Exposition, FamilyHasHelpAndTypeThenItsSamples) {
    Exposition e;
    e.family("xvrrp_adverts_sent_total", Exposition::Type::Counter, "Adverts sent.");
    e.sample({{"instance", "web"}, {"vrid", "51"}}, uint64_t(42));
    e.family("xvrrp_priority", Exposition::Type::Gauge, "Priority.");
    e.sample({}, 100.0);
    EXPECT_EQ(e.text(),
              "# HELP xvrrp_adverts_sent_total Adverts sent.\n"
              "# TYPE xvrrp_adverts_sent_total counter\n"
              "xvrrp_adverts_sent_total{instance=\"web\",vrid=\"51\"} 42\n"
              "# HELP xvrrp_priority Priority.\n"
              "# TYPE xvrrp_priority gauge\n"
              "xvrrp_priority 100\n");
}

TEST(Exposition, LabelValuesEscapeBackslashQuoteAndNewline) {
    EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(escape_label_value("plain name-1.x"), "plain name-1.x");
    Exposition e;
    e.family("x", Exposition::Type::Gauge, "h");
    e.sample({{"instance", "we\"b\\\n"}}, 1.0);
    EXPECT_EQ(e.text(), "# HELP x h\n# TYPE x gauge\nx{instance=\"we\\\"b\\\\\\n\"} 1\n");
}

TEST(Exposition, HelpEscapesBackslashAndNewlineButNotQuotes) {
    EXPECT_EQ(escape_help("say \"x\"\\\nnext"), "say \"x\"\\\\\\nnext");
}

TEST(Exposition, ValuesReadBackExactly) {
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(1.5), "1.5");
    EXPECT_EQ(format_value(1764630000.123456), "1764630000.123456");
    EXPECT_EQ(format_value(2e-06), "2e-06");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(Exposition, HistogramBucketsAreCumulativeEndInInfAndMatchCount) {
    Exposition e;
    e.family("lat_seconds", Exposition::Type::Histogram, "Lateness.");
    std::vector<double> bounds = {0.001, 0.01, 0.1};
    std::vector<uint64_t> counts = {3, 0, 2, 1};  // the last one: above 0.1
    e.histogram({{"instance", "web"}}, bounds, counts, 0.25);
    EXPECT_EQ(e.text(),
              "# HELP lat_seconds Lateness.\n"
              "# TYPE lat_seconds histogram\n"
              "lat_seconds_bucket{instance=\"web\",le=\"0.001\"} 3\n"
              "lat_seconds_bucket{instance=\"web\",le=\"0.01\"} 3\n"
              "lat_seconds_bucket{instance=\"web\",le=\"0.1\"} 5\n"
              "lat_seconds_bucket{instance=\"web\",le=\"+Inf\"} 6\n"
              "lat_seconds_sum{instance=\"web\"} 0.25\n"
              "lat_seconds_count{instance=\"web\"} 6\n");
}

TEST(Exposition, HistogramWithoutAKnownSumHasNoSumLine) {
    Exposition e;
    e.family("h_seconds", Exposition::Type::Histogram, "h");
    std::vector<double> bounds = {1};
    std::vector<uint64_t> counts = {0, 0};
    e.histogram({}, bounds, counts, std::nullopt);
    EXPECT_EQ(e.text(),
              "# HELP h_seconds h\n# TYPE h_seconds histogram\n"
              "h_seconds_bucket{le=\"1\"} 0\n"
              "h_seconds_bucket{le=\"+Inf\"} 0\n"
              "h_seconds_count 0\n");
}

}  // namespace
}  // namespace xvrrp::daemon
