#!/usr/bin/python3
"""bench-measure.py: run commands alternately and record what each run cost.

    bench-measure.py N PLAN OUT RUSAGE

RUSAGE is the compiled scripts/bench-rusage.c, which runs each command.

PLAN has one command per line, "SCENARIO<TAB>RUNTIME<TAB>SHELL-FREE COMMAND";
the command's words are split on spaces and "{i}" is replaced by the run
number (for unique container ids). Every iteration runs all commands of one
scenario, starting one further along each time (iteration i starts at
command i mod k), so that load changes on a shared machine hit every
runtime alike. Iteration 0 is an untimed warm-up.

For each run, OUT gets "SCENARIO RUNTIME I WALL_US CPU_US MAXRSS_KB" as
RUSAGE measured it: wall time from fork to reap, and the rusage wait4()
returns for the command: user + system time of the command and of every
descendant it waited for (the runtime, the container process, bubblewrap's
pid 1), and the largest resident set among them (Linux keeps a process's
peak RSS across execve, so the runtime's image before it execs the workload
counts).

A run that fails aborts with its output; nothing is retried.
"""
import os
import sys


def read_all(fd):
    out = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return out
        out += chunk


def run_one(rusage, argv):
    """Run argv under RUSAGE: stdin /dev/null, output captured, numbers on fd 3."""
    r, w = os.pipe()
    nr, nw = os.pipe()
    devnull = os.open("/dev/null", os.O_RDONLY)
    actions = [
        (os.POSIX_SPAWN_DUP2, devnull, 0),
        (os.POSIX_SPAWN_DUP2, w, 1),
        (os.POSIX_SPAWN_DUP2, w, 2),
        (os.POSIX_SPAWN_DUP2, nw, 3),
    ]
    pid = os.posix_spawn(rusage, [rusage] + argv, os.environ, file_actions=actions)
    for fd in (w, nw, devnull):
        os.close(fd)
    out = read_all(r)  # drain before reaping, so a chatty command cannot block
    numbers = read_all(nr).split()
    os.waitpid(pid, 0)
    os.close(r)
    os.close(nr)
    if len(numbers) != 4:
        return 1, 0, 0, 0, out
    rc, wall, cpu, rss = (int(x) for x in numbers)
    return rc, wall, cpu, rss, out


def load_plan(path):
    plan = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            scenario, runtime, cmd = line.split("\t", 2)
            plan.setdefault(scenario, []).append((runtime, cmd))
    return plan


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    n, plan, out_path, rusage = int(sys.argv[1]), load_plan(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open(out_path, "a") as out:
        for scenario, cmds in plan.items():
            k = len(cmds)
            for i in range(n + 1):
                for j in range(k):
                    runtime, cmd = cmds[(i + j) % k]
                    argv = cmd.replace("{i}", str(i)).split()
                    rc, wall, cpu, rss, text = run_one(rusage, argv)
                    if rc != 0:
                        sys.stderr.write(f"FAIL {scenario} {runtime} run {i} (exit {rc}): {' '.join(argv)}\n")
                        sys.stderr.write(text.decode(errors="replace"))
                        sys.exit(1)
                    if i > 0:
                        out.write(f"{scenario} {runtime} {i} {wall} {cpu} {rss}\n")
            out.flush()
            sys.stderr.write(f"bench: {scenario} done\n")


if __name__ == "__main__":
    main()
