# Compile a BPF C file with clang (-mcpu=v3: 32-bit atomic fetch-and/or, kernel 5.12 and later)
# and generate its libbpf skeleton with bpftool,
# in the shape of libbpf-bootstrap's FindBpfObject.cmake. The skeleton embeds the
# object, so binaries carry the BPF program and no .o is installed.
#
#   bpf_object(NAME xvrrp SOURCE xvrrp.bpf.c DEPENDS header.h ...)
# creates the INTERFACE target NAME_skel whose include directory has NAME.skel.h.
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64")
  set(BPF_TARGET_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64")
  set(BPF_TARGET_ARCH arm64)
else()
  set(BPF_TARGET_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()

# `clang -target bpf` does not search the host's system include directories, where the kernel's
# UAPI headers live (asm/types.h is in Debian's multiarch directory, docs/testing.md). As
# libbpf-bootstrap's FindBpfObject.cmake does, ask the host clang for its `#include <...>` list
# and pass each directory with -idirafter, searched after the project's own.
execute_process(COMMAND ${BPF_CLANG} -v -E -
                INPUT_FILE /dev/null OUTPUT_QUIET ERROR_VARIABLE clang_verbose
                RESULT_VARIABLE clang_result)
if(NOT clang_result EQUAL 0
   OR NOT clang_verbose MATCHES "#include <\\.\\.\\.> search starts here:\n(.*)\nEnd of search list\\.")
  message(FATAL_ERROR "cannot read the system include directories of ${BPF_CLANG}:\n${clang_verbose}")
endif()
string(REPLACE "\n" ";" clang_include_dirs "${CMAKE_MATCH_1}")
set(BPF_SYSTEM_INCLUDES)
foreach(dir IN LISTS clang_include_dirs)
  string(STRIP "${dir}" dir)
  list(APPEND BPF_SYSTEM_INCLUDES -idirafter ${dir})
endforeach()
list(JOIN BPF_SYSTEM_INCLUDES " " shown)
message(STATUS "BPF system include flags: ${shown}")

function(bpf_object)
  cmake_parse_arguments(ARG "" "NAME;SOURCE" "DEPENDS" ${ARGN})
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.bpf.o)
  set(skel_dir ${CMAKE_CURRENT_BINARY_DIR}/skel)
  set(skel ${skel_dir}/${ARG_NAME}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_${BPF_TARGET_ARCH}
            -Wall -Werror -Wno-unused-function
            -I${CMAKE_SOURCE_DIR}/include -I${CMAKE_SOURCE_DIR}/bpf -I${CMAKE_CURRENT_SOURCE_DIR}
            ${BPF_SYSTEM_INCLUDES}
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_SOURCE} -o ${obj}
    DEPENDS ${ARG_SOURCE} ${ARG_DEPENDS} ${CMAKE_SOURCE_DIR}/include/xvrrp/abi.h
            ${CMAKE_SOURCE_DIR}/include/xvrrp/timing.h
    COMMENT "BPF ${ARG_SOURCE}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${skel_dir}
    COMMAND sh -c "${BPFTOOL} gen skeleton ${obj} name ${ARG_NAME} > ${skel}.tmp && mv ${skel}.tmp ${skel}"
    DEPENDS ${obj}
    COMMENT "BPF skeleton ${ARG_NAME}.skel.h"
    VERBATIM)
  add_custom_target(${ARG_NAME}_skel_gen DEPENDS ${skel})
  add_library(${ARG_NAME}_skel INTERFACE)
  add_dependencies(${ARG_NAME}_skel ${ARG_NAME}_skel_gen)
  target_include_directories(${ARG_NAME}_skel INTERFACE ${skel_dir})
  target_link_libraries(${ARG_NAME}_skel INTERFACE PkgConfig::LIBBPF xvrrp_abi)
endfunction()
