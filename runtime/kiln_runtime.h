/* The Kiln runtime: loads an artifact directory written by `kiln compile` (libkiln_model.so,
 * weights.bin, ...) and runs it. Plain C99; no Halide headers needed.
 *
 *   char err[512];
 *   kiln_model* m = kiln_model_load("out/resnet50", err, sizeof err);
 *   if (!m) { fprintf(stderr, "%s\n", err); return 1; }
 *   const float* in[] = {image};
 *   float* out[] = {scores};
 *   if (kiln_model_run(m, in, out, err, sizeof err) != 0) fprintf(stderr, "%s\n", err);
 *   kiln_model_free(m);
 *
 * Inputs and outputs are dense float32 arrays in the graph's layout (NCHW for images), sized as
 * kiln_model_input_size / kiln_model_output_size say. Loading does all allocation (one aligned
 * activation arena, weights mapped from weights.bin, every buffer descriptor); a run allocates
 * nothing. One model may be run by one thread at a time; load it once per concurrent caller.
 *
 * Functions taking `char* err, size_t err_len` return a failure indication and write a
 * NUL-terminated message there (err may be NULL). */
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_model kiln_model;

/* Per-step timing, see kiln_model_enable_profiling. Strings live as long as the model. */
typedef struct kiln_profile_info {
  const char* kernel;      /* function name of the kernel, e.g. "kiln_k3_conv2d" */
  const char* description; /* "conv2d 3x3/1 64->64 56x56" */
  const char* layers;      /* source layers the step covers, '+'-joined: "conv1+bn1+relu1" */
  double seconds;          /* accumulated over all profiled runs */
  int64_t calls;
  double flops; /* per call */
  /* Accumulated like `seconds`: thread-seconds the step's threads spent idle at the end of its
   * parallel loops, from each one's last task to the loop's end. Over threads * seconds it is
   * the share of the step lost to uneven work (0 with one thread). */
  double wait_seconds;
} kiln_profile_info;

/* The Kiln version of this runtime, e.g. "0.1.0"; artifacts must come from the same version. */
const char* kiln_runtime_version(void);

/* Loads `artifact_dir`. Returns NULL with a message on any problem: missing or foreign files,
 * another ABI or Kiln version, CPU features the artifact needs but this CPU lacks, a missing,
 * truncated or corrupted weights.bin. */
kiln_model* kiln_model_load(const char* artifact_dir, char* err, size_t err_len);
void kiln_model_free(kiln_model* model);

/* Runs the model: inputs[i] / outputs[i] point to kiln_model_input_size(model, i) /
 * kiln_model_output_size(model, i) floats. Returns 0, or non-zero with a message naming the
 * failing kernel and its layers. */
int kiln_model_run(kiln_model* model, const float* const* inputs, float* const* outputs, char* err,
                   size_t err_len);
/* Same, and checks the caller's array lengths against the model's input/output counts. */
int kiln_model_run_n(kiln_model* model, int num_inputs, const float* const* inputs, int num_outputs,
                     float* const* outputs, char* err, size_t err_len);

/* Introspection. Index errors return NULL / -1. Shapes are in graph order (NCHW). */
int kiln_model_num_inputs(const kiln_model* model);
int kiln_model_num_outputs(const kiln_model* model);
const char* kiln_model_input_name(const kiln_model* model, int i);
const char* kiln_model_output_name(const kiln_model* model, int i);
/* Writes up to max_dims dimensions to `dims` (may be NULL) and returns the rank. */
int kiln_model_input_shape(const kiln_model* model, int i, int64_t* dims, int max_dims);
int kiln_model_output_shape(const kiln_model* model, int i, int64_t* dims, int max_dims);
int64_t kiln_model_input_size(const kiln_model* model, int i); /* in floats */
int64_t kiln_model_output_size(const kiln_model* model, int i);
int64_t kiln_model_arena_bytes(const kiln_model* model);
int64_t kiln_model_weights_bytes(const kiln_model* model);
const char* kiln_model_target(const kiln_model* model); /* Halide target string */

/* Threads that run this model's kernels, the caller of kiln_model_run included; 0 restores the
 * default (HL_NUM_THREADS, or one per CPU the process may run on). Each model has its own pool.
 * Not while the model runs. Returns the previous count, or -1 if model is NULL, threads negative
 * or the threads cannot be started. */
int kiln_set_num_threads(kiln_model* model, int threads);

/* Per-step timing. Enabling (again) resets the counters; profiling adds two clock reads per step
 * and, with more than one thread, one per task and two per parallel loop. */
void kiln_model_enable_profiling(kiln_model* model, int enabled);
int kiln_model_num_steps(const kiln_model* model);
/* Fills `info` for step i (0 <= i < kiln_model_num_steps). Returns 0, or -1 for a bad index. */
int kiln_model_profile(const kiln_model* model, int i, kiln_profile_info* info);

#ifdef __cplusplus
}
#endif

#endif /* KILN_RUNTIME_H */
