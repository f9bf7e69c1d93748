#include "gan/core/caching_cpu_allocator.h"

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <c10/core/impl/alloc_cpu.h>

#include "gan/core/torch_compat.h"

namespace gan {
namespace {

constexpr size_t kMinCachedBytes = size_t{1} << 20;

// The size class of a request of n >= kMinCachedBytes bytes: n rounded up to a multiple of
// an eighth of the power of two at or below it.
size_t SizeClass(size_t n) {
  size_t power = kMinCachedBytes;
  while (power <= n / 2) power *= 2;
  const size_t step = power / 8;
  return (n + step - 1) / step * step;
}

struct Cache {
  std::mutex mutex;
  std::unordered_map<void*, size_t> block_sizes;  // every live or idle cached block
  std::unordered_map<size_t, std::vector<void*>> idle;  // by size class
  size_t idle_bytes = 0;
  size_t max_idle_bytes = kDefaultMaxCachedCpuBytes;
};

// Never destroyed: tensors may be freed during static destruction.
Cache& TheCache() {
  static Cache* cache = new Cache;
  return *cache;
}

// Caches `data` if it is a cached-size block and the limit allows; frees it otherwise
// (also blocks of other allocators, for raw_deallocate).
void Release(void* data) {
  if (data == nullptr) return;
  Cache& cache = TheCache();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    const auto found = cache.block_sizes.find(data);
    if (found != cache.block_sizes.end()) {
      const size_t size = found->second;
      if (cache.idle_bytes + size <= cache.max_idle_bytes) {
        cache.idle[size].push_back(data);
        cache.idle_bytes += size;
        return;
      }
      cache.block_sizes.erase(found);
    }
  }
  c10::free_cpu(data);
}

void FreeIdleBlocks() {
  Cache& cache = TheCache();
  std::vector<void*> blocks;
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    for (auto& [size, idle] : cache.idle) {
      for (void* block : idle) {
        cache.block_sizes.erase(block);
        blocks.push_back(block);
      }
    }
    cache.idle.clear();
    cache.idle_bytes = 0;
  }
  for (void* block : blocks) c10::free_cpu(block);
}

class CachingCpuAllocator final : public AllocatorBase {
 public:
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }

 protected:
  c10::DataPtr Allocate(size_t n) const override {
    const c10::Device cpu(c10::DeviceType::CPU);
    // Small blocks are glibc's; beyond what any machine holds, alloc_cpu refuses (and
    // SizeClass would overflow).
    if (n < kMinCachedBytes || n > PTRDIFF_MAX / 2) {
      void* data = c10::alloc_cpu(n);
      return {data, data, &c10::free_cpu, cpu};
    }
    const size_t size = SizeClass(n);
    Cache& cache = TheCache();
    {
      std::lock_guard<std::mutex> lock(cache.mutex);
      auto& blocks = cache.idle[size];
      if (!blocks.empty()) {
        void* data = blocks.back();
        blocks.pop_back();
        cache.idle_bytes -= size;
        return {data, data, &Release, cpu};
      }
    }
    void* data = nullptr;
    try {
      data = c10::alloc_cpu(size);
    } catch (const c10::Error&) {
      // Out of memory, perhaps because idle blocks of other sizes hold it: free them, retry.
      FreeIdleBlocks();
      data = c10::alloc_cpu(size);
    }
    std::lock_guard<std::mutex> lock(cache.mutex);
    cache.block_sizes.emplace(data, size);
    return {data, data, &Release, cpu};
  }
};

}  // namespace

c10::Allocator* UseCachingCpuAllocator(size_t max_cached_bytes) {
  static CachingCpuAllocator* allocator = new CachingCpuAllocator;
  {
    Cache& cache = TheCache();
    std::lock_guard<std::mutex> lock(cache.mutex);
    cache.max_idle_bytes = max_cached_bytes;
  }
  c10::Allocator* previous = c10::GetAllocator(c10::DeviceType::CPU);
  // The highest priority, so that no later registration replaces it unasked.
  c10::SetAllocator(c10::DeviceType::CPU, allocator, /*priority=*/255);
  return previous;
}

size_t CachedCpuBytes() {
  Cache& cache = TheCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  return cache.idle_bytes;
}

}  // namespace gan
