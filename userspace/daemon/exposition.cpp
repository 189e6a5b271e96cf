#include "daemon/exposition.h"

#include <charconv>
#include <cmath>

namespace xvrrp::daemon {

namespace {

// Backslash and newline escaped, as the text format wants in HELP text and label values; the
// double quote too where it would end the value.
std::string escape(std::string_view text, bool quote) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (quote && c == '"')
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    return escape(value, true);
}

std::string escape_help(std::string_view help) {
    return escape(help, false);
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

void Exposition::family(std::string_view name, Type type, std::string_view help) {
    name_ = name;
    const char *word = type == Type::Counter ? "counter"
                       : type == Type::Gauge ? "gauge"
                                             : "histogram";
    text_ += "# HELP " + name_ + " " + escape_help(help) + "\n";
    text_ += "# TYPE " + name_ + " " + word + "\n";
}

void Exposition::line(std::string_view suffix, const Labels &labels, std::string_view value) {
    text_ += name_;
    text_ += suffix;
    if (!labels.empty()) {
        text_ += '{';
        for (size_t i = 0; i < labels.size(); i++) {
            if (i) text_ += ',';
            text_ += labels[i].first + "=\"" + escape_label_value(labels[i].second) + "\"";
        }
        text_ += '}';
    }
    text_ += ' ';
    text_ += value;
    text_ += '\n';
}

void Exposition::sample(const Labels &labels, double value, std::string_view suffix) {
    line(suffix, labels, format_value(value));
}

void Exposition::sample(const Labels &labels, uint64_t value, std::string_view suffix) {
    line(suffix, labels, std::to_string(value));
}

void Exposition::histogram(const Labels &labels, std::span<const double> bounds,
                           std::span<const uint64_t> counts, std::optional<double> sum) {
    uint64_t total = 0;
    Labels with_le = labels;
    with_le.emplace_back("le", "");
    for (size_t i = 0; i < bounds.size(); i++) {
        if (i < counts.size()) total += counts[i];
        with_le.back().second = format_value(bounds[i]);
        sample(with_le, total, "_bucket");
    }
    for (size_t i = bounds.size(); i < counts.size(); i++) total += counts[i];
    with_le.back().second = "+Inf";
    sample(with_le, total, "_bucket");
    if (sum) sample(labels, *sum, "_sum");
    sample(labels, total, "_count");
}

}  // namespace xvrrp::daemon
