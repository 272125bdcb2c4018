/* What hardrun-exec-finish (exec_finish.c) and hardrun agree on: its
 * argv[0], and the error message it sends, which is the runtime's sync
 * message (container/sync.h) of type HR_SYNC_EXEC_ERROR. A header of its
 * own so that the program includes nothing else of hardrun's;
 * container/exec_finish.c checks at build time that the two agree. */
#ifndef HARDRUN_FINISH_PROTOCOL_H
#define HARDRUN_FINISH_PROTOCOL_H

#include <stdint.h>

#define HR_FINISH_MAGIC "hardrun-exec-finish"
#define HR_FINISH_SYNC_EXEC_ERROR 10 /* HR_SYNC_EXEC_ERROR */
#define HR_FINISH_TEXT_MAX 4200      /* "exec \"PATH\"": fits HR_ERROR_MSG_MAX */

struct hr_finish_error {
	uint32_t type;
	int32_t value;
	char text[HR_FINISH_TEXT_MAX];
};

#endif
