#include <stdio.h>
#include <stdlib.h>

#include "kiln_runtime.h"

int main(int argc, char** argv) {
  char err[512];
  kiln_model* model = kiln_model_load(argc > 1 ? argv[1] : ".", err, sizeof err);
  if (!model) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  int64_t size = kiln_model_input_size(model, 0), classes = kiln_model_output_size(model, 0);
  float* image = malloc(size * sizeof(float));
  float* scores = malloc(classes * sizeof(float));
  for (int64_t i = 0; i < size; ++i) image[i] = (float)(i % 256) / 255.0f; /* your image */
  const float* inputs[] = {image};
  float* outputs[] = {scores};
  int status = kiln_model_run(model, inputs, outputs, err, sizeof err);
  if (status == 0) {
    int best = 0;
    for (int c = 1; c < classes; ++c)
      if (scores[c] > scores[best]) best = c;
    printf("%s: class %d (score %.4f)\n", kiln_model_output_name(model, 0), best, scores[best]);
  } else {
    fprintf(stderr, "%s\n", err);
  }
  free(image);
  free(scores);
  kiln_model_free(model);
  return status != 0;
}
