// Ahead-of-time path of the Winograd family: a Winograd kernel and a direct kernel of the same
// layer compiled without a runtime, linked with one standalone runtime into a shared library
// (as `kiln compile` links a model), loaded with dlopen, and run on the same data.
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
#include "backend/halide/winograd_conv2d_kernel.h"
#include "backend/halide/winograd_transforms.h"
#include "tests/halide/aot_test_fixture.h"
#include "tests/halide/random_buffer.h"

namespace kiln::halide {
namespace {

namespace fs = std::filesystem;

using KernelFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, halide_buffer_t*,
                         halide_buffer_t*);

// Odd sizes (ragged last tiles), channels not a multiple of 16, the whole epilogue.
Conv2dSpec layer() {
  Conv2dSpec s;
  s.c = 24, s.h = 11, s.w = 13, s.k = 40, s.kh = s.kw = 3;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  s.has_bias = s.has_residual = true;
  s.activation = Activation::kRelu;
  return s;
}

using WinogradAotTest = AotTest;

TEST_F(WinogradAotTest, LinksBesideADirectKernelAndAgreesWithIt) {
  const Halide::Target target = Halide::get_host_target();
  const Halide::Target no_runtime = target.with_feature(Halide::Target::NoRuntime);
  const Conv2dSpec s = layer();
  const WinogradConv2dSpec ws{s, 4};
  compile_conv2d(s, no_runtime, "kiln_direct", path("direct"));
  compile_winograd_conv2d(ws, no_runtime, "kiln_winograd", path("winograd"));
  compile_runtime(target, path("runtime.o"));
  ASSERT_TRUE(fs::exists(path("winograd.h")));
  const std::string link = "c++ -shared -Wl,-Bsymbolic -o " + path("libkernels.so") + " " +
                           path("direct.o") + " " + path("winograd.o") + " " + path("runtime.o") +
                           " -lpthread -ldl";
  ASSERT_EQ(std::system(link.c_str()), 0) << link;
  handle_ = dlopen(path("libkernels.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle_, nullptr) << dlerror();
  auto direct = reinterpret_cast<KernelFn>(dlsym(handle_, "kiln_direct"));
  auto winograd = reinterpret_cast<KernelFn>(dlsym(handle_, "kiln_winograd"));
  ASSERT_NE(direct, nullptr);
  ASSERT_NE(winograd, nullptr);

  const int V = channel_block(target), kb = ceil_div(s.k, V);
  const Halide::Buffer<float> oihw = random_buffer({3, 3, s.c, s.k}, 2);
  Halide::Buffer<float> input = random_buffer({V, s.w, s.h, ceil_div(s.c, V), s.n}, 1);
  Halide::Buffer<float> bias = random_buffer({kb * V}, 3);
  Halide::Buffer<float> residual = random_buffer({V, s.out_w(), s.out_h(), kb, s.n}, 4);
  Halide::Buffer<float> direct_weights = repack_weights_oihw(oihw, V);
  Halide::Buffer<float> winograd_weights = pack_winograd_weights(oihw, ws.tile, V);
  Halide::Buffer<float> want = make_blocked(s.n, s.k, s.out_h(), s.out_w(), V);
  Halide::Buffer<float> got = make_blocked(s.n, s.k, s.out_h(), s.out_w(), V);
  ASSERT_EQ(direct(input.raw_buffer(), direct_weights.raw_buffer(), bias.raw_buffer(),
                   residual.raw_buffer(), want.raw_buffer()),
            0);
  ASSERT_EQ(winograd(input.raw_buffer(), winograd_weights.raw_buffer(), bias.raw_buffer(),
                     residual.raw_buffer(), got.raw_buffer()),
            0);
  // Every element, pad lanes included (both write act(residual) there): within F(4x4)'s
  // tolerance of winograd_conv2d_kernel_test.cpp, relative to the largest output.
  float scale = 0;
  for (size_t i = 0; i < want.number_of_elements(); ++i)
    scale = std::max(scale, std::abs(want.data()[i]));
  for (size_t i = 0; i < want.number_of_elements(); ++i)
    ASSERT_NEAR(got.data()[i], want.data()[i], 3e-5f * scale) << "element " << i;
}

}  // namespace
}  // namespace kiln::halide
