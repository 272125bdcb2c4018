# Sourced by tests/run.sh inside namespaces/VMs: runs every test file of a directory.
run_integration_dir() {
	local dir=$1 f
	for f in "$dir"/*.sh; do
		[ -f "$f" ] || continue
		echo "# $f"
		bash "$f" 2>&1
	done
}
