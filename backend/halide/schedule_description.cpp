#include "backend/halide/schedule_description.h"

#include <mutex>
#include <utility>

namespace kiln::halide {
namespace {

std::mutex g_mutex;
std::string g_description;

}  // namespace

void record_schedule_description(std::string text) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_description = std::move(text);
}

std::string take_schedule_description() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return std::exchange(g_description, {});
}

}  // namespace kiln::halide
