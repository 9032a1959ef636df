#include <cstdio>
#include <vector>

#include "kiln_runtime.hpp"

int main(int argc, char** argv) {
  try {
    kiln::Model model(argc > 1 ? argv[1] : ".");  // throws kiln::RuntimeError
    std::vector<float> image(model.input_size(0)), scores(model.output_size(0));
    for (size_t i = 0; i < image.size(); ++i) image[i] = float(i % 256) / 255.0f;  // your image
    model.run({image.data()}, {scores.data()});
    size_t best = 0;
    for (size_t c = 1; c < scores.size(); ++c)
      if (scores[c] > scores[best]) best = c;
    std::printf("%s: class %zu (score %.4f)\n", model.output_name(0).c_str(), best, scores[best]);
  } catch (const kiln::RuntimeError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
