#!/bin/bash
# The exec tests of exec.sh again, every container in a user namespace of
# its own: there exec ends through hardrun-exec-finish (src/finish/), not
# through a copy of hardrun's image, and must behave the same.
EXEC_USERNS=1 . "$(dirname "$0")/exec.sh"
