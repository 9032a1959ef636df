// A structural check of libkiln_model.so before dlopen. Why: the dynamic loader maps the file's
// segments as they are described in its headers; when the file is shorter than that (a copy cut
// off, a full disk), the first touch of a page past the end kills the process with SIGBUS
// instead of failing dlopen. Reading the headers ourselves turns that into an error message.
#pragma once

#include <string>

namespace kiln::rt {

// Throws rt::Error "<path> is truncated or not a shared library (N bytes, needs M)" unless
// `path` holds a 64-bit ELF file whose header, program headers, every segment's file contents
// and section header table all lie within the file. Anything finer (machine, symbols) is left
// to dlopen, which reports it without crashing.
void check_elf_complete(const std::string& path);

}  // namespace kiln::rt
