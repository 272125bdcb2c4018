#!/usr/bin/env python3
"""bench-profile-roles.py: the CPU of N `hardrun exec` split by process role and step.

    perf record -g -F 20000 -- <N hardrun exec ... commands>
    perf script -F comm,pid,tid,time,period,ip,sym,dso | scripts/bench-profile-roles.py N

Roles: the CLI as started (until the re-exec from the sealed copy, when
hardrun takes that path), the CLI re-executed from the copy until it renames
itself, the CLI doing the work (one role when the copy is mapped in place),
the cloned child that joins the namespaces, and the grandchild that becomes
the workload. Within each,
the sample time (cpu-clock periods, ns) by the outermost syscall, page
faults, or the user-space object. perf's own overhead inflates the totals
(~30% over the rusage p50 of bench.sh); compare the shares. Not part of the
test suite.
"""
import collections
import re
import sys


def read_samples(lines):
    samples, cur = [], None
    for line in lines:
        if not line.strip():
            if cur:
                samples.append(cur)
            cur = None
        elif not line[0].isspace():
            m = re.match(r'(.+?)\s+(\d+)/\d+\s+([\d.]+):\s+(\d+)', line)
            cur = [int(m.group(2)), m.group(1).strip(), float(m.group(3)), int(m.group(4)), []] if m else None
        elif cur is not None and len(line.split(None, 1)) == 2:
            cur[4].append(line.split(None, 1)[1].strip())
    if cur:
        samples.append(cur)
    return samples


def kind(frames):
    names = [f.split(' (')[0] for f in frames]
    for i, n in enumerate(names):
        if n.startswith('do_syscall_64') or n.startswith('entry_SYSCALL'):
            for j in range(i - 1, -1, -1):
                if re.match(r'(__x64_sys_|__do_sys_|__se_sys_|ksys_)', names[j]):
                    return 'sys:' + re.sub(r'^(__x64_sys_|__do_sys_|__se_sys_|ksys_)', '', names[j])
            return 'sys:' + (names[i - 1] if i else '?')
    if any('page_fault' in n for n in names):
        return 'page faults'
    dso = frames[0].rsplit('(', 1)[-1].rstrip(')') if frames else '?'
    return ('kernel:' + names[-1]) if 'kernel' in dso else 'user:' + dso.split('/')[-1]


def main():
    n = int(sys.argv[1])
    samples = read_samples(sys.stdin)
    comms = collections.defaultdict(set)
    for s in samples:
        comms[s[0]].add(s[1])
    first_memfd = {}
    for pid, comm, t, _, _ in samples:
        if comm == 'memfd:hardrun':
            first_memfd[pid] = min(first_memfd.get(pid, t), t)
    # the child is forked just before the grandchild (consecutive pids); every
    # other hardrun process is a CLI
    grandchildren = {p for p, c in comms.items() if 'true' in c}
    cli = {p for p, c in comms.items() if not c <= {'bash'} and p not in grandchildren and p + 1 not in grandchildren}
    tot, by = collections.Counter(), collections.defaultdict(collections.Counter)
    for pid, comm, t, period, frames in samples:
        c = comms[pid]
        if c <= {'bash'}:
            continue
        if pid in cli:
            if comm == 'memfd:hardrun':
                role = 'cli 2: re-executed, until it renames itself'
            elif pid in first_memfd and t < first_memfd[pid]:
                role = 'cli 1: as started, until the re-exec'
            elif pid in first_memfd:
                role = 'cli 3: the work (load, plan, clone, wait)'
            else:
                role = 'cli: one image (copy mapped in place) and the work'
        elif 'true' in c:
            role = 'grandchild: joins the pid namespace, becomes /bin/true'
        else:
            role = 'child: joins the namespaces, forks'
        tot[role] += period
        by[role][kind(frames)] += period
    print(f'total {sum(tot.values()) / n / 1e6:.2f} ms per exec (perf cpu-clock)')
    for role, v in sorted(tot.items()):
        print(f'{role:55s} {v / n / 1e6:6.2f} ms')
        for k, w in by[role].most_common(12):
            if w / n / 1e6 >= 0.02:
                print(f'    {k:51s} {w / n / 1e6:6.3f}')


main()
