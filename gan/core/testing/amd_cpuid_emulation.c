// An LD_PRELOAD library that makes this x86-64 machine's CPU say, through CPUID, that it is
// an AMD EPYC 9R14 (Genoa) in a virtual machine, so that what LibTorch, oneDNN and OpenBLAS
// do on such a machine can be reproduced on any other whose Linux offers CPUID faulting:
//
//   GAN_EMULATED_AMD_CACHES=empty LD_PRELOAD=.../libamd_cpuid_emulation.so program
//
// It makes CPUID fault (ARCH_SET_CPUID) and answers each one from the real CPU, changed to
// AMD's: vendor, family and model, brand, the Intel-only extensions (AMX, AVX512-FP16,
// AVX-VNNI, TSX) removed, leaf 4 empty, and AMD's cache leaves 0x80000005, 0x80000006 and
// 0x8000001D either empty (GAN_EMULATED_AMD_CACHES=empty, the default, as some hypervisors
// leave them) or describing Genoa's caches (=genoa).
//
// GAN_EMULATED_CPUID_FAULTING=unavailable makes the program's own requests for CPUID
// faulting fail (ENODEV), as on kernels or CPUs without it.
//
// Programs that fault CPUID themselves (gan/core/onednn_cache_guard.cc) see the emulated CPU
// as the real one: their ARCH_SET_CPUID calls through syscall() set a per-thread flag here,
// their SIGSEGV handler is chained behind this one, and the faults of threads that asked for
// faulting go to it.
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

typedef long (*SyscallFunction)(long, ...);
typedef int (*SigactionFunction)(int, const struct sigaction*, struct sigaction*);

static SyscallFunction real_syscall;
static SigactionFunction real_sigaction;
static struct sigaction program_action;  // the program's own SIGSEGV handler
static int installed;
static int genoa_caches;
static int faulting_unavailable;
static __thread int program_wants_faulting;

// The C library's functions, found on first use: other libraries' initializers may call
// them before this library's.
static void FindRealFunctions(void) {
  if (real_syscall == NULL) real_syscall = (SyscallFunction)dlsym(RTLD_NEXT, "syscall");
  if (real_sigaction == NULL) real_sigaction = (SigactionFunction)dlsym(RTLD_NEXT, "sigaction");
}

static void RealCpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]) {
  real_syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
  __asm__ volatile("cpuid"
                   : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                   : "a"(leaf), "c"(subleaf));
  real_syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0);
}

static void SetVendor(uint32_t r[4]) {
  memcpy(&r[1], "Auth", 4);
  memcpy(&r[3], "enti", 4);
  memcpy(&r[2], "cAMD", 4);
}

// Leaf 0x8000001D's descriptor of one cache shared by `sharing` logical processors.
static void AmdCache(uint32_t type, uint32_t level, uint32_t sharing, uint32_t ways,
                     uint32_t bytes, uint32_t r[4]) {
  r[0] = type | level << 5 | 1u << 8 | (sharing - 1) << 14;
  r[1] = 63 | (ways - 1) << 22;
  r[2] = bytes / (ways * 64) - 1;
  r[3] = 0;
}

static void EmulatedCpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]) {
  RealCpuid(leaf, subleaf, r);
  static const uint32_t kSignature = 0x00A10F11;  // family 0x19, model 0x11, stepping 1
  switch (leaf) {
    case 0:
      SetVendor(r);
      return;
    case 1:
      r[0] = kSignature;
      return;
    case 4:
      r[0] = r[1] = r[2] = r[3] = 0;
      return;
    case 7:
      if (subleaf == 0) {
        r[1] &= ~(1u << 4 | 1u << 11);                                // HLE, RTM
        r[3] &= ~(1u << 16 | 1u << 22 | 1u << 23 | 1u << 24 | 1u << 25);  // TSXLDTRK, AMX, FP16
      } else if (subleaf == 1) {
        r[0] &= ~(1u << 4);  // AVX-VNNI
      }
      return;
    case 0x80000000u:
      r[0] = 0x80000021u;
      SetVendor(r);
      return;
    case 0x80000001u:
      RealCpuid(leaf, 0, r);
      r[0] = kSignature;
      r[1] = 0;
      r[2] |= 1u << 5 | 1u << 6 | 1u << 8;  // LZCNT, SSE4A, PREFETCHW
      return;
    case 0x80000002u:
    case 0x80000003u:
    case 0x80000004u: {
      static const char kBrand[48] = "AMD EPYC 9R14 96-Core Processor";
      memcpy(r, kBrand + 16 * (leaf - 0x80000002u), 16);
      return;
    }
    case 0x80000005u:  // L1d and L1i: 32 KiB, 8-way, 64-byte lines
      r[0] = r[1] = 0;
      r[2] = r[3] = genoa_caches ? (32u << 24 | 8u << 16 | 1u << 8 | 64) : 0;
      return;
    case 0x80000006u:  // L2 1 MiB 8-way, L3 32 MiB 16-way
      r[0] = r[1] = 0;
      r[2] = genoa_caches ? (1024u << 16 | 0x6u << 12 | 64) : 0;
      r[3] = genoa_caches ? (64u << 18 | 0x9u << 12 | 64) : 0;
      return;
    case 0x8000001Du:
      r[0] = r[1] = r[2] = r[3] = 0;
      if (!genoa_caches) return;
      if (subleaf == 0) AmdCache(1, 1, 2, 8, 32u << 10, r);
      if (subleaf == 1) AmdCache(2, 1, 2, 8, 32u << 10, r);
      if (subleaf == 2) AmdCache(3, 2, 2, 8, 1u << 20, r);
      if (subleaf == 3) AmdCache(3, 3, 16, 16, 32u << 20, r);
      return;
    case 0x80000008u:
      r[1] = r[3] = 0;
      r[2] = 1;  // two logical processors
      return;
    default:
      if (leaf > 0x80000000u) r[0] = r[1] = r[2] = r[3] = 0;
      return;
  }
}

static int CallProgramHandler(int signal_number, siginfo_t* info, void* context) {
  if (program_action.sa_flags & SA_SIGINFO) {
    program_action.sa_sigaction(signal_number, info, context);
    return 1;
  }
  if (program_action.sa_handler != SIG_DFL && program_action.sa_handler != SIG_IGN) {
    program_action.sa_handler(signal_number);
    return 1;
  }
  return 0;
}

static void OnSegv(int signal_number, siginfo_t* info, void* context) {
  greg_t* g = ((ucontext_t*)context)->uc_mcontext.gregs;
  const unsigned char* ip = (const unsigned char*)g[REG_RIP];
  const int is_cpuid = ip[0] == 0x0F && ip[1] == 0xA2;
  if (is_cpuid && !program_wants_faulting) {
    uint32_t r[4];
    EmulatedCpuid((uint32_t)g[REG_RAX], (uint32_t)g[REG_RCX], r);
    g[REG_RAX] = r[0];
    g[REG_RBX] = r[1];
    g[REG_RCX] = r[2];
    g[REG_RDX] = r[3];
    g[REG_RIP] += 2;
    return;
  }
  if (CallProgramHandler(signal_number, info, context)) return;
  // A real fault with no handler of the program's: the default action, on return.
  struct sigaction default_action;
  memset(&default_action, 0, sizeof default_action);
  default_action.sa_handler = SIG_DFL;
  real_sigaction(SIGSEGV, &default_action, NULL);
}

// The program's ARCH_SET_CPUID and ARCH_GET_CPUID act on its per-thread flag.
long syscall(long number, ...) {
  va_list args;
  va_start(args, number);
  long a[6];
  for (int i = 0; i < 6; ++i) a[i] = va_arg(args, long);
  va_end(args);
  FindRealFunctions();
  if (installed && number == SYS_arch_prctl && a[0] == ARCH_SET_CPUID) {
    if (faulting_unavailable && a[1] == 0) {
      errno = ENODEV;
      return -1;
    }
    program_wants_faulting = a[1] == 0;
    return 0;
  }
  if (installed && number == SYS_arch_prctl && a[0] == ARCH_GET_CPUID) {
    return !program_wants_faulting;
  }
  return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

// SIGSEGV handlers the program installs run behind this one.
int sigaction(int signal_number, const struct sigaction* action, struct sigaction* old) {
  FindRealFunctions();
  if (!installed || signal_number != SIGSEGV) return real_sigaction(signal_number, action, old);
  if (old != NULL) *old = program_action;
  if (action != NULL) program_action = *action;
  return 0;
}

__attribute__((constructor)) static void Install(void) {
  FindRealFunctions();
  const char* caches = getenv("GAN_EMULATED_AMD_CACHES");
  genoa_caches = caches != NULL && strcmp(caches, "genoa") == 0;
  const char* faulting = getenv("GAN_EMULATED_CPUID_FAULTING");
  faulting_unavailable = faulting != NULL && strcmp(faulting, "unavailable") == 0;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = OnSegv;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  real_sigaction(SIGSEGV, &action, &program_action);
  if (real_syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) != 0) abort();  // no CPUID faulting
  installed = 1;
}
