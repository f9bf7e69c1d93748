// A CPU allocator for LibTorch that keeps freed large blocks and hands them out again.
// LibTorch 1.13 allocates every tensor with posix_memalign; glibc gives freed blocks over
// 32 MB back to the kernel, and a 64-byte-aligned request cannot reuse a freed block of
// exactly its own size, so each training iteration faulted in its large activations
// afresh (16,384 page faults per 64 MB): about 30% of a 96x96 DCGAN iteration. With this
// allocator the same iteration allocates nothing new after the first one.
//
// Blocks of at least 1 MB are rounded up to a size class (at most 1/8 larger) and cached
// when freed, up to a limit of idle bytes; smaller ones go to glibc, which reuses them
// well. The cache lives as long as the process.
//
//   gan::UseCachingCpuAllocator();   // before training; tensors made earlier are fine
#ifndef GAN_CORE_CACHING_CPU_ALLOCATOR_H_
#define GAN_CORE_CACHING_CPU_ALLOCATOR_H_

#include <cstddef>

#include <c10/core/Allocator.h>

namespace gan {

inline constexpr size_t kDefaultMaxCachedCpuBytes = size_t{4} << 30;

// Makes the caching allocator LibTorch's CPU allocator; returns the one it replaces.
// Calling it again only updates the limit of idle cached bytes.
c10::Allocator* UseCachingCpuAllocator(size_t max_cached_bytes = kDefaultMaxCachedCpuBytes);

// Bytes in freed blocks kept for reuse.
size_t CachedCpuBytes();

}  // namespace gan

#endif  // GAN_CORE_CACHING_CPU_ALLOCATOR_H_
