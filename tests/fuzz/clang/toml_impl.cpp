// toml++'s implementation, compiled once with the fuzzers' instrumentation (TOML_HEADER_ONLY=0
// everywhere else in this project, which then only declares it).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
