// keepalived's notify_* lines, of a vrrp_instance or a vrrp_sync_group -> an xvrrp notify table.
#include "config/diagnostics.h"
#include "importer/keepalived_convert.h"
#include "importer/toml_text.h"

namespace xvrrp::importer {

const char *NotifyLines::key(const std::string &keyword) {
    if (keyword == "notify_master") return "master";
    if (keyword == "notify_backup") return "backup";
    if (keyword == "notify_fault") return "fault";
    if (keyword == "notify_stop") return "stop";
    if (keyword == "notify") return "any";
    return nullptr;
}

void NotifyLines::add(Conversion &c, Section &sec, const Statement &k, const std::string &context,
                      const char *key) {
    auto left_out = [&](const std::string &reason, const std::string &what = "") {
        c.not_converted(sec, k, context, reason, what);
    };
    std::string why;
    auto words = split_quoted(k.rest, &why);
    std::optional<std::vector<std::string>> argv;
    if (words && !words->empty()) argv = split_quoted(words->front(), &why);
    if (!argv || argv->empty()) {
        left_out(why.empty() ? "an empty command" : why);
        return;
    }
    if ((*argv)[0][0] != '/') {
        left_out("'" + config::printable((*argv)[0]) +
                 "' is not an absolute path: xvrrp runs hooks with execve, without a shell or "
                 "PATH lookup; give the full path of a program");
        return;
    }
    Notify n{k.where, *argv, words->size() > 1 ? (*words)[1] : ""};
    if (words->size() > 2)
        left_out("xvrrp runs hooks with the user's own groups", "group " + (*words)[2]);
    for (auto &[existing, hook] : hooks_) {
        if (existing == key) {
            left_out("a second notify of the same kind; the last one is kept");
            hook = std::move(n);
            return;
        }
    }
    hooks_.emplace_back(key, std::move(n));
}

std::vector<std::string> NotifyLines::table(Conversion &c, Section &sec, const std::string &context,
                                            const std::string &header) const {
    if (hooks_.empty()) return {};
    std::string user;
    for (const auto &[key, hook] : hooks_) {
        if (hook.user.empty()) continue;
        if (user.empty()) {
            user = hook.user;
        } else if (hook.user != user) {
            Statement at{hook.where, {"notify"}, "", false, {}};
            c.not_converted(
                sec, at, context,
                "xvrrp runs every hook of " +
                    std::string(header == "[instance.notify]" ? "an instance" : "a group") +
                    " as one user ('" + config::printable(user) + "')",
                "user " + hook.user);
        }
    }
    if (user.empty()) user = c.defaults.script_user;
    std::vector<std::string> table = {"", header};
    for (const auto &[key, hook] : hooks_) table.push_back(key + " = " + toml_strings(hook.argv));
    if (!user.empty()) table.push_back("user = " + toml_string(user));
    return table;
}

}  // namespace xvrrp::importer
