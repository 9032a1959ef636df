// Ahead-of-time path: two kernels compiled without a runtime plus one standalone runtime are
// linked into a shared library, loaded with dlopen and checked against the JIT kernels. This is
// the workflow a code generator emitting one library per model will follow.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/layout.h"
#include "tests/halide/aot_test_fixture.h"
#include "tests/halide/random_buffer.h"

namespace kiln::halide {
namespace {

namespace fs = std::filesystem;

using KernelFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, halide_buffer_t*);

Conv2dSpec spec_a() {
  Conv2dSpec s;
  s.c = 24, s.h = 9, s.w = 10, s.k = 40, s.kh = s.kw = 3;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  s.has_bias = true;
  s.activation = Activation::kRelu;
  return s;
}

Conv2dSpec spec_b() {
  Conv2dSpec s;
  s.c = 40, s.h = s.w = 5, s.k = 16, s.sh = s.sw = 2;
  s.has_bias = true;
  return s;
}

using Conv2dAotTest = AotTest;

// Runs the AOT function and the JIT kernel of `spec` on the same data; outputs must agree.
void expect_same_as_jit(KernelFn fn, const Conv2dSpec& s, const Halide::Target& target) {
  Conv2dKernel jit(s, target);
  const int block = jit.block(), kb = ceil_div(s.k, block);
  Conv2dArgs args;
  args.input = random_buffer({block, s.w, s.h, ceil_div(s.c, block), s.n}, 1);
  args.weights = random_buffer({block, s.c / s.groups, s.kw, s.kh, kb}, 2);
  args.bias = random_buffer({kb * block}, 3);
  Halide::Buffer<float> want = jit.make_output(), got = jit.make_output();
  jit.run(args, want);
  ASSERT_EQ(fn(args.input.raw_buffer(), args.weights.raw_buffer(), args.bias.raw_buffer(),
               got.raw_buffer()),
            0);
  // Both outputs are dense buffers of the same shape: compare element by element.
  for (size_t i = 0; i < want.number_of_elements(); ++i) {
    ASSERT_NEAR(got.data()[i], want.data()[i], 1e-5f * std::max(1.0f, std::abs(want.data()[i])))
        << "element " << i;
  }
}

TEST_F(Conv2dAotTest, KernelsShareOneRuntimeInASharedLibrary) {
  const Halide::Target target = Halide::get_host_target();
  const Halide::Target no_runtime = target.with_feature(Halide::Target::NoRuntime);
  compile_conv2d(spec_a(), no_runtime, "kiln_conv_a", path("conv_a"));
  compile_conv2d(spec_b(), no_runtime, "kiln_conv_b", path("conv_b"));
  compile_runtime(target, path("runtime.o"));
  ASSERT_TRUE(fs::exists(path("conv_a.h")));
  const std::string link = "c++ -shared -Wl,-Bsymbolic -o " + path("libkernels.so") + " " +
                           path("conv_a.o") + " " + path("conv_b.o") + " " + path("runtime.o") +
                           " -lpthread -ldl";
  ASSERT_EQ(std::system(link.c_str()), 0) << link;
  handle_ = dlopen(path("libkernels.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle_, nullptr) << dlerror();
  auto fn_a = reinterpret_cast<KernelFn>(dlsym(handle_, "kiln_conv_a"));
  auto fn_b = reinterpret_cast<KernelFn>(dlsym(handle_, "kiln_conv_b"));
  ASSERT_NE(fn_a, nullptr);
  ASSERT_NE(fn_b, nullptr);
  expect_same_as_jit(fn_a, spec_a(), target);
  expect_same_as_jit(fn_b, spec_b(), target);
}

TEST_F(Conv2dAotTest, StaticLibraryCarriesItsRuntime) {
  compile_conv2d_library(spec_b(), Halide::get_host_target(), "kiln_conv_lib", path("conv_lib"));
  EXPECT_TRUE(fs::exists(path("conv_lib.a")));
  EXPECT_TRUE(fs::exists(path("conv_lib.h")));
}

}  // namespace
}  // namespace kiln::halide
