"""Python's side of torchscript_export_test: with Python's torch alone (Debian's
python3-torch), each exported generator makes the images the C++ module made, and the
exported state dict, loaded into the module after its weights were spoiled, makes them
again.

usage: check_exports.py DIRECTORY NAME...   (DIRECTORY/NAME.pt, NAME.case.pt, NAME.state.pt)
"""
import sys

import torch


def images(module, case):
    torch.manual_seed(int(case["seed"]))
    with torch.no_grad():
        if "labels" in case:
            return module(case["z"], case["labels"])
        return module(case["z"])


def main():
    directory, names = sys.argv[1], sys.argv[2:]
    # ATen's own convolutions, not oneDNN's: an oracle independent of the kernels the C++
    # side ran, and unaffected by oneDNN 3.2-3.7 misreading AMD CPUs whose CPUID hides the
    # caches (gan/core/onednn_cache_guard.h guards the C++ side, nothing guards this one).
    torch.backends.mkldnn.enabled = False
    failed = []
    for name in names:
        module = torch.jit.load(f"{directory}/{name}.pt")
        case = torch.load(f"{directory}/{name}.case.pt")
        state = torch.load(f"{directory}/{name}.state.pt")
        # Relative to the images' largest magnitude: float32 sums taken in other orders
        # (ATen's kernels here, oneDNN's in C++) through a dozen layers differ by about
        # 1e-6 of it, a wrong weight or layer by a good part of it.
        scale = max(case["images"].abs().max().item(), 1e-12)
        loaded = (images(module, case) - case["images"]).abs().max().item() / scale
        with torch.no_grad():
            for parameter in module.parameters():
                parameter.add_(0.5)
        names_differ = sorted(set(module.state_dict()) ^ set(state))
        module.load_state_dict(state)
        restored = (images(module, case) - case["images"]).abs().max().item() / scale
        ok = loaded <= 1e-4 and restored <= 1e-4 and not names_differ
        print(f"{name}: max relative difference {loaded:.2e} loaded, {restored:.2e} after "
              f"load_state_dict{'' if not names_differ else f'; names differ: {names_differ}'}"
              f" {'ok' if ok else 'FAILED'}")
        if not ok:
            failed.append(name)
    print(f"torch {torch.__version__}: {len(names) - len(failed)} of {len(names)} ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
