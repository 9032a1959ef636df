/* The ABI between a generated artifact (libkiln_model.so) and the Kiln runtime.
 *
 * Code generation writes this plan as static C tables in the artifact; the runtime dlopens the
 * artifact, calls kiln_model_plan() and executes the steps. Only the runtime reads it: users of
 * a model include kiln_runtime.h. The generator embeds this very file into every artifact's
 * build, so both sides always agree on the layout.
 *
 * Compatibility: abi_version and struct_size come first and never move, so any runtime can reject
 * a plan it does not understand before reading further. Any change to a struct below, to the
 * meaning of a field or to the kernel calling convention bumps KILN_PLAN_ABI_VERSION.
 *
 * Tensors use Halide's dimension order (innermost first), strides and offsets count floats. */
#ifndef KILN_PLAN_H
#define KILN_PLAN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_PLAN_ABI_VERSION 2
#define KILN_PLAN_MAX_DIMS 16
#define KILN_MODEL_PLAN_SYMBOL "kiln_model_plan"

enum kiln_plan_storage {
  KILN_STORAGE_INPUT = 0,  /* the caller's input buffer, bound at run time */
  KILN_STORAGE_OUTPUT = 1, /* the caller's output buffer, bound at run time */
  KILN_STORAGE_ARENA = 2,  /* an offset into the activation arena */
  KILN_STORAGE_WEIGHTS = 3 /* an offset into weights.bin's payload */
};

struct kiln_plan_tensor {
  const char* name;
  int32_t storage;  /* enum kiln_plan_storage; for a view, its root's storage */
  int32_t alias_of; /* -1, or the tensor this view shares storage with */
  int64_t offset;   /* into the arena / weights, or relative to alias_of's start */
  int32_t dims;
  const int32_t* extents;
  const int64_t* strides;
};

/* Halide's argv wrapper of a kernel: args[i] is the i-th argument's halide_buffer_t*. Returns 0
 * or a Halide error code (the message goes to the artifact's Halide error handler). */
typedef int (*kiln_kernel_fn)(void** args);

struct kiln_plan_step {
  kiln_kernel_fn fn;
  const char* kernel; /* the kernel's function name, e.g. "kiln_k3_conv2d" */
  int32_t num_args;
  const int32_t* args; /* tensor ids in the kernel's argument order, output last */
  int32_t num_layers;
  const char* const* layers; /* source layers this step covers: "conv1", "bn1", "relu1" */
  const char* description;   /* "conv2d 3x3/1 64->64 56x56" */
  double flops;
};

struct kiln_plan_io {
  const char* name;
  int32_t tensor; /* id of a root tensor with storage input / output */
  int32_t rank;
  const int64_t* shape; /* graph order (NCHW), outermost first; dense */
};

typedef void (*kiln_halide_error_handler)(void* user_context, const char* message);

/* Halide's parallel-loop hooks (halide_task_t, halide_do_par_for_t): a parallel loop of a kernel
 * calls do_par_for, which must call task(user_context, i, closure) for every i in
 * [min, min + size) and return 0 or the first non-zero result. */
typedef int (*kiln_task_fn)(void* user_context, int task, uint8_t* closure);
typedef int (*kiln_do_par_for_fn)(void* user_context, kiln_task_fn task, int min, int size,
                                  uint8_t* closure);

struct kiln_plan {
  uint32_t abi_version; /* KILN_PLAN_ABI_VERSION of the generator */
  uint32_t struct_size; /* sizeof(struct kiln_plan) of the generator */
  const char* kiln_version;
  const char* target; /* Halide target string of the kernels, e.g. "x86-64-linux-avx2-fma" */
  int32_t block;      /* channel block V of the blocked layouts */
  int32_t num_tensors;
  const struct kiln_plan_tensor* tensors;
  int32_t num_steps;
  const struct kiln_plan_step* steps;
  int32_t num_inputs;
  const struct kiln_plan_io* inputs;
  int32_t num_outputs;
  const struct kiln_plan_io* outputs;
  int64_t arena_bytes;
  int64_t intermediate_bytes; /* sum of all intermediates: what the arena saves against */
  int64_t weights_bytes;      /* payload of weights.bin */
  uint64_t weights_checksum;  /* XXH64 (seed 0) of that payload */
  /* The artifact's own Halide runtime: one error handler per artifact, and the hook that sends
   * its kernels' parallel loops to the runtime's thread pool (returns the previous hook). */
  kiln_halide_error_handler (*set_error_handler)(kiln_halide_error_handler handler);
  kiln_do_par_for_fn (*set_do_par_for)(kiln_do_par_for_fn do_par_for);
};

typedef const struct kiln_plan* (*kiln_model_plan_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* KILN_PLAN_H */
