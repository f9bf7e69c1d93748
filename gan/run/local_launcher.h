// Starts N local ranks of a data-parallel run: this same binary, N times, each with
// --rank=i --world_size=N (and --threads=cores/N when share_cores: the caller's config
// asks for all cores) after the caller's other arguments, and waits for them. When a
// rank fails the others are stopped, so a run never hangs on a dead peer.
//
//   if (nproc > 1 && !rank_given) return gan::RunLocalRanks(argc, argv, nproc, threads == 0);
#ifndef GAN_RUN_LOCAL_LAUNCHER_H_
#define GAN_RUN_LOCAL_LAUNCHER_H_

namespace gan {

// Returns 0 when every rank exits with 0, else the first failing rank's exit code
// (128 + signal for a rank killed by a signal).
int RunLocalRanks(int argc, char** argv, int nproc, bool share_cores);

}  // namespace gan

#endif  // GAN_RUN_LOCAL_LAUNCHER_H_
