// SIGINT and SIGTERM as a request to stop cleanly: the handler only records the signal;
// the trainer finishes the current iteration, writes a checkpoint and returns. The handler
// is one-shot, so a second Ctrl-C ends the process the usual way.
//
//   gan::InstallStopSignalHandlers();
//   ... if (gan::StopSignal() != 0) { save and leave }
#ifndef GAN_CORE_STOP_SIGNAL_H_
#define GAN_CORE_STOP_SIGNAL_H_

namespace gan {

void InstallStopSignalHandlers();

// The signal received since installation (SIGINT or SIGTERM), or 0.
int StopSignal();

// Forgets a received signal (tests).
void ClearStopSignal();

}  // namespace gan

#endif  // GAN_CORE_STOP_SIGNAL_H_
