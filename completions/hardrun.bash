# bash completion for hardrun(8): verbs, global and per-verb flags, container
# ids (from `hardrun list -q`, with the --root given on the line), signal
# names for kill, files and directories for the flags that take them.
# Installed as share/bash-completion/completions/hardrun; works without the
# bash-completion package too (source it).

_hardrun_verbs="create start run state kill delete list spec exec ps pause resume update events features apparmor profile policy inspect sandbox"
_hardrun_global_flags="--root --log --log-format --debug --systemd-cgroup --policy --version --help"
# `hardrun help VERB` is not listed among the verbs (as `hardrun --help`),
# but completes them.
# global flags that take a value
_hardrun_global_args="--root --log --log-format --rootless --criu --policy"

_hardrun_signals="HUP INT QUIT ILL TRAP ABRT IOT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO POLL PWR SYS RTMIN RTMAX"

_hardrun_caps="CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM"

# _hardrun_flags VERB: the flags VERB accepts
_hardrun_flags() {
	case $1 in
	create) echo "--bundle --pid-file --console-socket --preserve-fds --no-pivot --no-new-keyring --keep --no-subreaper" ;;
	run) echo "--detach --bundle --pid-file --console-socket --preserve-fds --no-pivot --no-new-keyring --keep --no-subreaper" ;;
	exec) echo "--process --tty --cwd --env --user --additional-gids --cap --no-new-privs --apparmor --process-label --detach --pid-file --console-socket --preserve-fds --ignore-paused --cgroup" ;;
	kill) echo "--all" ;;
	delete) echo "--force" ;;
	list) echo "--quiet --format" ;;
	spec) echo "--bundle --rootless --minimal" ;;
	sandbox) echo "--rootfs --host --bind-cwd --bind --tmpfs --memory --cpus --pids --cap-add --seccomp --apparmor --user --env --workdir --hostname --read-write --dry-run --learn --check" ;;
	ps) echo "--format" ;;
	update) echo "--resources --memory --memory-swap --memory-reservation --cpu-quota --cpu-period --cpu-shares --cpuset-cpus --cpuset-mems --pids-limit --blkio-weight" ;;
	events) echo "--stats --interval" ;;
	apparmor) echo "--help" ;;
	profile) echo "--arch --caps --kernel --format --bundle --output --merge --id --profile --report --enforce-after --apparmor --name --help" ;;
	policy) echo "--bundle --help" ;;
	esac
}

# _hardrun_takes_arg VERB FLAG: whether FLAG of VERB is followed by a value
_hardrun_takes_arg() {
	case $1:$2 in
	create:--bundle|create:-b|create:--pid-file|create:--console-socket|create:--preserve-fds) return 0 ;;
	run:--bundle|run:-b|run:--pid-file|run:--console-socket|run:--preserve-fds) return 0 ;;
	exec:--process|exec:-p|exec:--cwd|exec:-w|exec:--env|exec:-e|exec:--user|exec:-u) return 0 ;;
	exec:--additional-gids|exec:-g|exec:--cap|exec:-c|exec:--apparmor|exec:--process-label) return 0 ;;
	exec:--pid-file|exec:--console-socket|exec:--preserve-fds|exec:--cgroup) return 0 ;;
	profile:--arch|profile:--caps|profile:--kernel|profile:--format|profile:--bundle) return 0 ;;
	profile:--output|profile:-o|profile:--merge|profile:--id|profile:--profile|profile:--report) return 0 ;;
	profile:--enforce-after|profile:--name) return 0 ;;
	list:--format|list:-f|ps:--format|ps:-f|spec:--bundle|spec:-b|events:--interval) return 0 ;;
	policy:--bundle|policy:-b) return 0 ;;
	sandbox:--rootfs|sandbox:--bind|sandbox:--tmpfs|sandbox:--memory|sandbox:-m|sandbox:--cpus) return 0 ;;
	sandbox:--pids|sandbox:--cap-add|sandbox:--seccomp|sandbox:--apparmor|sandbox:--user|sandbox:-u) return 0 ;;
	sandbox:--env|sandbox:-e|sandbox:--workdir|sandbox:-w|sandbox:--hostname|sandbox:--learn|sandbox:--check) return 0 ;;
	update:-r|update:--resources|update:--memory|update:--memory-swap|update:--memory-reservation) return 0 ;;
	update:--cpu-quota|update:--cpu-period|update:--cpu-shares|update:--cpuset-cpus) return 0 ;;
	update:--cpuset-mems|update:--pids-limit|update:--blkio-weight) return 0 ;;
	esac
	return 1
}

_hardrun_ids() {
	local bin=${COMP_WORDS[0]}
	command -v "$bin" >/dev/null 2>&1 || bin=hardrun
	if [ -n "$1" ]; then
		"$bin" --root "$1" list -q 2>/dev/null
	else
		"$bin" list -q 2>/dev/null
	fi
}

_hardrun_files() {
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

_hardrun_dirs() {
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -d -- "$1")
}

_hardrun() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local root="" verb="" i w npos=0
	COMPREPLY=()

	# global flags, then the verb, then the verb's flags and positionals
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [ -z "$verb" ]; then
			case $w in
			--root)
				# COMP_WORDBREAKS splits --root=DIR into --root = DIR
				if [ "${COMP_WORDS[i+1]}" = "=" ]; then i=$((i + 1)); fi
				root=${COMP_WORDS[i+1]}; i=$((i + 1)) ;;
			--root=*) root=${w#--root=} ;;
			--log|--log-format|--rootless|--criu|--policy) i=$((i + 1)) ;;
			-*) ;;
			*) verb=$w ;;
			esac
		elif [[ $w == -* ]]; then
			_hardrun_takes_arg "$verb" "$w" && i=$((i + 1))
		else
			npos=$((npos + 1))
		fi
	done

	# the value of a flag
	if [ -z "$verb" ]; then
		case $prev in
		--root) _hardrun_dirs "$cur"; return 0 ;;
		--log|--criu|--policy) _hardrun_files "$cur"; return 0 ;;
		--log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur"); return 0 ;;
		--rootless) mapfile -t COMPREPLY < <(compgen -W "true false auto" -- "$cur"); return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_hardrun_global_flags" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_hardrun_verbs" -- "$cur")
		fi
		return 0
	fi
	if [[ $prev == -* ]] && _hardrun_takes_arg "$verb" "$prev"; then
		case $prev in
		--bundle|-b|--rootfs) _hardrun_dirs "$cur" ;;
		--seccomp) _hardrun_files "$cur" ;;
		--pid-file|--console-socket|--process|-p|--resources|-r) _hardrun_files "$cur" ;;
		--output|-o|--merge|--profile|--report) _hardrun_files "$cur" ;;
		--cwd|-w) ;;
		--format|-f)
			if [ "$verb" = profile ]; then
				mapfile -t COMPREPLY < <(compgen -W "text json oci docker" -- "$cur")
			else
				mapfile -t COMPREPLY < <(compgen -W "table json" -- "$cur")
			fi ;;
		--cap|-c|--caps|--cap-add) mapfile -t COMPREPLY < <(compgen -W "$_hardrun_caps" -- "$cur") ;;
		--arch) mapfile -t COMPREPLY < <(compgen -W "x86_64 x86 x32 aarch64 arm mips64 mipsel64 ppc64le s390x riscv64" -- "$cur") ;;
		esac
		return 0
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_hardrun_flags "$verb")" -- "$cur")
		return 0
	fi

	case $verb in
	help)
		[ "$npos" -eq 0 ] && mapfile -t COMPREPLY < <(compgen -W "$_hardrun_verbs" -- "$cur") ;;
	start|state|delete|pause|resume|update|events|ps|inspect)
		[ "$npos" -eq 0 ] && mapfile -t COMPREPLY < <(compgen -W "$(_hardrun_ids "$root")" -- "$cur") ;;
	exec)
		[ "$npos" -eq 0 ] && mapfile -t COMPREPLY < <(compgen -W "$(_hardrun_ids "$root")" -- "$cur") ;;
	kill)
		if [ "$npos" -eq 0 ]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_hardrun_ids "$root")" -- "$cur")
		elif [ "$npos" -eq 1 ]; then
			local sigs=$_hardrun_signals
			# shellcheck disable=SC2086 # one name per word
			[[ ${cur^^} == SIG* ]] && sigs=$(printf 'SIG%s ' $_hardrun_signals)
			mapfile -t COMPREPLY < <(compgen -W "$sigs" -- "${cur^^}")
		fi ;;
	profile)
		if [ "$npos" -eq 0 ]; then
			mapfile -t COMPREPLY < <(compgen -W "lint diff probe learn check" -- "$cur")
		else
			_hardrun_files "$cur"
		fi ;;
	policy)
		[ "$npos" -eq 0 ] && mapfile -t COMPREPLY < <(compgen -W "init check" -- "$cur") ;;
	apparmor)
		if [ "$npos" -eq 0 ]; then
			mapfile -t COMPREPLY < <(compgen -W "load status" -- "$cur")
		elif [ "$npos" -eq 1 ] && [ "$prev" = load ]; then
			_hardrun_files "$cur"
		fi ;;
	esac
	return 0
}

complete -F _hardrun hardrun
