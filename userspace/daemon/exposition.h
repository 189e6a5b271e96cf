// The Prometheus text exposition format, version 0.0.4 (what `GET /metrics` answers): families
// with their # HELP and # TYPE lines, samples with escaped label values, histograms with
// cumulative buckets. Pure text building; metrics.cpp decides what is exposed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xvrrp::daemon {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A label value as the format quotes it: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// A # HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view help);
// A sample value: the shortest text that reads back as the same double; +Inf, -Inf, NaN.
std::string format_value(double value);

class Exposition {
  public:
    enum class Type { Counter, Gauge, Histogram };

    // Starts a family: every sample that follows until the next family() belongs to it (the
    // format wants a family's samples together). A counter's name ends in _total.
    void family(std::string_view name, Type type, std::string_view help);
    // One sample of the current family; `suffix` extends its name (histograms: "_bucket"...).
    void sample(const Labels &labels, double value, std::string_view suffix = "");
    void sample(const Labels &labels, uint64_t value, std::string_view suffix = "");
    // One histogram of the current family. counts: the observations per bucket (not
    // cumulative), one per upper bound in `bounds` (ascending) plus one last for the rest
    // (+Inf). Written cumulative, with _sum when known and _count.
    void histogram(const Labels &labels, std::span<const double> bounds,
                   std::span<const uint64_t> counts, std::optional<double> sum);

    const std::string &text() const { return text_; }

  private:
    void line(std::string_view suffix, const Labels &labels, std::string_view value);

    std::string text_;
    std::string name_;  // of the current family
};

}  // namespace xvrrp::daemon
