#include "gan/core/stop_signal.h"

#include <csignal>

#include <atomic>

namespace gan {
namespace {

std::atomic<int> received_signal{0};

extern "C" void RecordStopSignal(int signal) { received_signal.store(signal); }

}  // namespace

void InstallStopSignalHandlers() {
  struct sigaction action = {};
  action.sa_handler = RecordStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // one-shot: a second signal takes the default action
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int StopSignal() { return received_signal.load(); }

void ClearStopSignal() { received_signal.store(0); }

}  // namespace gan
