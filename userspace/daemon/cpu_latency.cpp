#include "daemon/cpu_latency.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>

namespace xvrrp::daemon {
namespace {

constexpr const char *kDevice = "/dev/cpu_dma_latency";
constexpr const char *kCpuidle = "/sys/devices/system/cpu/cpuidle";

std::string read_line(const std::string &path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

}  // namespace

bool cpuidle_driver_present() {
    std::string driver = read_line(std::string(kCpuidle) + "/current_driver");
    return !driver.empty() && driver != "none";
}

std::string describe_cpuidle() {
    std::string driver = read_line(std::string(kCpuidle) + "/current_driver");
    if (driver.empty() || driver == "none") return "none";
    std::string out = driver + ":";
    namespace fs = std::filesystem;
    std::error_code ec;
    for (int i = 0; i < 16; i++) {
        fs::path state =
            fs::path("/sys/devices/system/cpu/cpu0/cpuidle") / ("state" + std::to_string(i));
        if (!fs::exists(state, ec)) break;
        out += std::string(i ? ", " : " ") + read_line(state / "name") + " " +
               read_line(state / "latency") + " us";
    }
    return out;
}

CpuLatencyRequest::CpuLatencyRequest(vrrp::Duration latency) : latency_(latency) {
    fd_.reset(open(kDevice, O_WRONLY | O_CLOEXEC));
    if (!fd_) throw sys_error(std::string("open ") + kDevice + " for [daemon] cpu_latency");
    int32_t us = int32_t(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    if (write(fd_.get(), &us, sizeof us) != ssize_t(sizeof us))
        throw sys_error(std::string("write the CPU latency request to ") + kDevice);
}

std::string CpuLatencyRequest::describe() const {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(latency_).count();
    std::string held = "holding a CPU latency request of " + std::to_string(us) + " us (" +
                       kDevice + ") while running";
    if (!cpuidle_driver_present())
        return held +
               "; this kernel has no cpuidle driver: idle CPUs halt all the same, the "
               "request changes nothing here";
    return held + "; cpuidle " + describe_cpuidle() + ": idle CPUs stay in states no slower " +
           "to leave than that" + (us == 0 ? " (they poll)" : "");
}

}  // namespace xvrrp::daemon
